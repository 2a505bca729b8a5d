using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Records;
using Xunit.Abstractions;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// Issue 19 on the Docker launcher (real Docker, the driver image of <c>docker/build-test-images</c>): a notebook run by
/// Jupyter's nbconvert on this kernel starts a Docker session, a view, a setting and a long query, and its kernel is
/// SIGKILLed while the server runs the query; the driver lives on. A new owner attaches from the record alone, from
/// plain C# (<c>OpenSparkSession.AttachAsync</c>): the
/// view, the setting and the query's rows (fetched by id, not run again) are there, the driver log and the UI come through
/// the gateway pinned to the recorded certificate, and its stop removes every container.
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class DockerAttachNotebookTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = KernelTool.NewRunFolder("attach-docker");
    private readonly string _prefix = "ispark-jattach-" + Guid.NewGuid().ToString("N")[..6];

    private string Sessions => Path.Combine(_folder, "sessions");

    public void Dispose()
    {
        // The run folder stays under artifacts/ for a look after a failure; the records (they hold a token) do not.
        if (Directory.Exists(Sessions))
        {
            Directory.Delete(Sessions, recursive: true);
        }
    }

    [Fact]
    public async Task A_killed_kernels_Docker_session_is_attached_with_its_view_setting_and_query_and_its_stop_removes_its_containers()
    {
        var build = await KernelTool.RunAsync(Path.Combine(KernelTool.Root, "docker", "build-test-images"), ["--image", DockerSparkLauncherOptions.DefaultImage], TimeSpan.FromMinutes(25));
        build.ExitCode.Should().Be(0, build.Output);
        var notebook = Path.Combine(_folder, "attach-before-docker.ipynb");
        await File.WriteAllTextAsync(notebook, (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Notebooks", "attach-before-docker.ipynb"))).Replace("PREFIX", _prefix, StringComparison.Ordinal));
        var pidFile = Path.Combine(_folder, "kernel-a.pid");
        var environment = new Dictionary<string, string>
        {
            ["ISPARK_SESSIONS_DIR"] = Sessions,
            ["ISPARK_LOG_DIR"] = Path.Combine(_folder, "logs"),
            ["ISPARK_TEST_KERNEL_PID_FILE"] = pidFile,
        };
        var store = new SessionRecordStore(Sessions);
        int? kernelA = null;
        string? label = null;
        try
        {
            // A: runs until its last cell, which tells the kernel's pid once the server runs the query, then waits for the kill.
            var clock = Stopwatch.StartNew();
            var runA = KernelTool.ExecuteNotebookAsync(notebook, Path.Combine(_folder, "attach-before-docker.out.ipynb"), environment, TimeSpan.FromMinutes(8));
            while (!runA.IsCompleted && !File.Exists(pidFile))
            {
                clock.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(7), "notebook A reaches its last cell");
                await Task.Delay(250);
            }

            if (runA.IsCompleted)
            {
                Assert.Fail($"notebook A ended before its last cell:\n{(await runA).Output}");
            }

            await Task.Delay(200); // the kernel writes the file in one call
            kernelA = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
            var record = store.FindByName("dev");
            record.Should().NotBeNull("notebook A's session writes its record");
            record!.Launcher.Should().Be("docker");
            record.OwnerProcessId.Should().Be(kernelA.Value);
            label = record.Resource!;
            var operation = record.Operations.Should().ContainSingle().Subject;
            log.WriteLine($"A: Docker session started, query running after {clock.Elapsed.TotalSeconds:0.0} s; SIGKILL to kernel {kernelA}");

            Process.GetProcessById(kernelA.Value).Kill(); // SIGKILL: the kernel leaves nothing behind but its record
            var (exitA, outputA) = await runA;
            exitA.Should().NotBe(0, "nbconvert reports its dead kernel");
            (await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = label }))
                .Should().NotBeEmpty("a killed kernel's Docker driver lives on (its gateway's idle timer ends it)");

            // A new owner takes it over from the record alone.
            clock.Restart();
            var second = await OpenSparkSession.AttachAsync("dev", store, TimeSpan.FromSeconds(60));
            log.WriteLine($"B: attached in {clock.Elapsed.TotalMilliseconds:0} ms");
            second.Launcher.Should().Be(SparkLauncherKind.Docker);
            string.Join("\n", second.AttachedLines()).Should().Contain($"dev.FetchOperationAsync(\"{operation.OperationId}\")");

            // The query in flight first: its rows, then the new queries. Run side by side with it, a new query's tasks once
            // (CI, load ~10) lost their class fetch from the driver (RemoteClassLoaderError); a notebook fetches what it left first.
            var rows = await second.Session.FetchOperationAsync(operation);
            rows.Select(r => r.Get<long>("id")).Should().Equal(0L, 1L, 2L, 3L);
            rows.Select(r => r.Get<long>("n")).Should().AllBeEquivalentTo(300_000_000L);
            second.Record!.Operations.Should().BeEmpty("a fetched operation leaves the record");
            var kept = await second.Session.SqlAsync("SELECT count(*) AS n FROM kept");
            (await kept.CollectAsync())[0].Get<long>("n").Should().Be(10);
            (await second.Session.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("3");
            second.Driver.Owned.Should().Be("its Docker containers");

            // Spark ran the query once: one SQL execution of its plan in the driver's UI, through the gateway.
            (await second.Logs()!.ReadAsync(new SessionLogRequest { Tail = 200 })).Should().NotBeEmpty();
            var ui = await second.Ui()!.GetLinkAsync();
            ui.Uri.ToString().Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/ui/$");
            using (var browser = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                (await browser.GetStringAsync(new Uri(ui.Uri, "jobs/"))).Should().Contain("Spark Jobs");
                var apps = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync(new Uri(ui.Uri, "api/v1/applications")));
                var app = apps.RootElement[0].GetProperty("id").GetString();
                var sql = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync(new Uri(ui.Uri, $"api/v1/applications/{app}/sql?details=true&planDescription=true")));
                var executions = sql.RootElement.EnumerateArray().Count(e => e.GetRawText().Contains("300000000", StringComparison.Ordinal));
                executions.Should().Be(1, "the query's plan was executed once: its rows were fetched, never re-run");
            }

            // #!spark-stop of the attached session: released, and its containers removed.
            await second.StopAsync();
            (await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = label }))
                .Should().BeEmpty("stopping an attached Docker session removes its containers");
            store.All().Should().BeEmpty("a stopped session's record is removed");
            var all = string.Join("\n", Directory.EnumerateFiles(_folder, "*.ipynb").Select(File.ReadAllText));
            all.Should().NotContain(record.Connection.Token!, "no output shows the session's token");
        }
        finally
        {
            if (kernelA is { } a)
            {
                try
                {
                    Process.GetProcessById(a).Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = _prefix });
        }
    }
}

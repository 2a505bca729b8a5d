using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Records;
using Xunit.Abstractions;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// Issue 19 on the Docker and the Marathon launcher (real Docker, the driver image of <c>docker/build-test-images</c>;
/// Marathon through the emulator, which runs its tasks as real containers): a notebook run by Jupyter's nbconvert on this
/// kernel starts a session, a view, a setting and a long query, and its kernel is SIGKILLed while the server runs the
/// query; the driver lives on. A new owner attaches from the record alone, from plain C#
/// (<c>OpenSparkSession.AttachAsync</c>): the view, the setting and the query's rows (fetched by id) are there, Spark's
/// SQL tab lists the query's plan once, the driver log and the UI come through the gateway pinned to the recorded
/// certificate, and its stop removes every container (Docker) or the group (Marathon, with the credentials of the
/// environment). (The local launcher's pair, with the idle timeout's end, is AttachNotebookTests.)
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class LauncherAttachNotebookTests(ITestOutputHelper log) : IDisposable
{
    private const string MarathonUser = "analyst";
    private readonly string _folder = KernelTool.NewRunFolder("attach-launcher");
    private readonly string _prefix = "ispark-jattach-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");

    private string Sessions => Path.Combine(_folder, "sessions");

    public void Dispose()
    {
        // The run folder stays under artifacts/ for a look after a failure; the records (they hold a token) do not.
        if (Directory.Exists(Sessions))
        {
            Directory.Delete(Sessions, recursive: true);
        }
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("marathon")]
    public async Task A_killed_kernels_session_is_attached_with_its_view_setting_and_query_and_its_stop_removes_what_it_ran_on(string launcher)
    {
        var build = await KernelTool.RunAsync(Path.Combine(KernelTool.Root, "docker", "build-test-images"), ["--image", DockerSparkLauncherOptions.DefaultImage], TimeSpan.FromMinutes(25));
        build.ExitCode.Should().Be(0, build.Output);
        await using var marathon = launcher == "marathon" ? await MarathonEmulator.MarathonEmulator.StartAsync(new MarathonEmulatorOptions { User = MarathonUser, Password = _password }) : null;
        var options = marathon is null
            ? $"--launcher docker --prefix {_prefix}"
            : $"--launcher marathon --marathon {marathon.Url} --group {_prefix} --image {DockerSparkLauncherOptions.DefaultImage} --memory 2g --cpus 0.5";
        var notebook = Path.Combine(_folder, "attach-before.ipynb");
        await File.WriteAllTextAsync(notebook, (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Notebooks", "attach-before-launcher.ipynb"))).Replace("CONNECT_OPTIONS", options, StringComparison.Ordinal));
        var pidFile = Path.Combine(_folder, "kernel-a.pid");
        var environment = new Dictionary<string, string>
        {
            ["ISPARK_SESSIONS_DIR"] = Sessions,
            ["ISPARK_LOG_DIR"] = Path.Combine(_folder, "logs"),
            ["ISPARK_TEST_KERNEL_PID_FILE"] = pidFile,
            ["ISPARK_MARATHON_USER"] = MarathonUser,
            ["ISPARK_MARATHON_PASSWORD"] = _password,
        };
        var store = new SessionRecordStore(Sessions);
        int? kernelA = null;
        try
        {
            // A: runs until its last cell, which tells the kernel's pid once the server runs the query, then waits for the kill.
            var clock = Stopwatch.StartNew();
            var runA = KernelTool.ExecuteNotebookAsync(notebook, Path.Combine(_folder, "attach-before.out.ipynb"), environment, TimeSpan.FromMinutes(8));
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
            record!.Launcher.Should().Be(launcher);
            record.OwnerProcessId.Should().Be(kernelA.Value);
            var operation = record.Operations.Should().ContainSingle().Subject;
            log.WriteLine($"A ({launcher}): session started, query running after {clock.Elapsed.TotalSeconds:0.0} s; SIGKILL to kernel {kernelA}");

            Process.GetProcessById(kernelA.Value).Kill(); // SIGKILL: the kernel leaves nothing behind but its record
            var (exitA, _) = await runA;
            exitA.Should().NotBe(0, "nbconvert reports its dead kernel");
            (await ContainersAsync(marathon, record)).Should().NotBeEmpty("a killed kernel's driver lives on (its gateway's idle timer ends it)");

            // A new owner takes it over from the record alone.
            clock.Restart();
            var second = await OpenSparkSession.AttachAsync("dev", store, TimeSpan.FromSeconds(60));
            log.WriteLine($"B: attached in {clock.Elapsed.TotalMilliseconds:0} ms");
            second.Launcher.Should().Be(launcher == "docker" ? SparkLauncherKind.Docker : SparkLauncherKind.Marathon);
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
            second.Driver.Owned.Should().Be(launcher == "docker" ? "its Docker containers" : $"Marathon group {record.Resource}");

            // The driver log and the UI through the gateway; Spark's SQL tab there lists the query's plan once (never re-run).
            (await second.Logs()!.ReadAsync(new SessionLogRequest { Tail = 200 })).Should().NotBeEmpty();
            var ui = await second.Ui()!.GetLinkAsync();
            ui.Uri.ToString().Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/ui/$");
            using (var browser = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                (await browser.GetStringAsync(new Uri(ui.Uri, "jobs/"))).Should().Contain("Spark Jobs");
                using var apps = JsonDocument.Parse(await browser.GetStringAsync(new Uri(ui.Uri, "api/v1/applications")));
                var app = apps.RootElement[0].GetProperty("id").GetString();
                using var sql = JsonDocument.Parse(await browser.GetStringAsync(new Uri(ui.Uri, $"api/v1/applications/{app}/sql?details=true&planDescription=true")));
                sql.RootElement.EnumerateArray().Count(e => e.GetRawText().Contains("300000000", StringComparison.Ordinal))
                    .Should().Be(1, "the query's plan was executed once: its rows were fetched, never re-run");
            }

            // #!spark-stop of the attached session: released, and what it ran on removed (Marathon: credentials from the environment).
            Environment.SetEnvironmentVariable("ISPARK_MARATHON_USER", MarathonUser);
            Environment.SetEnvironmentVariable("ISPARK_MARATHON_PASSWORD", _password);
            try
            {
                await second.StopAsync();
            }
            finally
            {
                Environment.SetEnvironmentVariable("ISPARK_MARATHON_USER", null);
                Environment.SetEnvironmentVariable("ISPARK_MARATHON_PASSWORD", null);
            }

            (await ContainersAsync(marathon, record)).Should().BeEmpty("stopping an attached session removes its containers");
            if (marathon is not null)
            {
                marathon.AppIds.Should().NotContain(id => id.StartsWith(record.Resource!, StringComparison.Ordinal), "stopping an attached Marathon session removes its group");
            }

            store.All().Should().BeEmpty("a stopped session's record is removed");
            var all = string.Join("\n", Directory.EnumerateFiles(_folder, "*.ipynb").Select(File.ReadAllText));
            all.Should().NotContain(record.Connection.Token!, "no output shows the session's token");
            all.Should().NotContain(_password, "no output shows Marathon's password");
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

            // Docker: by the session's prefix; Marathon: the emulator removes its tasks' containers when it is disposed.
            await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = _prefix });
        }
    }

    /// <summary>The containers the session runs in: by its Docker session label, or the emulator's containers of its group.</summary>
    private static async Task<IReadOnlyList<string>> ContainersAsync(MarathonEmulator.MarathonEmulator? marathon, SessionRecord record) =>
        marathon is null
            ? (await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = record.Resource })).Select(c => c.Id).ToList()
            : (await marathon.ContainersAsync()).Where(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith(record.Resource!, StringComparison.Ordinal)).Select(c => c.ID).ToList();
}

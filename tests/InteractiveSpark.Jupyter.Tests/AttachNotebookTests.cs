using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Records;
using Xunit.Abstractions;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// Issue 19 end to end through Jupyter's nbconvert on this kernel, with a real local Spark server: notebook A starts a
/// keep-alive session, a view, a setting and a 60 s query, and its kernel is SIGKILLed while Spark runs the query;
/// notebook B, in a new kernel, attaches (<c>--attach</c>) and finds the view, the setting and the query's rows, and
/// Spark's REST API shows the query ran once; after the idle timeout notebook C's <c>--attach</c> says in one line the
/// session is gone, and neither a record nor a process is left.
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class AttachNotebookTests(ITestOutputHelper log) : IDisposable
{
    private const string Tag = "ispark-attach-nbconvert";
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30); // attach-before.ipynb's --idle-timeout
    private readonly string _folder = KernelTool.NewRunFolder("attach");

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
    public async Task A_killed_kernels_keep_alive_session_is_taken_over_by_a_new_kernel_and_is_gone_after_its_idle_timeout()
    {
        var pidFile = Path.Combine(_folder, "kernel-a.pid");
        var environment = new Dictionary<string, string>
        {
            ["ISPARK_SESSIONS_DIR"] = Sessions,
            ["ISPARK_LOG_DIR"] = Path.Combine(_folder, "logs"),
            ["ISPARK_TEST_KERNEL_PID_FILE"] = pidFile,
        };
        var store = new SessionRecordStore(Sessions);
        int? kernelA = null;
        int? watchdog = null;
        int? java = null;
        string? lease = null;
        try
        {
            // A: runs until its last cell, which waits for the kill.
            var clock = Stopwatch.StartNew();
            var runA = KernelTool.ExecuteNotebookAsync(Notebook("attach-before.ipynb"), Path.Combine(_folder, "attach-before.out.ipynb"), environment, TimeSpan.FromMinutes(6));
            await WaitUntilAsync(() => runA.IsCompleted || File.Exists(pidFile), TimeSpan.FromMinutes(5), "notebook A to reach its last cell");
            if (runA.IsCompleted)
            {
                Assert.Fail($"notebook A ended before its last cell:\n{(await runA).Output}");
            }

            kernelA = int.Parse(await ReadWholeAsync(pidFile), CultureInfo.InvariantCulture);
            var record = store.FindByName("dev");
            record.Should().NotBeNull("notebook A's session writes its record");
            record!.KeepAlive.Should().BeTrue();
            record.OwnerProcessId.Should().Be(kernelA.Value);
            watchdog = int.Parse(record.Resource!, CultureInfo.InvariantCulture);
            lease = record.LeaseFile;
            java = ChildOf(watchdog.Value);
            var ui = record.UiUri!;
            await WaitUntilAsync(() => store.FindByName("dev")!.Operations.Count == 1, TimeSpan.FromSeconds(60), "the query to be in the record");
            var operation = store.FindByName("dev")!.Operations[0];
            // The record is written when the client sends the query; kill only once Spark runs a job of it.
            await WaitUntilAsync(async () => (await JobsAsync(ui)).Count(j => HasTag(j, operation.OperationId)) >= 1, TimeSpan.FromSeconds(90), "Spark to run the query");
            log.WriteLine($"A: session started, query running after {clock.Elapsed.TotalSeconds:0.0} s; SIGKILL to kernel {kernelA}");

            Process.GetProcessById(kernelA.Value).Kill(); // SIGKILL: the kernel leaves nothing behind but its record
            var (exitA, outputA) = await runA;
            exitA.Should().NotBe(0, "nbconvert reports its dead kernel");
            outputA.Should().ContainEquivalentOf("dead", outputA);
            TestProcess.IsAlive(watchdog.Value).Should().BeTrue("a keep-alive server outlives its kernel (and Jupyter's kill of its process group)");
            store.FindByName("dev")!.Operations.Select(o => o.OperationId).Should().Equal(operation.OperationId);

            // B: a new kernel takes the session over; the query's rows come by its id (the test writes it in as a user
            // copies it from the attach's output).
            var after = Path.Combine(_folder, "attach-after.ipynb");
            await File.WriteAllTextAsync(after, (await File.ReadAllTextAsync(Notebook("attach-after.ipynb"))).Replace("OPERATION_ID", operation.OperationId, StringComparison.Ordinal));
            clock.Restart();
            var fetched = Path.Combine(_folder, "kernel-b.fetched");
            var runB = KernelTool.ExecuteNotebookAsync(
                after, Path.Combine(_folder, "attach-after.out.ipynb"),
                new Dictionary<string, string>(environment) { ["ISPARK_TEST_FETCHED_FILE"] = fetched, ["ISPARK_TEST_CHECKED_FILE"] = fetched + ".checked" },
                TimeSpan.FromMinutes(5));
            // Spark's REST API is read while kernel B holds the session (its last cell waits for this), not against the idle timer.
            await WaitUntilAsync(() => runB.IsCompleted || File.Exists(fetched), TimeSpan.FromMinutes(5), "notebook B to fetch the rows");
            if (runB.IsCompleted)
            {
                Assert.Fail($"notebook B ended before its last cell:\n{(await runB).Output}");
            }

            var jobs = await JobsAsync(ui);
            var executions = await SqlExecutionsAsync(ui);
            await File.WriteAllTextAsync(fetched + ".checked", "");
            var (exitB, outputB) = await runB;
            exitB.Should().Be(0, outputB);
            TestProcess.IsAlive(watchdog.Value).Should().BeTrue("kernel B's exit detached the session: its server waits for its idle timeout");
            log.WriteLine($"B: attached and fetched in {clock.Elapsed.TotalSeconds:0.0} s (nbconvert, kernel start included)");
            var cells = Cells(Path.Combine(_folder, "attach-after.out.ipynb"));
            var attached = AllText(cells[0]);
            attached.Should().Contain($"dev: attached to session {record.SessionId}").And.Contain("its temp views, settings and cached data are there");
            attached.Should().Contain($"var rows = await dev.FetchOperationAsync(\"{operation.OperationId}\");").And.Contain("not run again");
            Data(cells[1].Outputs.Single(o => (string?)o["output_type"] == "execute_result"), "text/plain").Should().Contain("10");
            Data(cells[2].Outputs.Single(), "text/plain").Should().Be("3");
            Data(cells[3].Outputs.Single(), "text/plain").Should().Be("0,1,2,3");
            cells.SelectMany(c => c.Outputs).Should().NotContain(o => (string?)o["output_type"] == "error");
            jobs.Count(j => HasTag(j, operation.OperationId)).Should().Be(1, "the query ran once: its rows were fetched, never re-run");
            jobs.Count(j => HasTag(j, Tag)).Should().Be(1, "no other job carries notebook A's tag");
            // Whatever id a second run would have had, Spark's SQL tab would list its plan a second time.
            executions.Count(e => e.GetRawText().Contains("java.lang.Thread", StringComparison.Ordinal)).Should().Be(1, "the query's plan was executed once");
            var kept = store.FindByName("dev");
            kept.Should().NotBeNull("kernel B's exit detached the keep-alive session: its record stays");
            kept!.Operations.Should().BeEmpty();

            // C: nobody owns the server now; it stops itself after its idle timeout, then an attach says it is gone.
            clock.Restart();
            await WaitUntilAsync(() => !TestProcess.IsAlive(watchdog.Value), IdleTimeout + TimeSpan.FromMinutes(2), "the server to stop on its idle timer");
            log.WriteLine($"C: the server stopped {clock.Elapsed.TotalSeconds:0.0} s after nbconvert B returned (idle timeout {IdleTimeout.TotalSeconds:0} s from kernel B's exit)");
            var (exitC, outputC) = await KernelTool.ExecuteNotebookAsync(Notebook("attach-gone.ipynb"), Path.Combine(_folder, "attach-gone.out.ipynb"), environment);
            exitC.Should().Be(0, outputC);
            var error = Cells(Path.Combine(_folder, "attach-gone.out.ipynb"))[0].Outputs.Single(o => (string?)o["output_type"] == "error");
            var message = (string?)error["evalue"] ?? "";
            log.WriteLine($"C: {message}");
            message.Should().Contain($"session {record.SessionId}").And.Contain("is gone").And.Contain("record was removed");
            message.Should().NotContain("\n").And.NotContain("Exception").And.NotContain(" at ");
            store.All().Should().BeEmpty("a gone session's record is removed");
            Directory.EnumerateFiles(Sessions).Should().BeEmpty("no lease, no record, no temporary file is left");
            TestProcess.IsAlive(java!.Value).Should().BeFalse("the server's JVM ended with it");

            var all = string.Join("\n", Directory.EnumerateFiles(_folder, "*.ipynb").Select(File.ReadAllText));
            all.Should().NotContain(record.Connection.Token!, "no output shows the session's token");
        }
        finally
        {
            if (kernelA is { } a && TestProcess.IsAlive(a))
            {
                Process.GetProcessById(a).Kill();
            }

            if (watchdog is { } w && lease is not null && TestProcess.IsAlive(w))
            {
                await LocalLease.StopServerAsync(w, lease);
            }

            if (java is { } j && TestProcess.IsAlive(j))
            {
                Process.GetProcessById(j).Kill();
            }
        }
    }

    private static string Notebook(string name) => Path.Combine(AppContext.BaseDirectory, "Notebooks", name);

    private static async Task<string> ReadWholeAsync(string file)
    {
        // The kernel writes the file in one call; wait until the number is whole.
        string text = "";
        await WaitUntilAsync(() => int.TryParse(text = File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out _), TimeSpan.FromSeconds(10), "the pid file");
        return text;
    }

    /// <summary>The JVM the watchdog shell started.</summary>
    private static int ChildOf(int pid)
    {
        // Its loop runs short-lived children too (sleep, curl): the JVM is the one running Spark Connect.
        return File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            .Single(c => File.ReadAllText($"/proc/{c}/cmdline").Contains("SparkConnectServer", StringComparison.Ordinal));
    }

    /// <summary>The Spark jobs of the server's application, from its UI's REST API.</summary>
    private static async Task<List<JsonElement>> JobsAsync(Uri ui)
    {
        using var http = new HttpClient { BaseAddress = ui, Timeout = TimeSpan.FromSeconds(10) };
        var apps = await http.GetFromJsonAsync<JsonElement>("api/v1/applications");
        var app = apps[0].GetProperty("id").GetString();
        var jobs = await http.GetFromJsonAsync<JsonElement>($"api/v1/applications/{app}/jobs");
        return [.. jobs.EnumerateArray()];
    }

    /// <summary>Whether a job carries a tag containing <paramref name="part"/> (Spark Connect tags each job with its operation id and the user's tags).</summary>
    private static bool HasTag(JsonElement job, string part) =>
        job.TryGetProperty("jobTags", out var tags) && tags.EnumerateArray().Any(t => t.GetString()!.Contains(part, StringComparison.Ordinal));

    /// <summary>The SQL executions of the server's application (Spark's SQL tab), each with its plan, from the UI's REST API.</summary>
    private static async Task<List<JsonElement>> SqlExecutionsAsync(Uri ui)
    {
        using var http = new HttpClient { BaseAddress = ui, Timeout = TimeSpan.FromSeconds(10) };
        var apps = await http.GetFromJsonAsync<JsonElement>("api/v1/applications");
        var app = apps[0].GetProperty("id").GetString();
        var executions = await http.GetFromJsonAsync<JsonElement>($"api/v1/applications/{app}/sql?details=true&planDescription=true");
        return [.. executions.EnumerateArray()];
    }

    private static List<(JsonObject Cell, List<JsonNode> Outputs)> Cells(string notebook) =>
        [.. JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .Select(c => (c!.AsObject(), c!["outputs"]!.AsArray().Select(o => o!).ToList()))];

    private static string AllText((JsonObject Cell, List<JsonNode> Outputs) cell) =>
        string.Join("\n", cell.Outputs.Select(o => Text(o["text"]) + Data(o, "text/plain")));

    private static string Text(JsonNode? text) => text is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)text ?? "";

    private static string Data(JsonNode output, string mime) => output["data"]?[mime] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)output["data"]?[mime] ?? "";

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), limit, what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                // Not answering yet (a UI starting, a file being replaced): ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(250);
        }
    }
}

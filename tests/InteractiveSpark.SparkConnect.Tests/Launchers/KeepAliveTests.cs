using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Records;
using Xunit.Abstractions;

namespace InteractiveSpark.SparkConnect.Tests.Launchers;

/// <summary>
/// The local launcher's <c>--keep-alive</c>: its kernel is SIGKILLed in the middle of a query; a new client attaches from
/// the session record and finds the view, the setting and the query's rows (the query ran once, as Spark's own REST API
/// says); once nobody owns it the server stops after its idle timeout, and attaching says it is gone and leaves nothing.
/// </summary>
public sealed class KeepAliveTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);
    private readonly string _folder = Directory.CreateTempSubdirectory("ispark-keepalive-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_keep_alive_session_outlives_its_killed_kernel_is_attached_with_its_state_and_then_ends_on_its_idle_timer()
    {
        using var kernel = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!; // the kernel that dies
        var store = new SessionRecordStore(Path.Combine(_folder, "sessions"));
        var lease = Path.Combine(_folder, "sessions", "dev.lease");
        var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
        {
            KeepAlive = true, IdleTimeout = IdleTimeout, LeaseFile = lease, OwnerProcessId = kernel.Id, DriverMemory = "1g", Master = "local[2]",
        });
        try
        {
            // The kernel's side: a view, a setting, a query in flight, and the record its keeper writes.
            var first = await SparkSession.ConnectAsync(server.ConnectionString);
            await (await first.SqlAsync("CREATE OR REPLACE TEMP VIEW kept AS SELECT id FROM range(10)")).CollectAsync();
            await first.Conf.SetAsync("spark.sql.shuffle.partitions", "3");
            using var keeper = new SessionRecordKeeper(store, new SessionRecord
            {
                Connection = first.Attachment.Connection, Name = "dev", Launcher = "local", Where = $"local process {server.ProcessId}",
                Resource = server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), LeaseFile = lease,
                UiUri = new Uri($"http://localhost:{server.UiPort}/"), Created = DateTimeOffset.UtcNow, OwnerProcessId = kernel.Id,
                IdleTimeout = IdleTimeout, KeepAlive = true,
            }, first);
            var query = (await first.SqlAsync("SELECT id, reflect('java.lang.Thread', 'sleep', CAST(8000 AS BIGINT)) AS slept FROM range(4)")).CollectAsync();
            await WaitUntilAsync(() => keeper.Record.Operations.Count == 1);
            var operation = keeper.Record.Operations[0];
            // The record is written when the client sends the query; on a loaded machine the kill below could beat the
            // request to the server. Wait until Spark runs a job of it.
            await WaitUntilAsync(async () => await JobsOfAsync(server.UiPort!.Value, operation.OperationId) >= 1);

            kernel.Kill(); // SIGKILL: nothing of the kernel runs any more
            await kernel.WaitForExitAsync();
            await first.DetachAsync(); // its connection goes with it
            await query.ContinueWith(_ => { }, TaskScheduler.Default);

            // A new kernel: it finds the record, sees the query still running, and attaches.
            var clock = Stopwatch.StartNew();
            var record = store.FindByName("dev")!;
            record.Should().NotBeNull();
            record.OwnerIsAlive.Should().BeFalse();
            var listed = await SessionProbe.ProbeAsync(store.All());
            listed.Should().ContainSingle().Which.State.Should().Be(AttachableState.Alive);
            listed[0].Running.Select(o => o.OperationId).Should().Equal(operation.OperationId);
            LocalLease.Take(record.LeaseFile!).Should().BeTrue();
            var second = await SparkSession.AttachAsync(record);
            output.WriteLine($"attached {clock.Elapsed.TotalMilliseconds:0} ms after the record was read");
            (await (await second.SqlAsync("SELECT count(*) AS n FROM kept")).CollectAsync())[0].Get<long>("n").Should().Be(10);
            (await second.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("3");
            var rows = await second.FetchOperationAsync(operation);
            rows.Select(r => r.Get<long>("id")).Should().Equal(0L, 1L, 2L, 3L);
            (await JobsOfAsync(server.UiPort!.Value, operation.OperationId)).Should().Be(1, "the query ran once: fetched, never re-run");
            await second.DetachAsync();

            // Nobody owns it now: the watchdog stops it after its idle timeout.
            File.WriteAllText(lease, kernel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var idle = Stopwatch.StartNew();
            await WaitUntilAsync(() => server.HasExited, TimeSpan.FromSeconds(60));
            output.WriteLine($"stopped by its idle timer {idle.Elapsed.TotalSeconds:0.0} s after its last owner left (idle timeout {IdleTimeout.TotalSeconds:0} s)");
            idle.Elapsed.Should().BeGreaterThan(IdleTimeout - TimeSpan.FromSeconds(1));
            File.Exists(lease).Should().BeFalse("the server removes its lease when it ends");
            Directory.Exists(server.WorkingDirectory).Should().BeFalse("and its working folder");

            var gone = await SessionProbe.ProbeAsync(store.All());
            gone.Should().ContainSingle().Which.State.Should().Be(AttachableState.Gone);
            var attach = async () => await SparkSession.AttachAsync(record, SparkSessionOptions.Default with { ConnectTimeout = TimeSpan.FromSeconds(10) });
            (await attach.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("session lost").And.Contain("refused");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>How many Spark jobs carry the operation's tag (Spark Connect tags every job with its operation id), from the UI's REST API.</summary>
    private static async Task<int> JobsOfAsync(int uiPort, string operationId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{uiPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        var apps = await http.GetFromJsonAsync<JsonElement>("api/v1/applications");
        var app = apps[0].GetProperty("id").GetString();
        var jobs = await http.GetFromJsonAsync<JsonElement>($"api/v1/applications/{app}/jobs");
        return jobs.EnumerateArray().Count(j => j.TryGetProperty("jobTags", out var tags)
                                                && tags.EnumerateArray().Any(t => t.GetString()!.Contains(operationId, StringComparison.Ordinal)));
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan? limit = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), limit);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(100);
        }
    }
}

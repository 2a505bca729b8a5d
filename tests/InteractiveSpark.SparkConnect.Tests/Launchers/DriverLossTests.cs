using System.Diagnostics;
using InteractiveSpark.Logging;
using InteractiveSpark.Sessions.Local;
using Xunit.Abstractions;

namespace InteractiveSpark.SparkConnect.Tests.Launchers;

/// <summary>R5: the driver dies in the middle of a query. The user must hear "session lost" quickly, and start over.</summary>
public sealed class DriverLossTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _logFolder = Directory.CreateTempSubdirectory("ispark-r5-").FullName;

    public void Dispose() => Directory.Delete(_logFolder, recursive: true);

    [Fact]
    public async Task A_driver_killed_during_a_query_is_reported_as_session_lost_within_10_s_and_a_new_session_works()
    {
        using var log = ProductLog.Create(new LoggingOptions { Application = "r5", Directory = _logFolder });
        var options = new LocalSparkServerOptions { UiPort = null, DriverMemory = "1g", Master = "local[1]", LoggerFactory = log.LoggerFactory };
        var server = await LocalSparkServer.StartAsync(options);
        try
        {
            await using var session = await SparkSession.ConnectAsync(server.ConnectionString, new SparkSessionOptions { LoggerFactory = log.LoggerFactory });
            // A query that runs for an hour on one core, so that it is surely running when the driver dies. Not a filter
            // like `rand() > 2`: Spark's optimizer folds that to false and answers at once.
            var query = (await session.SqlAsync("SELECT sum(hash(id)) FROM range(0, 200000000000)")).CollectAsync();
            await Task.WhenAny(query, Task.Delay(TimeSpan.FromSeconds(3)));
            if (query.IsCompleted)
            {
                await query; // a failure here says why the query is not running
            }

            query.IsCompleted.Should().BeFalse("the query must still be running when the driver is killed");

            KillJvm(server);
            var clock = Stopwatch.StartNew();
            var failure = await query.Invoking(q => q).Should().ThrowAsync<SparkException>();
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
            failure.Which.Message.Should().StartWith("Spark Connect session lost").And.Contain($"localhost:{server.ConnectionString.Port}");
            output.WriteLine($"R5: driver SIGKILLed during a query; 'session lost' after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            await server.DisposeAsync();
        }

        var port = server.ConnectionString.Port;
        var lines = File.ReadAllText(Directory.GetFiles(_logFolder).Single());
        lines.Should().Contain($"Local Spark Connect server on port {port} ready").And.Contain($"The local Spark Connect server on port {port} exited by itself");
        lines.Should().Contain("reattaching", "the broken stream is logged before the verdict");

        await using (var again = await LocalSparkServer.StartAsync(options))
        await using (var fresh = await SparkSession.ConnectAsync(again.ConnectionString))
        {
            (await (await fresh.SqlAsync("SELECT 6 * 7")).CollectAsync())[0][0].Should().Be(42);
        }
    }

    /// <summary>SIGKILL to the JVM itself (the server's process is the watchdog shell around it), as an OOM killer would.</summary>
    private static void KillJvm(LocalSparkServer server)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", $"-P {server.ProcessId}") { RedirectStandardOutput = true })!;
        var children = pgrep.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        children.Should().NotBeEmpty("the JVM runs as a child of the watchdog shell");
        foreach (var pid in children)
        {
            Process.GetProcessById(pid).Kill();
        }
    }
}

using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.SparkConnect.Tests.Launchers;

/// <summary>A local server's logs through <see cref="ISessionLogs"/>: tail, grep, follow, and clear refusals.</summary>
public sealed class LocalSessionLogsTests
{
    [Fact]
    public async Task Tail_and_grep_read_the_servers_log_and_follow_starts_with_the_tail()
    {
        await using var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { UiPort = null, DriverMemory = "1g", Master = "local[1]" });
        ISessionLogs logs = new LocalServerLogs(server);
        logs.HasExecutors.Should().BeFalse();
        var all = server.RecentLog;
        all.Count.Should().BeGreaterThan(3);

        var last3 = await logs.ReadAsync(new SessionLogRequest { Tail = 3 });
        last3.Should().Equal(server.RecentLog.TakeLast(3));

        var started = await logs.ReadAsync(new SessionLogRequest { Tail = 20, Grep = "Connect server started at" });
        started.Should().ContainSingle().Which.Should().Contain("Spark Connect server started at");

        var spark = await logs.ReadAsync(new SessionLogRequest { Tail = 1000, Grep = "^.*Spark" });
        spark.Should().NotBeEmpty().And.OnlyContain(l => l.Contains("Spark", StringComparison.Ordinal));
        spark.Count.Should().Be(server.RecentLog.Count(l => l.Contains("Spark", StringComparison.Ordinal)));

        (await logs.ReadAsync(new SessionLogRequest { Tail = 0 })).Should().BeEmpty();

        var badRegex = async () => await logs.ReadAsync(new SessionLogRequest { Grep = "(x" });
        (await badRegex.Should().ThrowAsync<SessionToolException>()).Which.Message.Should().StartWith("--grep '(x' is not a valid regular expression");
        var executor = async () => await logs.ReadAsync(new SessionLogRequest { Executor = "0" });
        (await executor.Should().ThrowAsync<SessionToolException>()).Which.Message.Should().Contain("no executor logs");
        var tooMany = async () => await logs.ReadAsync(new SessionLogRequest { Tail = -1 });
        await tooMany.Should().ThrowAsync<SessionToolException>();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var followed = new List<string>();
        await foreach (var line in logs.FollowAsync(new SessionLogRequest { Tail = 2 }, stop.Token))
        {
            followed.Add(line);
        }

        followed.Should().HaveCountGreaterThanOrEqualTo(2);
        followed.Take(2).Should().Equal(last3.TakeLast(2));
    }
}

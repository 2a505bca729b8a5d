using InteractiveSpark.Logging;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>The Marathon launcher's own steps in the product log file, through the emulator.</summary>
[Collection(MarathonCollection.Name)]
public sealed class MarathonLauncherLogTests(MarathonFixture fx) : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_session_start_stop_a_refusal_and_a_sweep_leave_their_lines_with_the_session_id_and_no_secret()
    {
        string sessionId, token, groupId, taskId;
        using (var log = ProductLog.Create(new LoggingOptions { Application = "marathon-test", Directory = _logs.Path }))
        {
            var launcher = new MarathonSparkLauncher(fx.Options("logged") with { LoggerFactory = log.LoggerFactory });
            await using (var session = await launcher.StartAsync())
            {
                (sessionId, token, groupId, taskId) = (session.SessionId, session.ConnectionString.Token!, session.GroupId, session.DriverTaskId);
                token.Should().StartWith("ispark_", "a Marathon session's token is a product token too: the leak scan knows its prefix");
                await using var spark = await session.ConnectAsync();
                (await (await spark.SqlAsync("select 1")).CollectAsync()).Should().HaveCount(1);
            }

            await FluentActions.Awaiting(() => new MarathonSparkLauncher(fx.Options("refused") with
            {
                Credentials = MarathonCredentials.Token("bogus-token-4711"), LoggerFactory = log.LoggerFactory,
            }).StartAsync()).Should().ThrowAsync<MarathonLaunchException>();
            await launcher.RemoveEndedSessionsAsync();
        }

        var text = _logs.Read("marathon-test");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Line(string what) => lines.Should().ContainSingle(l => l.Contains(what, StringComparison.Ordinal), what).Which;
        Line($"Session {sessionId} (logged): created app {groupId}/driver on Marathon {fx.Emulator.Url.GetLeftPart(UriPartial.Authority)}")
            .Should().Contain($"session={sessionId} InteractiveSpark.Sessions.Marathon").And.Contain("deployment ");
        Line($"task {taskId} of {groupId}/driver running on localhost, gateway port").Should().Contain($"session={sessionId}");
        Line($"Session {sessionId}: gateway localhost:").Should().Contain("(pin verified), Spark 4.2.0 ready");
        Line($"Session {sessionId}: ready in").Should().Contain(groupId);
        Line($"Session {sessionId} (logged): removing group {groupId} from Marathon");
        Line($"Session {sessionId}: group {groupId} removed in");
        lines.Should().Contain(l => l.Contains("[ERR]", StringComparison.Ordinal) && l.Contains("(refused) failed to start after", StringComparison.Ordinal)
                                    && l.Contains("401", StringComparison.Ordinal), "Marathon's refusal is logged with its status");
        Line($"Sweep of ended sessions under /{fx.Group} on ");
        lines.Should().OnlyContain(l => l.Contains(" session=", StringComparison.Ordinal), "every event is one line, with its session id");
        text.Should().NotContain(token).And.NotContain("ispark_").And.NotContain("bogus-token-4711").And.NotContain(fx.Password);
    }
}

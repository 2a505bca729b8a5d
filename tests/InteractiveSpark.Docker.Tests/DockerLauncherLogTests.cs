using InteractiveSpark.Logging;
using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Docker.Tests;

/// <summary>The Docker launcher's own steps in the product log file, as an operator reads them after the fact.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerLauncherLogTests(DockerFixture docker) : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_session_start_and_stop_leave_their_lines_with_the_session_id_and_container_names_and_without_the_token()
    {
        string sessionId, token, driverName, driverId;
        using (var log = ProductLog.Create(new LoggingOptions { Application = "docker-test", Directory = _logs.Path }))
        {
            await using (var session = await new DockerSparkLauncher(docker.Options("logged") with { LoggerFactory = log.LoggerFactory }).StartAsync())
            {
                (sessionId, token, driverName, driverId) = (session.SessionId, session.ConnectionString.Token!, session.DriverContainerName, session.DriverContainerId);
                await using var spark = await session.ConnectAsync();
                (await (await spark.SqlAsync("select 1")).CollectAsync()).Should().HaveCount(1);
            }

            // A start that fails (the image exits at once) says why, under its own session id.
            await FluentActions.Awaiting(() => new DockerSparkLauncher(docker.Options("broken") with { Image = DockerFixture.BrokenImage, LoggerFactory = log.LoggerFactory }).StartAsync())
                .Should().ThrowAsync<DockerSparkLaunchException>();
        }

        var text = _logs.Read("docker-test");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Line(string what) => lines.Should().ContainSingle(l => l.Contains(what, StringComparison.Ordinal), what).Which;
        Line($"created driver container {driverName} ({driverId})").Should().Contain($"session={sessionId} InteractiveSpark.Sessions.Docker");
        Line($"Session {sessionId} (logged): image {docker.DriverImage} found").Should().Contain($"session={sessionId}");
        Line($"Session {sessionId}: waiting up to").Should().Contain(driverName);
        Line($"Session {sessionId}: ready in").Should().MatchRegex(@"ready in \d+\.\d s, Spark 4\.2\.0 behind the gateway localhost:\d+");
        Line($"Session {sessionId} (logged): stopping (SIGTERM to the driver, then remove), removing 1 container(s): {driverName}");
        Line($"Session {sessionId}: containers removed in").Should().EndWith("0 left on the engine");
        lines.Should().Contain(l => l.Contains("[ERR]", StringComparison.Ordinal) && l.Contains("(broken) failed to start after", StringComparison.Ordinal)
                                    && l.Contains(DockerFixture.BrokenLine, StringComparison.Ordinal), "the failure's reason is the line, with the container's last lines");
        lines.Should().OnlyContain(l => l.Contains(" session=", StringComparison.Ordinal), "every event is one line, with its session id");
        text.Should().NotContain(token).And.NotContain("ispark_", "every product token starts with ispark_; none reaches the log");
    }
}

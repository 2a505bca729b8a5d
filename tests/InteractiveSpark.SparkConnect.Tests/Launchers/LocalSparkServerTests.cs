using System.Diagnostics;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.SparkConnect.Tests.Launchers;

/// <summary>The local launcher starts a real server, guards it with a token, and never lets it outlive its owner.</summary>
public sealed class LocalSparkServerTests
{
    [Fact]
    public async Task A_local_server_answers_with_its_token_refuses_without_it_and_stops_on_dispose()
    {
        var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { UiPort = null, DriverMemory = "1g" });
        int pid;
        try
        {
            pid = server.ProcessId;
            await using (var session = await SparkSession.ConnectAsync(server.ConnectionString))
            {
                (await (await session.SqlAsync("SELECT 6 * 7")).CollectAsync())[0][0].Should().Be(42);
            }

            var withoutToken = server.ConnectionString with { Token = null };
            var refused = async () => await SparkSession.ConnectAsync(withoutToken);
            (await refused.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("token");
            server.ConnectionString.ToString().Should().NotContain(server.ConnectionString.Token!);
        }
        finally
        {
            await server.DisposeAsync();
        }

        ProcessIsGone(pid).Should().BeTrue("dispose stops the server's process");
    }

    [Fact]
    public async Task The_server_stops_by_itself_when_its_owner_dies_without_disposing_it()
    {
        // Stands for a notebook kernel killed with SIGKILL: its server must not be left running.
        using var owner = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
        {
            UiPort = null,
            DriverMemory = "1g",
            OwnerProcessId = owner.Id,
        });
        try
        {
            server.HasExited.Should().BeFalse();
            owner.Kill();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!server.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }

            server.HasExited.Should().BeTrue("the watchdog stops Spark within a minute of its owner's death");
            var connect = async () => await SparkSession.ConnectAsync(server.ConnectionString);
            await connect.Should().ThrowAsync<SparkException>();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static bool ProcessIsGone(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}

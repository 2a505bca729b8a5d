using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Docker.Tests;

/// <summary>
/// The test assembly's entry point, used only as a helper process: <c>kill-helper IMAGE PREFIX IDLE_SECONDS EXECUTORS</c>
/// starts a Docker session, runs one query, prints <c>session ID</c> and <c>ready</c>, then waits forever, like a
/// notebook kernel that is about to be killed with SIGKILL.
/// </summary>
public static class Program
{
    /// <summary>Runs the helper.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 5 || args[0] != "kill-helper")
        {
            await Console.Error.WriteLineAsync("usage: kill-helper IMAGE PREFIX IDLE_SECONDS EXECUTORS");
            return 2;
        }

        var launcher = new DockerSparkLauncher(new DockerSparkLauncherOptions
        {
            Image = args[1],
            Name = "killed",
            NamePrefix = args[2],
            IdleTimeout = TimeSpan.FromSeconds(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)),
            Executors = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture),
            StartupTimeout = TimeSpan.FromSeconds(240),
        });
        // Deliberately not disposed: the process is killed while it owns the session.
        var session = await launcher.StartAsync();
        Console.WriteLine("session " + session.SessionId);
        var spark = await session.ConnectAsync();
        var rows = await (await spark.SqlAsync("select 41 + 1")).CollectAsync();
        Console.WriteLine("answer " + rows[0][0]);
        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}

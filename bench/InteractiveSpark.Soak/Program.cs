// R1 soak: N start/stop cycles of Docker sessions (driver container, gateway, a query), every K-th one started by a
// child process that is then killed with SIGKILL (a notebook kernel killed mid-session: nobody disposes anything).
// Counts what is left: right after each normal stop (must be 0 at once), and for the killed ones after the gateway's
// idle timer had its time (must reach 0 by itself). Prints every cycle and a summary table.
// Usage: dotnet run -c Release --project bench/InteractiveSpark.Soak -- [--cycles 100] [--kill-every 10] [--idle-timeout 20]
using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Sessions.Docker;

var cycles = 100;
var killEvery = 10;
var idle = TimeSpan.FromSeconds(20);
string? childPrefix = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--cycles": cycles = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--kill-every": killEvery = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--idle-timeout": idle = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--child": childPrefix = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--cycles N] [--kill-every K] [--idle-timeout SECONDS]"); return 2;
    }
}

if (childPrefix is not null)
{
    // The "kernel" that gets killed: start a session, say so, and wait to die.
    var session = await new DockerSparkLauncher(Options(childPrefix, "killed", idle)).StartAsync();
    await using var spark = await session.ConnectAsync();
    await spark.Sql("select 1").CollectAsync();
    Console.WriteLine("READY " + session.SessionId);
    await Task.Delay(Timeout.Infinite);
    return 0;
}

var prefix = "ispark-soak-" + Guid.NewGuid().ToString("N")[..6];
var byPrefix = new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix };
var times = new List<double>();
int ok = 0, failed = 0, killed = 0, leftAfterStop = 0;
var killedAt = new List<DateTime>();
try
{
    for (var cycle = 1; cycle <= cycles; cycle++)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (killEvery > 0 && cycle % killEvery == 0)
            {
                var sessionId = await StartAndKillChildAsync(prefix, idle);
                killed++;
                killedAt.Add(DateTime.UtcNow);
                Console.WriteLine($"cycle {cycle,3}: child started session {sessionId} and was SIGKILLed after {clock.Elapsed.TotalSeconds:0.0} s");
            }
            else
            {
                string sessionId;
                await using (var session = await new DockerSparkLauncher(Options(prefix, "soak", idle)).StartAsync())
                {
                    sessionId = session.SessionId;
                    await using var spark = await session.ConnectAsync();
                    var rows = await spark.Sql("select 1").CollectAsync();
                    if (rows.Count != 1)
                    {
                        throw new InvalidOperationException("select 1 returned no row");
                    }
                }

                var left = (await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = sessionId })).Count;
                leftAfterStop += left;
                times.Add(clock.Elapsed.TotalSeconds);
                ok++;
                Console.WriteLine($"cycle {cycle,3}: start + query + stop {clock.Elapsed.TotalSeconds:0.0} s, containers left right after stop: {left}");
            }
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"cycle {cycle,3}: FAILED after {clock.Elapsed.TotalSeconds:0.0} s: {e.GetType().Name}: {e.Message}");
        }
    }

    // The killed sessions' gateways must stop by themselves once idle, and their containers go with them.
    var deadline = DateTime.UtcNow + idle + TimeSpan.FromSeconds(90);
    int remaining;
    while ((remaining = (await DockerSparkContainers.ListAsync(byPrefix)).Count) > 0 && DateTime.UtcNow < deadline)
    {
        await Task.Delay(1000);
    }

    var cleanup = killedAt.Count == 0 ? 0 : (DateTime.UtcNow - killedAt[^1]).TotalSeconds;
    times.Sort();
    double P(double q) => times.Count == 0 ? double.NaN : times[(int)Math.Min(times.Count - 1, Math.Floor(q * times.Count))];
    Console.WriteLine();
    Console.WriteLine("| launcher | cycles | ok | failed | SIGKILLed | left right after stop | left after idle timeout | cycle p50 | cycle p95 | last kill -> 0 left |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| docker | {cycles} | {ok} | {failed} | {killed} | {leftAfterStop} | {remaining} | {P(0.5):0.0} s | {P(0.95):0.0} s | {(remaining == 0 ? $"{cleanup:0} s (idle timeout {idle.TotalSeconds:0} s)" : "not reached")} |"));
    return failed == 0 && remaining == 0 && leftAfterStop == 0 ? 0 : 1;
}
finally
{
    // Whatever the outcome, the soak itself leaves nothing behind.
    await DockerSparkContainers.RemoveAsync(byPrefix);
}

static DockerSparkLauncherOptions Options(string prefix, string name, TimeSpan idle) => new()
{
    Name = name, NamePrefix = prefix, IdleTimeout = idle, StartupTimeout = TimeSpan.FromSeconds(240),
};

static async Task<string> StartAndKillChildAsync(string prefix, TimeSpan idle)
{
    var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
    var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        psi.ArgumentList.Add(typeof(DockerSparkLauncher).Assembly.Location.Replace("InteractiveSpark.Sessions.dll", "InteractiveSpark.Soak.dll", StringComparison.Ordinal));
    }

    foreach (var a in new[] { "--child", prefix, "--idle-timeout", idle.TotalSeconds.ToString(CultureInfo.InvariantCulture) })
    {
        psi.ArgumentList.Add(a);
    }

    using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child");
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
    while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
    {
        if (line.StartsWith("READY ", StringComparison.Ordinal))
        {
            child.Kill(); // SIGKILL: no finally, no dispose, no exit handler runs
            await child.WaitForExitAsync(timeout.Token);
            return line[6..];
        }
    }

    throw new InvalidOperationException($"the child exited with {child.ExitCode} before its session was ready");
}

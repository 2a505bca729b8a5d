// R1 soak: N start/stop cycles of sessions (driver, gateway, TLS, `select 1`), every K-th one started by a child process
// that is then killed with SIGKILL (a notebook kernel killed mid-session: nobody disposes anything). Counts what is left
// right after each normal stop (must be 0 at once), and at the end what the killed sessions left once their cleanup had
// its time. Prints every cycle and a summary row.
//   --launcher docker (default): the Docker launcher; a killed session's gateway stops itself after the idle timeout
//     and AutoRemove takes its container: nothing else is needed.
//   --launcher marathon: the Marathon launcher against the emulator (tests/InteractiveSpark.MarathonEmulator: real
//     containers on the local engine). A killed session's gateway ends its task after the idle timeout, but Marathon
//     (and the emulator) relaunches it: the app stays until someone removes it. The operator's part is played here as an
//     operator would run it, on a timer: MarathonSparkLauncher.RemoveEndedSessionsAsync (what `ispark sessions --prune
//     --marathon URL` runs) every --sweep-every seconds. Apps AND containers are counted.
// Usage: dotnet run -c Release --project bench/InteractiveSpark.Soak -- [--launcher docker|marathon] [--cycles 100]
//        [--kill-every 10] [--idle-timeout 20] [--sweep-every 60] [--startup-timeout 150] [--until 2026-11-26T13:40Z]
using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.SparkConnect;

var launcher = "docker";
var cycles = 100;
var killEvery = 10;
var idle = TimeSpan.FromSeconds(20);
var sweepEvery = TimeSpan.FromSeconds(60);
var startup = TimeSpan.FromSeconds(150);
DateTimeOffset? until = null;
string? childPrefix = null;
string? childMarathon = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--launcher": launcher = args[++i]; break;
        case "--cycles": cycles = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--kill-every": killEvery = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--idle-timeout": idle = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--sweep-every": sweepEvery = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--startup-timeout": startup = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--until": until = DateTimeOffset.Parse(args[++i], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal); break;
        case "--child": childPrefix = args[++i]; break;
        case "--child-marathon": childMarathon = args[++i]; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--launcher docker|marathon] [--cycles N] [--kill-every K] [--idle-timeout S] [--sweep-every S] [--startup-timeout S]");
            return 2;
    }
}

if (launcher is not ("docker" or "marathon"))
{
    Console.Error.WriteLine($"--launcher takes docker or marathon; got '{launcher}'");
    return 2;
}

if (childPrefix is not null)
{
    // The "kernel" that gets killed: start a session, query, say so, and wait to die.
    var (id, _, connect) = await StartSessionAsync(childMarathon is null ? null : new Uri(childMarathon), childPrefix, "killed");
    await using var spark = await connect();
    await (await spark.SqlAsync("select 1")).CollectAsync();
    Console.WriteLine("READY " + id);
    await Task.Delay(Timeout.Infinite);
    return 0;
}

var prefix = "ispark-soak-" + Guid.NewGuid().ToString("N")[..6];
MarathonEmulator? emulator = null;
if (launcher == "marathon")
{
    // The child reads the same credentials from the environment (MarathonCredentials.FromEnvironment): never on a command line.
    var password = Guid.NewGuid().ToString("N");
    Environment.SetEnvironmentVariable("ISPARK_MARATHON_USER", "soak");
    Environment.SetEnvironmentVariable("ISPARK_MARATHON_PASSWORD", password);
    emulator = await MarathonEmulator.StartAsync(new MarathonEmulatorOptions { User = "soak", Password = password });
}

var times = new List<double>();
int ok = 0, failed = 0, killed = 0, appsLeftAfterStop = 0, containersLeftAfterStop = 0, swept = 0;
var killedAt = new List<DateTime>();
using var stopSweeping = new CancellationTokenSource();
var sweeper = emulator is null ? Task.CompletedTask : SweepAsync(emulator.Url, prefix, stopSweeping.Token);
try
{
    for (var cycle = 1; cycle <= cycles; cycle++)
    {
        // A time box: no new cycle after --until (UTC); the end-of-run count still waits for what the killed ones left.
        if (until is { } end && DateTimeOffset.UtcNow > end)
        {
            Console.WriteLine($"--until {end:HH:mm} UTC reached: {cycle - 1} of {cycles} cycles run");
            cycles = cycle - 1;
            break;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            if (killEvery > 0 && cycle % killEvery == 0)
            {
                var killedId = await StartAndKillChildAsync(prefix, emulator?.Url);
                killed++;
                killedAt.Add(DateTime.UtcNow);
                Console.WriteLine($"cycle {cycle,3}: child started session {killedId} and was SIGKILLed after {clock.Elapsed.TotalSeconds:0.0} s");
                continue;
            }

            var (sessionId, owner, connect) = await StartSessionAsync(emulator?.Url, prefix, "soak");
            await using (owner)
            {
                await using var spark = await connect();
                var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
                if (rows.Count != 1)
                {
                    throw new InvalidOperationException("select 1 returned no row");
                }
            }

            var (apps, containers) = await LeftAsync(sessionId);
            appsLeftAfterStop += apps;
            containersLeftAfterStop += containers;
            times.Add(clock.Elapsed.TotalSeconds);
            ok++;
            Console.WriteLine($"cycle {cycle,3}: start + query + stop {clock.Elapsed.TotalSeconds:0.0} s, left right after stop: {apps} app(s), {containers} container(s)");
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"cycle {cycle,3}: FAILED after {clock.Elapsed.TotalSeconds:0.0} s: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" | ")}");
        }
    }

    // What the killed sessions left must go by itself (Docker: idle timer + AutoRemove) or by the operator's sweep
    // (Marathon: idle timer ends the task, Marathon relaunches it, the sweep removes the group). The wait is bounded by
    // what that takes at most: the startup window the sweep waits out, the idle timer, two sweeps, a minute of margin.
    var deadline = DateTime.UtcNow + idle + TimeSpan.FromSeconds(90) + (emulator is null ? TimeSpan.Zero : startup + 2 * sweepEvery);
    (int Apps, int Containers) remaining;
    while ((remaining = await LeftAsync(null)) != (0, 0) && DateTime.UtcNow < deadline)
    {
        await Task.Delay(1000);
    }

    var cleanup = killedAt.Count == 0 ? 0 : (DateTime.UtcNow - killedAt[^1]).TotalSeconds;
    await stopSweeping.CancelAsync();
    await sweeper;
    times.Sort();
    double P(double q) => times.Count == 0 ? double.NaN : times[(int)Math.Min(times.Count - 1, Math.Floor(q * times.Count))];
    var how = emulator is null ? $"idle timeout {idle.TotalSeconds:0} s" : $"idle timeout {idle.TotalSeconds:0} s, sweep every {sweepEvery.TotalSeconds:0} s, {swept} group(s) swept";
    Console.WriteLine();
    Console.WriteLine("| launcher | cycles | ok | failed | SIGKILLed | apps / containers left right after stop | apps / containers left at the end | cycle p50 | cycle p95 | last kill -> 0 left |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {(emulator is null ? "docker" : "marathon (emulator)")} | {cycles} | {ok} | {failed} | {killed} | {(emulator is null ? "-" : appsLeftAfterStop)} / {containersLeftAfterStop} | {(emulator is null ? "-" : remaining.Apps)} / {remaining.Containers} | {P(0.5):0.0} s | {P(0.95):0.0} s | {(remaining == (0, 0) ? $"{cleanup:0} s ({how})" : $"not reached ({how})")} |"));
    return failed == 0 && remaining == (0, 0) && appsLeftAfterStop + containersLeftAfterStop == 0 ? 0 : 1;
}
finally
{
    // Whatever the outcome, the soak itself leaves nothing behind.
    await stopSweeping.CancelAsync();
    await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix });
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}

// Apps and containers of one session (null: of the whole soak) still there. Docker has no apps (0).
async Task<(int Apps, int Containers)> LeftAsync(string? sessionId)
{
    if (emulator is null)
    {
        var labels = sessionId is null
            ? new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix }
            : new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = sessionId };
        return (0, (await DockerSparkContainers.ListAsync(labels)).Count);
    }

    // Group ids are /{prefix}/{name}-{session}/...; the emulator labels each task's container with its app id.
    bool Ours(string appId) => appId.StartsWith("/" + prefix + "/", StringComparison.Ordinal) && (sessionId is null || appId.Contains("-" + sessionId + "/", StringComparison.Ordinal));
    var apps = emulator.AppIds.Count(Ours);
    var containers = (await emulator.ContainersAsync()).Count(c => c.Labels.TryGetValue(MarathonEmulator.AppLabel, out var app) && Ours(app));
    return (apps, containers);
}

// The operator's timer: remove the groups of sessions whose driver ended and was relaunched.
async Task SweepAsync(Uri marathon, string group, CancellationToken cancellationToken)
{
    var sweep = new MarathonSparkLauncher(MarathonOptions(marathon, group, "sweep"));
    while (!cancellationToken.IsCancellationRequested)
    {
        await Task.Delay(sweepEvery, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        try
        {
            var removed = await sweep.RemoveEndedSessionsAsync(cancellationToken: CancellationToken.None);
            swept += removed.Count;
            if (removed.Count > 0)
            {
                Console.WriteLine($"sweep: removed {string.Join(", ", removed)}");
            }
        }
        catch (Exception e) when (e is MarathonException or OperationCanceledException or TimeoutException)
        {
            Console.WriteLine($"sweep: failed: {e.Message}");
        }
    }
}

// One session through the chosen launcher: its id, its owner (disposing it stops the session), how to connect.
async Task<(string Id, IAsyncDisposable Owner, Func<Task<SparkSession>> Connect)> StartSessionAsync(Uri? marathon, string namePrefix, string name)
{
    if (marathon is null)
    {
        var docker = await new DockerSparkLauncher(DockerOptions(namePrefix, name)).StartAsync();
        return (docker.SessionId, docker, () => docker.ConnectAsync());
    }

    var session = await new MarathonSparkLauncher(MarathonOptions(marathon, namePrefix, name)).StartAsync();
    return (session.SessionId, session, () => session.ConnectAsync());
}

DockerSparkLauncherOptions DockerOptions(string namePrefix, string name) => new()
{
    Name = name, NamePrefix = namePrefix, IdleTimeout = idle, StartupTimeout = startup,
};

MarathonSparkLauncherOptions MarathonOptions(Uri marathon, string group, string name) => new()
{
    Marathon = marathon, Group = group, Name = name, IdleTimeout = idle, StartupTimeout = startup, Cpus = 0.5, Memory = "2g",
};

async Task<string> StartAndKillChildAsync(string namePrefix, Uri? marathon)
{
    var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
    var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        psi.ArgumentList.Add(typeof(DockerSparkLauncher).Assembly.Location.Replace("InteractiveSpark.Sessions.dll", "InteractiveSpark.Soak.dll", StringComparison.Ordinal));
    }

    var childArgs = new List<string>
    {
        "--child", namePrefix, "--idle-timeout", idle.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        "--startup-timeout", startup.TotalSeconds.ToString(CultureInfo.InvariantCulture),
    };
    if (marathon is not null)
    {
        childArgs.AddRange(["--child-marathon", marathon.ToString()]);
    }

    childArgs.ForEach(psi.ArgumentList.Add);
    using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child");
    using var timeout = new CancellationTokenSource(startup + TimeSpan.FromMinutes(1));
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

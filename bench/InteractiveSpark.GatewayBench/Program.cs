using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

// P3 (issue 6): what the gateway costs. One local Spark Connect server; the gateway runs as its own process in front
// of it (TLS with a pinned self-signed certificate, session token, proxy mode), as it would in a driver container.
// Beside it two floors (ByteRelay.cs): a plain TCP relay and a TLS-terminating relay, each its own process. All paths
// take turns in a rotating order so that each sees the same server state. Usage:
//   dotnet run -c Release --project bench/InteractiveSpark.GatewayBench -- [--rows 10000000] [--calls 300] [--rounds 3] [--mode collect|arrow] [--no-floors] [--gateway-env K=V]... [--variant-env K=V]...
//   --mode collect (default): P2's collect, DataFrame.CollectAsync, every row in memory; arrow: ToArrowAsync, batches streamed
//   and dropped (the client does least, so the proxy's share is largest).
var inv = CultureInfo.InvariantCulture;
if (args is ["--relay", var relayMode, "--upstream-port", var upstreamPort])
{
    return await ByteRelay.RunAsync(relayMode, int.Parse(upstreamPort, inv));
}

long rows = 10_000_000;
var calls = 300;
var rounds = 3;
var floors = true;
var mode = "collect";
var gatewayEnvironment = new List<string>();
var variantEnvironment = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rows": rows = long.Parse(args[++i], inv); break;
        case "--calls": calls = int.Parse(args[++i], inv); break;
        case "--rounds": rounds = int.Parse(args[++i], inv); break;
        case "--no-floors": floors = false; break;
        case "--mode": mode = args[++i] is "collect" or "arrow" ? args[i] : throw new ArgumentException("--mode collect|arrow"); break;
        case "--gateway-env": gatewayEnvironment.Add(args[++i]); break; // K=V for the gateway process only (runtime knobs)
        case "--variant-env": variantEnvironment.Add(args[++i]); break; // a second gateway with these K=V too, measured beside the first
        default:
            Console.Error.WriteLine("usage: GatewayBench [--rows N] [--calls N] [--rounds N] [--mode collect|arrow] [--no-floors] [--gateway-env K=V]... [--variant-env K=V]...");
            return 2;
    }
}

void Log(string message) => Console.Error.WriteLine($"[gateway-bench {DateTime.Now:HH:mm:ss}] {message}");

Log("starting a Spark Connect server (local[2], 4g, no UI, as the P2 bench) ...");
await using var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { UiPort = null, DriverMemory = "4g" });
var direct = server.ConnectionString;
var children = new List<Process>();

// Starts a child and reads its stdout until "<prefix>port: N"; returns the port and the "<prefix>certificate-sha256" line's value.
async Task<(Process Process, int Port, string? Pin)> StartChildAsync(ProcessStartInfo psi, string prefix)
{
    psi.RedirectStandardOutput = true;
    psi.RedirectStandardError = true;
    psi.UseShellExecute = false;
    psi.Environment["DOTNET_gcServer"] = "0";
    var process = Process.Start(psi)!;
    children.Add(process);
    process.ErrorDataReceived += (_, _) => { };
    process.BeginErrorReadLine();
    string? pin = null;
    var port = 0;
    while (await process.StandardOutput.ReadLineAsync() is { } line)
    {
        if (line.StartsWith(prefix + "certificate-sha256: ", StringComparison.Ordinal))
        {
            pin = line[(prefix.Length + "certificate-sha256: ".Length)..];
        }
        else if (line.StartsWith(prefix + "port: ", StringComparison.Ordinal))
        {
            port = int.Parse(line[(prefix.Length + "port: ".Length)..], inv);
            break;
        }
    }

    _ = Task.Run(async () =>
    {
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
        }
    });
    return port == 0 ? throw new InvalidOperationException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not print its port.") : (process, port, pin);
}

var sessionToken = "ispark_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
var gatewayPsi = new ProcessStartInfo("dotnet");
foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "ispark-gateway.dll"), "--port", "0", "--bind", "127.0.0.1", "--spark-port", direct.Port.ToString(inv), "--spark-ui-port", "0", "--idle-timeout", "0" })
{
    gatewayPsi.ArgumentList.Add(a);
}

gatewayPsi.Environment["ISPARK_GATEWAY_TOKEN_SHA256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionToken)));
gatewayPsi.Environment["ISPARK_GATEWAY_UPSTREAM_TOKEN"] = direct.Token;
gatewayPsi.Environment["ISPARK_SESSION_ID"] = "bench";

static void SetEnvironment(ProcessStartInfo psi, IEnumerable<string> pairs)
{
    foreach (var kv in pairs)
    {
        psi.Environment[kv[..kv.IndexOf('=', StringComparison.Ordinal)]] = kv[(kv.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }
}

SetEnvironment(gatewayPsi, gatewayEnvironment);

var paths = new List<BenchPath>();
try
{
    var gateway = await StartChildAsync(gatewayPsi, "gateway-");
    Log($"gateway (pid {gateway.Process.Id}) on port {gateway.Port}, certificate {gateway.Pin![..16]}...");
    paths.Add(new BenchPath("direct", await SparkSession.ConnectAsync(direct), null));
    if (floors)
    {
        foreach (var kind in new[] { "tcp", "tls" })
        {
            var relayPsi = new ProcessStartInfo(Environment.ProcessPath!);
            foreach (var a in new[] { "--relay", kind, "--upstream-port", direct.Port.ToString(inv) })
            {
                relayPsi.ArgumentList.Add(a);
            }

            var relay = await StartChildAsync(relayPsi, "relay-");
            Log($"{kind} relay (pid {relay.Process.Id}) on port {relay.Port}");
            // The relays pass Spark's own token through: they are floors, not doors.
            var url = new SparkConnectionString { Host = "localhost", Port = relay.Port, Token = direct.Token, UseSsl = kind == "tls" };
            var options = new SparkSessionOptions { PinnedServerCertificateSha256 = relay.Pin };
            paths.Add(new BenchPath($"{kind} relay (floor)", await SparkSession.ConnectAsync(url, options), relay.Process));
        }
    }

    async Task<BenchPath> ThroughAsync(string name, (Process Process, int Port, string? Pin) g) => new(name, await SparkSession.ConnectAsync(
        new SparkConnectionString { Host = "localhost", Port = g.Port, Token = sessionToken, UseSsl = true },
        new SparkSessionOptions { PinnedServerCertificateSha256 = g.Pin, ConnectTimeout = TimeSpan.FromSeconds(120) }), g.Process);
    paths.Add(await ThroughAsync("gateway", gateway));
    if (variantEnvironment.Count > 0)
    {
        var variantPsi = new ProcessStartInfo("dotnet");
        foreach (var a in gatewayPsi.ArgumentList)
        {
            variantPsi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in gatewayPsi.Environment)
        {
            variantPsi.Environment[k] = v;
        }

        SetEnvironment(variantPsi, variantEnvironment);
        var variant = await StartChildAsync(variantPsi, "gateway-");
        Log($"variant gateway (pid {variant.Process.Id}) with {string.Join(' ', variantEnvironment)}");
        paths.Add(await ThroughAsync("gateway variant", variant));
    }
    var version = await paths[0].Session.VersionAsync();

    // --- latency: select 1, each round every path once in a rotating order, after a warm-up of every path.
    static async Task<double> OneAsync(SparkSession s)
    {
        var sw = Stopwatch.StartNew();
        var r = await (await s.SqlAsync("select 1")).CollectAsync();
        sw.Stop();
        return r.Count == 1 && Equals(r[0][0], 1) ? sw.Elapsed.TotalMilliseconds : throw new InvalidOperationException("select 1 returned something else");
    }

    IEnumerable<BenchPath> InTurn(int round) => paths.Skip(round % paths.Count).Concat(paths.Take(round % paths.Count));

    Log($"latency: warm-up, then {calls} x select 1 on each of {paths.Count} paths, in turn ...");
    for (var i = 0; i < 30; i++)
    {
        foreach (var p in paths)
        {
            await OneAsync(p.Session);
        }
    }

    for (var i = 0; i < calls; i++)
    {
        foreach (var p in InTurn(i))
        {
            p.Latencies.Add(await OneAsync(p.Session));
        }
    }

    // --- throughput: the P2 query, collected (rows in memory, as P2) or streamed as Arrow batches.
    var query = $"select id, id * 1.5 as d, concat('row-', cast(id as string)) as s from range({rows.ToString(inv)})";
    async Task<double> CollectAsync(SparkSession s)
    {
        var sw = Stopwatch.StartNew();
        long n = 0;
        if (mode == "collect")
        {
            var all = await (await s.SqlAsync(query)).CollectAsync();
            n = all.Count;
        }
        else
        {
            await foreach (var batch in (await s.SqlAsync(query)).ToArrowAsync())
            {
                n += batch.Length;
                batch.Dispose();
            }
        }

        sw.Stop();
        return n == rows ? sw.Elapsed.TotalSeconds : throw new InvalidOperationException($"collected {n} rows, expected {rows}");
    }

    Log($"throughput ({mode}): warm-up, then {rounds} rounds of {rows:N0} rows on each path, in turn ...");
    foreach (var p in paths)
    {
        await CollectAsync(p.Session);
    }

    for (var i = 0; i < rounds; i++)
    {
        foreach (var p in InTurn(i))
        {
            // The proxy's own CPU time during its collects: on a 2-core machine shared by Spark, the client and the
            // proxy, every core-second it spends (TLS, HTTP/2 framing, copies) is taken from the other two.
            GC.Collect(); // the last round's rows are garbage: not this round's cost
            var before = p.CpuSeconds();
            p.Seconds.Add(await CollectAsync(p.Session));
            p.ProxyCpu.Add(p.CpuSeconds() - before);
        }
    }

    static double P(List<double> xs, double q)
    {
        var s = xs.Order().ToList();
        return s[(int)Math.Clamp(Math.Round(q * (s.Count - 1)), 0, s.Count - 1)];
    }

    var d = paths[0];
    var directRate = rows / P(d.Seconds, 0.5) / 1e6;
    var directBest = rows / d.Seconds.Min() / 1e6;
    Console.WriteLine();
    Console.WriteLine($"P3: the gateway's cost. Spark {version}, local[2], {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; {mode} of {rows:N0} rows x {rounds}, select 1 x {calls}.");
    Console.WriteLine($"| {"path",-18} | {"select 1 p50 ms",15} | {"vs direct",10} | {"p90 ms",8} | {"collect Mrows/s (median)",24} | {"% of direct",11} | {"best % of direct",16} | {"proxy CPU s/collect",19} |");
    Console.WriteLine($"|{new string('-', 20)}|{new string('-', 17)}|{new string('-', 12)}|{new string('-', 10)}|{new string('-', 26)}|{new string('-', 13)}|{new string('-', 18)}|{new string('-', 21)}|");
    foreach (var p in paths)
    {
        var rate = rows / P(p.Seconds, 0.5) / 1e6;
        var best = rows / p.Seconds.Min() / 1e6;
        Console.WriteLine(string.Create(inv,
            $"| {p.Name,-18} | {P(p.Latencies, 0.5),15:0.000} | {P(p.Latencies, 0.5) - P(d.Latencies, 0.5),+10:+0.000;-0.000} | {P(p.Latencies, 0.9),8:0.000} | {rate,24:0.000} | {rate / directRate * 100,10:0.0}% | {best / directBest * 100,15:0.0}% | {(p.Proxy is null ? "" : P(p.ProxyCpu, 0.5).ToString("0.00", inv)),19} |"));
    }

    Console.WriteLine("P3 goal: gateway >= 95% of direct throughput and <= +1 ms select 1 p50.");
    foreach (var p in paths)
    {
        Console.WriteLine(string.Create(inv, $"collect seconds, {p.Name}: {string.Join(", ", p.Seconds.Select(x => x.ToString("0.00", inv)))}"));
    }

    return 0;
}
finally
{
    foreach (var p in paths)
    {
        await p.Session.DisposeAsync();
    }

    foreach (var child in children)
    {
        child.Kill();
        await child.WaitForExitAsync();
    }
}

/// <summary>One way to Spark: its session, the proxy process in between (none for direct), and what was measured.</summary>
internal sealed record BenchPath(string Name, SparkSession Session, Process? Proxy)
{
    public List<double> Latencies { get; } = [];

    public List<double> Seconds { get; } = [];

    public List<double> ProxyCpu { get; } = [];

    public double CpuSeconds()
    {
        if (Proxy is null)
        {
            return 0;
        }

        Proxy.Refresh();
        return Proxy.TotalProcessorTime.TotalSeconds;
    }
}

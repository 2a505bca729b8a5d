using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

// P3 (issue 6): what the gateway costs. One local Spark Connect server; the gateway runs as its own process in front
// of it (TLS with a pinned self-signed certificate, session token, proxy mode), as it would in a driver container.
// Direct and gateway runs alternate so that both see the same server state. Usage:
//   dotnet run -c Release --project bench/InteractiveSpark.GatewayBench -- [--rows 10000000] [--calls 300] [--rounds 3]
var inv = CultureInfo.InvariantCulture;
long rows = 10_000_000;
var calls = 300;
var rounds = 3;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rows": rows = long.Parse(args[++i], inv); break;
        case "--calls": calls = int.Parse(args[++i], inv); break;
        case "--rounds": rounds = int.Parse(args[++i], inv); break;
        default:
            Console.Error.WriteLine("usage: GatewayBench [--rows N] [--calls N] [--rounds N]");
            return 2;
    }
}

void Log(string message) => Console.Error.WriteLine($"[gateway-bench {DateTime.Now:HH:mm:ss}] {message}");

Log("starting a Spark Connect server (local[2], 4g, no UI, as the P2 bench) ...");
await using var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { UiPort = null, DriverMemory = "4g" });
var direct = server.ConnectionString;

var sessionToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
var gatewayDll = Path.Combine(AppContext.BaseDirectory, "ispark-gateway.dll");
var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
foreach (var a in new[] { gatewayDll, "--port", "0", "--bind", "127.0.0.1", "--spark-port", direct.Port.ToString(inv), "--spark-ui-port", "0", "--idle-timeout", "0" })
{
    psi.ArgumentList.Add(a);
}

psi.Environment["ISPARK_GATEWAY_TOKEN_SHA256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionToken)));
psi.Environment["ISPARK_GATEWAY_UPSTREAM_TOKEN"] = direct.Token;
psi.Environment["ISPARK_SESSION_ID"] = "bench";
psi.Environment["DOTNET_gcServer"] = "0";
using var gateway = Process.Start(psi)!;
gateway.ErrorDataReceived += (_, _) => { };
gateway.BeginErrorReadLine();
string? pin = null;
int port = 0;
while (await gateway.StandardOutput.ReadLineAsync() is { } line)
{
    if (line.StartsWith("gateway-certificate-sha256: ", StringComparison.Ordinal))
    {
        pin = line["gateway-certificate-sha256: ".Length..];
    }
    else if (line.StartsWith("gateway-port: ", StringComparison.Ordinal))
    {
        port = int.Parse(line["gateway-port: ".Length..], inv);
        break;
    }
}

_ = Task.Run(async () =>
{
    while (await gateway.StandardOutput.ReadLineAsync() is not null)
    {
    }
});
if (pin is null || port == 0)
{
    Console.Error.WriteLine("The gateway did not print its certificate and port.");
    return 1;
}

var viaGateway = new SparkConnectionString { Host = "localhost", Port = port, Token = sessionToken, UseSsl = true };
var gatewayOptions = new SparkSessionOptions { PinnedServerCertificateSha256 = pin, ConnectTimeout = TimeSpan.FromSeconds(120) };
Log($"gateway (pid {gateway.Id}) on port {port}, certificate {pin[..16]}...");

try
{
    await using var d = await SparkSession.ConnectAsync(direct);
    await using var g = await SparkSession.ConnectAsync(viaGateway, gatewayOptions);
    var version = await d.VersionAsync();

    // --- latency: select 1, alternating, after a warm-up of both paths.
    async Task<double> OneAsync(SparkSession s)
    {
        var sw = Stopwatch.StartNew();
        var r = await s.Sql("select 1").CollectAsync();
        sw.Stop();
        if (r.Count != 1 || !Equals(r[0][0], 1))
        {
            throw new InvalidOperationException("select 1 returned something else");
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    Log($"latency: warm-up, then {calls} x select 1 on each path, alternating ...");
    for (var i = 0; i < 50; i++)
    {
        await OneAsync(d);
        await OneAsync(g);
    }

    var ld = new List<double>();
    var lg = new List<double>();
    for (var i = 0; i < calls; i++)
    {
        if (i % 2 == 0)
        {
            ld.Add(await OneAsync(d));
            lg.Add(await OneAsync(g));
        }
        else
        {
            lg.Add(await OneAsync(g));
            ld.Add(await OneAsync(d));
        }
    }

    // --- throughput: the P2 query, streamed as Arrow batches (ToArrowAsync), rows counted.
    var query = $"select id, id * 1.5 as d, concat('row-', cast(id as string)) as s from range({rows.ToString(inv)})";
    async Task<double> CollectAsync(SparkSession s)
    {
        var sw = Stopwatch.StartNew();
        long n = 0;
        await foreach (var batch in s.Sql(query).ToArrowAsync())
        {
            n += batch.Length;
            batch.Dispose();
        }

        sw.Stop();
        if (n != rows)
        {
            throw new InvalidOperationException($"collected {n} rows, expected {rows}");
        }

        return sw.Elapsed.TotalSeconds;
    }

    Log($"throughput: warm-up, then {rounds} rounds of {rows:N0} rows on each path, alternating ...");
    await CollectAsync(d);
    await CollectAsync(g);
    var td = new List<double>();
    var tg = new List<double>();
    var gatewayCpu = new List<double>();
    // The gateway's own CPU time during its collects: on a 2-core machine shared by Spark, the client and the gateway,
    // every core-second the gateway spends (TLS, HTTP/2 framing) is taken from the other two.
    async Task<double> ThroughGatewayAsync()
    {
        gateway.Refresh();
        var before = gateway.TotalProcessorTime;
        var seconds = await CollectAsync(g);
        gateway.Refresh();
        gatewayCpu.Add((gateway.TotalProcessorTime - before).TotalSeconds);
        return seconds;
    }

    for (var i = 0; i < rounds; i++)
    {
        if (i % 2 == 0)
        {
            td.Add(await CollectAsync(d));
            tg.Add(await ThroughGatewayAsync());
        }
        else
        {
            tg.Add(await ThroughGatewayAsync());
            td.Add(await CollectAsync(d));
        }
    }

    static double P(List<double> xs, double q)
    {
        var s = xs.Order().ToList();
        return s[(int)Math.Clamp(Math.Round(q * (s.Count - 1)), 0, s.Count - 1)];
    }

    var mrd = rows / P(td, 0.5) / 1e6;
    var mrg = rows / P(tg, 0.5) / 1e6;
    var brd = rows / td.Min() / 1e6;
    var brg = rows / tg.Min() / 1e6;
    Console.WriteLine();
    Console.WriteLine($"P3: the gateway's cost. Spark {version}, local[2], {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]} before.");
    Console.WriteLine($"| {"measure",-42} | {"direct",10} | {"gateway",10} | {"gateway/direct",14} | {"goal",-16} |");
    Console.WriteLine($"|{new string('-', 44)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 16)}|{new string('-', 18)}|");
    void RowL(string name, double a, double b, string goal) =>
        Console.WriteLine(string.Create(inv, $"| {name,-42} | {a,10:0.000} | {b,10:0.000} | {b / a,14:0.00}x | {goal,-16} |"));
    RowL($"select 1 p50 (ms, {calls} calls)", P(ld, 0.5), P(lg, 0.5), string.Create(inv, $"+{P(lg, 0.5) - P(ld, 0.5):0.000} ms (<=1)"));
    RowL("select 1 p90 (ms)", P(ld, 0.9), P(lg, 0.9), "");
    RowL("select 1 p99 (ms)", P(ld, 0.99), P(lg, 0.99), "");
    RowL($"collect {rows:N0} rows median (Mrows/s)", mrd, mrg, string.Create(inv, $"{mrg / mrd * 100:0.0}% (>=95%)"));
    RowL($"collect best of {rounds} (Mrows/s)", brd, brg, string.Create(inv, $"{brg / brd * 100:0.0}%"));
    Console.WriteLine(string.Create(inv, $"collect seconds direct: {string.Join(", ", td.Select(x => x.ToString("0.00", inv)))}; gateway: {string.Join(", ", tg.Select(x => x.ToString("0.00", inv)))}"));
    Console.WriteLine(string.Create(inv,
        $"gateway CPU per collect: {P(gatewayCpu, 0.5):0.00} s median = {P(gatewayCpu, 0.5) / P(tg, 0.5):0.00} of {Environment.ProcessorCount} cores for the run's length"));
    return 0;
}
finally
{
    gateway.Kill();
    await gateway.WaitForExitAsync();
}

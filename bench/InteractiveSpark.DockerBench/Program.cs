// P1: time from starting a Docker session (DockerSparkLauncher: driver container, gateway, TLS, pinned certificate)
// to the first answered query, against starting the bare Spark Connect server in the same image (entrypoint mode
// `spark-connect`: no gateway, no TLS, no token) and polling it until the same query answers. Runs alternate
// (bare, gateway, bare, gateway, ...) so that a busy machine hurts both alike; prints every run and the medians.
// Usage: dotnet run -c Release --project bench/InteractiveSpark.DockerBench -- [--runs 3] [--image ispark-driver:test]
// --encryption: instead, the cost of Spark's own encryption (RPC, block transfers, shuffle and spill files): a session
// with two executors, with and without it (authentication on in both), alternating; per session the same
// shuffle-heavy query runs once to warm up and is then timed --queries times; prints the medians and the ratio.
using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

var runs = 3;
var queries = 3;
var encryption = false;
var image = DockerSparkLauncherOptions.DefaultImage;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--image": image = args[++i]; break;
        case "--encryption": encryption = true; break;
        case "--queries": queries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--runs N] [--image NAME]"); return 2;
    }
}

var prefix = "ispark-bench-" + Guid.NewGuid().ToString("N")[..6];
if (encryption)
{
    return await EncryptionAsync(image, prefix, runs, queries);
}

var bare = new List<double>();
var gateway = new List<double>();
try
{
    for (var run = 1; run <= runs; run++)
    {
        var b = await BareAsync(image, prefix);
        bare.Add(b);
        Console.WriteLine($"run {run}: bare spark-connect {b:0.00} s");
        var g = await GatewayAsync(image, prefix);
        gateway.Add(g);
        Console.WriteLine($"run {run}: launcher+gateway {g:0.00} s");
    }
}
finally
{
    await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix });
}

double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
var ratio = Median(gateway) / Median(bare);
Console.WriteLine($"P1 median: bare {Median(bare):0.00} s, launcher+gateway {Median(gateway):0.00} s, ratio {ratio:0.000} (goal <= 1.15) {(ratio <= 1.15 ? "MET" : "NOT MET")}");
return 0;

static async Task<double> GatewayAsync(string image, string prefix)
{
    var watch = Stopwatch.StartNew();
    await using var owner = await new DockerSparkLauncher(new DockerSparkLauncherOptions
    {
        Image = image, Name = "p1", NamePrefix = prefix, StartupTimeout = TimeSpan.FromSeconds(300),
    }).StartAsync(new PhaseProgress(watch));
    Console.WriteLine($"    +{watch.Elapsed.TotalSeconds:0.00} s gateway reports Spark ready");
    await using var spark = await owner.ConnectAsync();
    Console.WriteLine($"    +{watch.Elapsed.TotalSeconds:0.00} s connected through the gateway");
    var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
    var elapsed = watch.Elapsed.TotalSeconds;
    if (!Equals(rows[0][0], 1))
    {
        throw new InvalidOperationException("wrong answer");
    }

    return elapsed;
}

static async Task<int> EncryptionAsync(string image, string prefix, int runs, int queries)
{
    // Shuffle-heavy: 2M rows of 100-byte strings repartitioned across 8 partitions, then aggregated (two shuffles).
    const string query = "select count(distinct k), sum(length(v)) from (select id % 100003 as k, repeat(cast(id as string), 12) as v "
        + "from range(0, 2000000, 1, 8) distribute by id % 8)";
    var plain = new List<double>();
    var encrypted = new List<double>();
    try
    {
        for (var run = 1; run <= runs; run++)
        {
            foreach (var encrypt in new[] { false, true })
            {
                await using var owner = await new DockerSparkLauncher(new DockerSparkLauncherOptions
                {
                    Image = image, Name = encrypt ? "enc" : "plain", NamePrefix = prefix, Executors = 2, SparkEncryption = encrypt,
                    StartupTimeout = TimeSpan.FromSeconds(300), Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "8" },
                }).StartAsync();
                await using var spark = await owner.ConnectAsync();
                await (await spark.SqlAsync(query)).CollectAsync(); // warm-up: executors registered, code loaded
                for (var q = 0; q < queries; q++)
                {
                    var watch = Stopwatch.StartNew();
                    await (await spark.SqlAsync(query)).CollectAsync();
                    (encrypt ? encrypted : plain).Add(watch.Elapsed.TotalSeconds);
                    Console.WriteLine($"run {run}: {(encrypt ? "encrypted" : "plain    ")} {watch.Elapsed.TotalSeconds:0.00} s");
                }
            }
        }
    }
    finally
    {
        await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix });
    }

    static double Mid(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
    var ratio = Mid(encrypted) / Mid(plain);
    Console.WriteLine($"encryption median: plain {Mid(plain):0.00} s, encrypted {Mid(encrypted):0.00} s, ratio {ratio:0.000} (goal <= 1.2) {(ratio <= 1.2 ? "MET" : "NOT MET")}");
    return 0;
}

static async Task<double> BareAsync(string image, string prefix)
{
    var watch = Stopwatch.StartNew();
    using var client = DockerSparkContainers.CreateClient();
    var port = LocalSparkServer.FreePort();
    var ui = LocalSparkServer.FreePort();
    var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
    {
        Image = image,
        Name = $"{prefix}-bare-{Guid.NewGuid().ToString("N")[..6]}",
        Cmd = ["spark-connect"],
        Env = [$"ISPARK_GATEWAY_SPARK_PORT={port}", $"ISPARK_GATEWAY_SPARK_UI_PORT={ui}", "ISPARK_DRIVER_MEMORY=1g"],
        Labels = new Dictionary<string, string> { [DockerSparkContainers.SessionLabel] = "bench", [DockerSparkContainers.PrefixLabel] = prefix },
        HostConfig = new HostConfig { NetworkMode = "host", AutoRemove = true },
    });
    try
    {
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var cs = new SparkConnectionString { Host = "localhost", Port = port };
        // Poll the port every 100 ms (the gateway's own readiness probe polls every 300 ms, the launcher's health check 250 ms).
        while (!await PortOpenAsync(port))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(300))
            {
                throw new TimeoutException("the bare server never opened its port");
            }

            await Task.Delay(100);
        }

        Console.WriteLine($"    +{watch.Elapsed.TotalSeconds:0.00} s bare port open");
        while (true)
        {
            try
            {
                await using var spark = await SparkSession.ConnectAsync(cs, SparkSessionOptions.Default with { ConnectTimeout = TimeSpan.FromSeconds(2) });
                Console.WriteLine($"    +{watch.Elapsed.TotalSeconds:0.00} s bare connected");
                var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
                var elapsed = watch.Elapsed.TotalSeconds;
                if (!Equals(rows[0][0], 1))
                {
                    throw new InvalidOperationException("wrong answer");
                }

                return elapsed;
            }
            catch (Exception e) when (e is SparkException or TimeoutException or OperationCanceledException or System.Net.Http.HttpRequestException)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(300))
                {
                    throw;
                }

                await Task.Delay(100);
            }
        }
    }
    finally
    {
        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }).ContinueWith(_ => { });
    }
}

static async Task<bool> PortOpenAsync(int port)
{
    try
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return true;
    }
    catch (System.Net.Sockets.SocketException)
    {
        return false;
    }
}

/// <summary>Prints each launcher phase with the time since the run started.</summary>
internal sealed class PhaseProgress(Stopwatch watch) : IProgress<string>
{
    public void Report(string value) => Console.WriteLine($"    +{watch.Elapsed.TotalSeconds:0.00} s {value}");
}

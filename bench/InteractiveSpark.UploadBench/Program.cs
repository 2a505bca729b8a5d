using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using InteractiveSpark.SparkConnect;

// Upload, ours vs Spark's JVM client, in one run against one server: a DataFrame created from N local rows (bigint, double,
// string), then the server's count, sum of ids and sum of string lengths of it (which also makes the server read it all).
// usage: InteractiveSpark.UploadBench --url 'sc://localhost:15002/;token=...' [--rows N] [--modes objects,rows,jvm]
//        [--engines DIR] [--jvm-heap 8g]
var inv = CultureInfo.InvariantCulture;
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a, x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var url = options.GetValueOrDefault("--url") ?? Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK")
          ?? throw new ArgumentException("--url sc://host:port/;token=... (or ISPARK_TEST_SPARK)");
var n = int.Parse(options.GetValueOrDefault("--rows", "10000000"), inv);
var modes = options.GetValueOrDefault("--modes", "objects,jvm").Split(',', StringSplitOptions.RemoveEmptyEntries);
var engines = options.GetValueOrDefault("--engines") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/engines"));
var jvmHeap = options.GetValueOrDefault("--jvm-heap", "8g");

// What every client must get back, in closed form.
long expectedIds = (long)n * (n - 1) / 2, expectedLengths = 0;
for (long p = 1, digits = 1; p <= n; p *= 10, digits++) expectedLengths += (Math.Min(n, p * 10) - (p == 1 ? 0 : p)) * (4 + digits);
var results = new List<Result>();

foreach (var mode in modes)
{
    if (mode == "jvm")
    {
        results.Add(await RunPeerAsync());
        continue;
    }

    // The local collection exists before the clock starts, as the peer's List<Row> does.
    object data = mode switch
    {
        "objects" => Enumerable.Range(0, n).Select(i => new Trade(i, i * 1.5, "row-" + i.ToString(inv))).ToList(),
        "rows" => Enumerable.Range(0, n).Select(i => new object?[] { (long)i, i * 1.5, "row-" + i.ToString(inv) }).ToList(),
        _ => throw new ArgumentException($"--modes: unknown mode '{mode}' (objects, rows, jvm)"),
    };
    await using var spark = await SparkSession.ConnectAsync(url);
    _ = await (await spark.SqlAsync("select 1")).CollectAsync();
    using var sampler = new HeapSampler();
    var watch = Stopwatch.StartNew();
    var df = mode == "objects"
        ? await spark.CreateDataFrameAsync((List<Trade>)data)
        : await spark.CreateDataFrameAsync((List<object?[]>)data, Schema());
    var create = watch.Elapsed.TotalSeconds;
    var sums = (await df.Select(Functions.Count(Functions.Lit(1)), Functions.Sum("id"), Functions.Sum(Functions.Length(Functions.Col("s")))).CollectAsync())[0];
    var total = watch.Elapsed.TotalSeconds;
    var peak = sampler.Stop();
    GC.KeepAlive(data);
    results.Add(new Result($"InteractiveSpark ({mode})", create, total - create, peak, sums.Get<long>(0), sums.Get<long>(1), sums.Get<long>(2)));
    Console.Error.WriteLine($"{mode}: create {create:0.00} s, checksum {total - create:0.00} s, managed heap +{peak >> 20} MiB");
}

Console.WriteLine($"Upload: a DataFrame of {n:N0} local rows (bigint, double, string), then the server's checksum of it; one run, same server, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine("| client | create s | checksum s | rows/s (create + checksum) | peak heap above the data MB | ours ÷ JVM |");
Console.WriteLine("|---|---|---|---|---|---|");
var jvm = results.FirstOrDefault(r => r.Client.StartsWith("Spark's JVM", StringComparison.Ordinal));
var wrong = false;
foreach (var r in results)
{
    var ok = r.Count == n && r.Ids == expectedIds && r.Lengths == expectedLengths;
    wrong |= !ok;
    var ratio = jvm is null || r == jvm ? "" : (r.RowsPerSecond(n) / jvm.RowsPerSecond(n)).ToString("0.00", inv);
    Console.WriteLine(string.Create(inv, $"| {r.Client}{(ok ? "" : " (WRONG)")} | {r.Create:0.00} | {r.Checksum:0.00} | {r.RowsPerSecond(n):N0} | {r.PeakBytes >> 20} | {ratio} |"));
}

return wrong ? 1 : 0;

static StructType Schema() => new(
    new StructField("id", LongType.Instance, false), new StructField("d", DoubleType.Instance, false), new StructField("s", StringType.Instance));

async Task<Result> RunPeerAsync()
{
    // The JVM client's URL form: use_ssl=false with a token on localhost (it fails on 127.0.0.1).
    var peerUrl = Regex.Replace(url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), @"/;", "/;use_ssl=false;");
    var psi = new ProcessStartInfo(Path.Combine(engines, "bin", "spark-connect-jvm")) { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.Environment["JVM_HEAP"] = jvmHeap;
    foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "UploadPeer.java"), peerUrl, n.ToString(inv) }) psi.ArgumentList.Add(a);
    using var peer = Process.Start(psi)!;
    var err = peer.StandardError.ReadToEndAsync();
    var output = await peer.StandardOutput.ReadToEndAsync();
    await peer.WaitForExitAsync();
    var m = Regex.Match(output, @"create_s=([\d.]+) checksum_s=([\d.]+) .*peak_heap_mb=(\d+) count=(\d+) ids=(\d+) lengths=(\d+)");
    if (peer.ExitCode != 0 || !m.Success)
        throw new InvalidOperationException($"UploadPeer.java failed ({peer.ExitCode}):\n{(await err)[^Math.Min(3000, (await err).Length)..]}");
    double D(int g) => double.Parse(m.Groups[g].Value, inv);
    long L(int g) => long.Parse(m.Groups[g].Value, inv);
    Console.Error.WriteLine(output.Trim());
    return new Result("Spark's JVM client (createDataFrame of a List<Row>)", D(1), D(2), L(3) << 20, L(4), L(5), L(6));
}

/// <summary>One row of the bench: a record like a user's.</summary>
internal sealed record Trade(long Id, double D, string S);

internal sealed record Result(string Client, double Create, double Checksum, long PeakBytes, long Count, long Ids, long Lengths)
{
    public double RowsPerSecond(int n) => n / (Create + Checksum);
}

/// <summary>The managed heap's peak above where the measurement started (the data already built), sampled every 10 ms.</summary>
internal sealed class HeapSampler : IDisposable
{
    private readonly long _base;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public HeapSampler()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        _base = GC.GetTotalMemory(false);
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                _peak = Math.Max(_peak, GC.GetTotalMemory(false) - _base);
                Thread.Sleep(10);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Stop()
    {
        _stop = true;
        _thread.Join();
        return _peak;
    }

    public void Dispose() => Stop();
}

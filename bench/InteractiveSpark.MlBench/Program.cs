using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Apache.Arrow;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.SparkConnect.ML;

// ML round trips, ours vs raw protocol messages through Spark's JVM client, in one run against one server.
// usage: InteractiveSpark.MlBench --url 'sc://localhost:15002/;token=...' [--rows N] [--rounds K] [--engines DIR]
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a, x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var url = options.GetValueOrDefault("--url") ?? Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK")
          ?? throw new ArgumentException("--url sc://host:port/;token=... (or ISPARK_TEST_SPARK)");
var rows = long.Parse(options.GetValueOrDefault("--rows", "200000"), CultureInfo.InvariantCulture);
var rounds = int.Parse(options.GetValueOrDefault("--rounds", "5"), CultureInfo.InvariantCulture);
var engines = options.GetValueOrDefault("--engines") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/engines"));

// Ours first, then the peer (each warms up on its first round; the table uses the median of the rounds after it).
var ours = new List<(double Fit, double Fetch, double Transform, long Rows)>();
await using (var spark = await SparkSession.ConnectAsync(url))
{
    var data = await spark.SqlAsync($"select cast(id % 2 as double) as label, rand(7) + (id % 2) * 0.5 as x1, rand(11) as x2 from range({rows})");
    var features = new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }.Transform(data);
    for (var round = 0; round <= rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        var model = await new LogisticRegression { MaxIter = 20 }.FitAsync(features);
        var fit = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        _ = await model.InterceptAsync();
        var fetch = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        long n = 0;
        await foreach (RecordBatch batch in model.Transform(features).ToArrowAsync()) { n += batch.Length; batch.Dispose(); }
        var transform = watch.Elapsed.TotalMilliseconds;
        await model.DisposeAsync();
        if (round > 0) ours.Add((fit, fetch, transform, n));
        Console.Error.WriteLine($"ours round {round}: fit {fit:0} ms, fetch {fetch:0} ms, transform {transform:0} ms, {n} rows");
    }
}

// The peer wants the JVM client's URL form: use_ssl=false with a token on localhost.
var peerUrl = Regex.Replace(url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), @"/;", "/;use_ssl=false;");
var psi = new ProcessStartInfo(Path.Combine(engines, "bin", "spark-connect-jvm")) { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "MlPeer.java"), peerUrl, rows.ToString(CultureInfo.InvariantCulture), (rounds + 1).ToString(CultureInfo.InvariantCulture) })
    psi.ArgumentList.Add(a);
using var peer = Process.Start(psi)!;
var peerErr = peer.StandardError.ReadToEndAsync();
var peerOut = await peer.StandardOutput.ReadToEndAsync();
await peer.WaitForExitAsync();
if (peer.ExitCode != 0) throw new InvalidOperationException($"MlPeer.java failed ({peer.ExitCode}):\n{(await peerErr)[^Math.Min(3000, (await peerErr).Length)..]}");
var jvm = Regex.Matches(peerOut, @"round=(\d+) fit_ms=([\d.]+) fetch_ms=([\d.]+) transform_ms=([\d.]+) rows=(\d+)")
    .Select(m => (Round: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Fit: D(m.Groups[2]), Fetch: D(m.Groups[3]), Transform: D(m.Groups[4]), Rows: long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture)))
    .Where(r => r.Round > 0).ToList();

Console.WriteLine($"ML round trips, {rows:N0} rows, median of {rounds} rounds after one warm-up, same server, {DateTime.UtcNow:yyyy-MM-dd}");
Console.WriteLine("| step | InteractiveSpark (ms) | JVM client, raw ML messages (ms) | ours ÷ peer |");
Console.WriteLine("|---|---|---|---|");
Row("fit (VectorAssembler + LogisticRegression, maxIter 20)", ours.Select(o => o.Fit), jvm.Select(j => j.Fit));
Row("fetch intercept", ours.Select(o => o.Fetch), jvm.Select(j => j.Fetch));
Row($"transform + drain {rows:N0} predictions", ours.Select(o => o.Transform), jvm.Select(j => j.Transform));
if (ours.Any(o => o.Rows != rows) || jvm.Any(j => j.Rows != rows)) { Console.WriteLine("(WRONG row count)"); return 1; }
return 0;

static double D(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

static double Median(IEnumerable<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
}

static void Row(string step, IEnumerable<double> ours, IEnumerable<double> peer)
{
    double o = Median(ours), p = Median(peer);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {o:0.0} | {p:0.0} | {o / p:0.00} |"));
}

using System.Globalization;
using InteractiveSpark.Bench;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

// Issue P2/P6: collect the same N rows with our client, Spark's JVM client, a raw drain and the GoEddie client,
// against ONE Spark Connect server, in one run, and print one table. See bench/README.md.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (HelpRequestedException)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var ct = cts.Token;
var inv = CultureInfo.InvariantCulture;
void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

var n = options.Rows;
var query = Bench.Query(n);
var expected = Bench.ExpectedChecksum(n);
var loadBefore = ProcFs.LoadAverage();
var engines = options.EnginesDir ?? SparkHome.FindEnginesDir();

LocalSparkServer? server = null;
SparkConnectionString cs;
string serverText;
if (options.Url is not null)
{
    cs = SparkConnectionString.Parse(options.Url);
    serverText = $"given: {cs}";
}
else
{
    var logFile = Path.Combine(Path.GetTempPath(), $"ispark-bench-spark-{Environment.ProcessId}.log");
    Log($"starting a Spark Connect server (driver memory {options.DriverMemory}, log {logFile}) ...");
    server = await LocalSparkServer.StartAsync(
        new LocalSparkServerOptions { DriverMemory = options.DriverMemory, UiPort = null, LogFile = logFile }, ct);
    cs = server.ConnectionString;
    serverText = $"started by the harness: local[2], driver memory {options.DriverMemory}, {cs} (pid {server.ProcessId})";
    Log($"server ready at {cs}");
}

try
{
    // Spark's JVM client wants localhost (not 127.0.0.1) and an explicit use_ssl=false to send a token without TLS.
    var peerHost = cs.IsLoopback ? "localhost" : cs.Host;
    var peerUrl = string.Create(inv, $"sc://{peerHost}:{cs.Port}/;use_ssl={(cs.UseSsl ? "true" : "false")}")
        + (cs.Token is null ? "" : $";token={cs.Token}");
    var ours = new OurClient(cs);
    var rounds = new List<BenchRow>();
    string? profile = null;

    if (options.Warmup)
    {
        var warmRows = Math.Min(n, 2_000_000);
        Log($"warm-up: our drain of {warmRows:N0} rows (server), then our three modes on {Math.Min(n, 200_000):N0} rows (our JIT) ...");
        await ours.DrainAsync(Bench.Query(warmRows), ct);
        var small = Bench.Query(Math.Min(n, 200_000));
        if (options.Selected("ours-iterate"))
        {
            await ours.IterateAsync(small, ct);
        }

        if (options.Selected("ours-arrow"))
        {
            await ours.ArrowAsync(small, ct);
        }

        if (options.Selected("ours-collect"))
        {
            await ours.CollectAsync(small, ct);
            await ours.CollectBoxedAsync(small, ct);
        }
    }

    for (var round = 1; round <= options.Repeat; round++)
    {
        var prefix = options.Repeat > 1 ? $"round {round}/{options.Repeat}: " : "";
        async Task Add(string key, Func<Task<BenchRow>> run)
        {
            if (!options.Selected(key.StartsWith("drain", StringComparison.Ordinal) ? "drain" : key))
            {
                return;
            }

            Log($"{prefix}{key} ...");
            BenchRow row;
            try
            {
                row = await run();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                row = new BenchRow { Key = key, Client = key, Mode = "", Kind = RowKind.Ours, Note = $"failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}" };
            }

            Log($"{prefix}{key}: " + (row.Ok ? string.Create(inv, $"{row.Seconds:0.000} s, {row.RowsPerSecond:N0} rows/s{(row.Checksum is { } c ? $", checksum {c}" : "")}{(row.PeakRss is { } rss ? $", peak RSS {rss / 1048576.0:0} MB" : "")}{(row.PeakHeap is { } heap ? $", peak heap {heap / 1048576.0:0} MB" : "")}") : row.Note));
            rounds.Add(row);
        }

        await Add("drain-first", () => Peers.JvmDrainAsync(engines, peerUrl, n, "before", ct));
        await Add("ours-drain", () => ours.DrainAsync(query, ct));
        await Add("ours-iterate", () => ours.IterateAsync(query, ct));
        await Add("ours-arrow", () => ours.ArrowAsync(query, ct));
        await Add("ours-collect", () => ours.CollectAsync(query, ct));
        await Add("ours-collect-boxed", () => ours.CollectBoxedAsync(query, ct));
        await Add("jvm-iterate", () => Peers.JvmCollectAsync(engines, peerUrl, n, "iterate", options.JvmHeap, ct));
        await Add("jvm-collect", () => Peers.JvmCollectAsync(engines, peerUrl, n, "collect", options.JvmHeap, ct));
        await Add("goeddie-collect", () => Peers.GoEddieAsync(options.GoEddiePeer, peerUrl, n, "collect", ct));
        await Add("goeddie-arrow", () => Peers.GoEddieAsync(options.GoEddiePeer, peerUrl, n, "arrow", ct));
        await Add("drain-last", () => Peers.JvmDrainAsync(engines, peerUrl, n, "after", ct));
    }

    if (options.Profile)
    {
        Log("profile ...");
        profile = await ours.ProfileAsync(query, ct);
    }

    // The fastest run of each row (one run each unless --repeat).
    var best = rounds.GroupBy(r => r.Key)
        .Select(g => g.Where(r => r.Ok).OrderByDescending(r => r.RowsPerSecond).FirstOrDefault() ?? g.Last())
        .ToList();
    var arrowBytes = best.FirstOrDefault(r => r.Key == "ours-drain" && r.Ok)?.ArrowBytes
        ?? best.FirstOrDefault(r => r.Kind == RowKind.Drain && r.Ok)?.ArrowBytes;
    var batches = best.FirstOrDefault(r => r.Kind == RowKind.Drain && r.Ok)?.Batches;

    Console.WriteLine();
    Console.WriteLine($"InteractiveSpark bench, {DateTime.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average before {loadBefore}, after {ProcFs.LoadAverage()}");
    Console.WriteLine($"server: {serverText}");
    Console.WriteLine($"query: {query}");
    Console.WriteLine(string.Create(inv, $"rows: {n:N0}; expected checksum (sum of id + length of s): {expected}; Arrow received: {(arrowBytes is { } ab ? $"{ab / 1048576.0:0.0} MB" : "?")} in {batches?.ToString(inv) ?? "?"} batches; JVM client heap: {options.JvmHeap}{(options.Repeat > 1 ? $"; fastest of {options.Repeat} runs" : "")}"));
    Console.WriteLine();
    Console.Write(ResultTable.Format(best, expected, arrowBytes));
    Console.WriteLine();
    Console.WriteLine("peak heap: ours = managed heap above the start (GC.GetTotalMemory, sampled every 10 ms); JVM = its heap pools' peak; GoEddie = its managed heap.");
    Console.WriteLine("peak RSS: ours = resident set above the start (VmHWM), managed + native; peers = the whole process's VmHWM (runtime included).");
    Console.WriteLine("RSS/Arrow: our peak RSS / Arrow bytes received (P6 asks <= 2x for iterate and arrow). vs best peer: our rows/s / the fastest JVM or GoEddie row.");
    Console.WriteLine("cpu s: CPU seconds of the client process during the run (peers: whole process, JVM start-up included). Server and clients share 2 cores.");
    if (arrowBytes is > 0)
    {
        foreach (var key in new[] { "ours-iterate", "ours-arrow", "ours-collect" })
        {
            if (best.FirstOrDefault(r => r.Key == key && r.Ok) is { PeakRss: { } rss })
            {
                var ratio = rss / (double)arrowBytes.Value;
                Console.WriteLine(string.Create(inv, $"{(key == "ours-collect" ? "collect" : "P6")} {key}: peak RSS {rss / 1048576.0:0} MB = {ratio:0.00}x the Arrow bytes: {(ratio <= 2 ? "ok" : "OVER 2x")}"));
            }
        }

        if (best.FirstOrDefault(r => r.Key == "ours-collect" && r.Ok) is { } lean && best.FirstOrDefault(r => r.Key == "ours-collect-boxed" && r.Ok) is { } boxed)
        {
            Console.WriteLine(string.Create(inv, $"collect vs boxed collect (before): {lean.RowsPerSecond!.Value / boxed.RowsPerSecond!.Value:0.00}x the rows/s, {(lean.PeakRss ?? 0) / (double)Math.Max(1, boxed.PeakRss ?? 1):0.00}x the peak RSS"));
        }
    }

    if (profile is not null)
    {
        Console.WriteLine();
        Console.WriteLine(profile);
    }

    return best.Any(r => r.Ok && r.Checksum is { } c && c != expected) ? 1 : 0;
}
finally
{
    if (server is not null)
    {
        Log("stopping the server ...");
        await server.DisposeAsync();
    }
}

namespace InteractiveSpark.Bench
{
    /// <summary>The query every client runs, and its checksum.</summary>
    internal static class Bench
    {
        /// <summary>The text of peers/JvmDrain.java; JvmCollect.java builds the same plan with range + selectExpr.</summary>
        public static string Query(long n) =>
            string.Create(CultureInfo.InvariantCulture, $"select id, id * 1.5 as d, concat('row-', cast(id as string)) as s from range({n})");

        /// <summary>JvmCollect.java's checksum: the sum over all rows of id + s.length().</summary>
        public static long ExpectedChecksum(long n)
        {
            var sum = n * (n - 1) / 2;
            long lo = 0, hi = 10, digits = 1;
            while (lo < n)
            {
                sum += (Math.Min(hi, n) - lo) * (4 + digits); // "row-" + the decimal digits of id
                lo = hi;
                hi *= 10;
                digits++;
            }

            return sum;
        }
    }
}

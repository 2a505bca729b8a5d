using System.Globalization;

namespace InteractiveSpark.Bench;

/// <summary>The peer rows: Spark's JVM client (JvmCollect.java), the raw drain (JvmDrain.java) and the GoEddie peer.</summary>
internal static class Peers
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    public static async Task<BenchRow> JvmCollectAsync(string? engines, string url, long n, string mode, string heap, CancellationToken ct)
    {
        var key = $"jvm-{mode}";
        if (engines is null)
        {
            return NotRun(key, "spark-jvm", mode, RowKind.Peer, "not run (no shared/engines found; pass --engines DIR)");
        }

        var o = await PeerRunner.RunAsync(
            Path.Combine(engines, "bin", "spark-connect-jvm"),
            [Path.Combine(engines, "peers", "JvmCollect.java"), url, n.ToString(CultureInfo.InvariantCulture), mode],
            new Dictionary<string, string> { ["JVM_HEAP"] = heap },
            Timeout,
            ct).ConfigureAwait(false);
        return FromOutcome(key, "spark-jvm", mode, RowKind.Peer, o) with
        {
            PeakHeap = o.Long("peak_heap_mb") * 1048576,
        };
    }

    public static async Task<BenchRow> JvmDrainAsync(string? engines, string url, long n, string when, CancellationToken ct)
    {
        var key = $"drain-{(when == "before" ? "first" : "last")}";
        var mode = $"drain, no decode ({when})";
        if (engines is null)
        {
            return NotRun(key, "jvm-drain", mode, RowKind.Drain, "not run (no shared/engines found; pass --engines DIR)");
        }

        var o = await PeerRunner.RunAsync(
            Path.Combine(engines, "bin", "spark-connect-jvm"),
            [Path.Combine(engines, "peers", "JvmDrain.java"), url, n.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(),
            Timeout,
            ct).ConfigureAwait(false);
        return FromOutcome(key, "jvm-drain", mode, RowKind.Drain, o) with
        {
            ArrowBytes = o.Double("arrow_mb") is { } mb ? (long)(mb * 1048576) : null,
            Batches = o.Long("batches"),
        };
    }

    public static async Task<BenchRow> GoEddieAsync(string? peer, string url, long n, string mode, CancellationToken ct)
    {
        var key = $"goeddie-{mode}";
        if (peer is null)
        {
            return NotRun(key, "goeddie", mode, RowKind.Peer, "not run (build it by hand, see README)");
        }

        if (!File.Exists(peer))
        {
            return NotRun(key, "goeddie", mode, RowKind.Peer, $"not run ({peer} does not exist)");
        }

        var isDll = peer.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var args = new List<string>();
        if (isDll)
        {
            args.Add(peer);
        }

        args.AddRange([url, n.ToString(CultureInfo.InvariantCulture), mode]);
        var o = await PeerRunner.RunAsync(isDll ? "dotnet" : peer, args, new Dictionary<string, string>(), Timeout, ct).ConfigureAwait(false);
        return FromOutcome(key, "goeddie", mode, RowKind.Peer, o) with
        {
            PeakHeap = o.Long("peak_heap_mb") * 1048576,
        };
    }

    private static BenchRow FromOutcome(string key, string client, string mode, RowKind kind, PeerOutcome o) => new()
    {
        Key = key,
        Client = client,
        Mode = mode,
        Kind = kind,
        Rows = o.Long("rows"),
        Seconds = o.Double("seconds"),
        Checksum = o.Long("checksum"),
        CpuSeconds = o.CpuSeconds > 0 ? o.CpuSeconds : null,
        PeakRss = o.PeakRss > 0 ? o.PeakRss : null,
        Note = o.Error is null ? null : $"failed: {o.Error.ReplaceLineEndings(" | ")}",
    };

    private static BenchRow NotRun(string key, string client, string mode, RowKind kind, string note) =>
        new() { Key = key, Client = client, Mode = mode, Kind = kind, Note = note };
}

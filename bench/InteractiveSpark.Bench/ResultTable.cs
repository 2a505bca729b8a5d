using System.Globalization;
using System.Text;

namespace InteractiveSpark.Bench;

/// <summary>Which side of the comparison a row is on.</summary>
internal enum RowKind
{
    /// <summary>InteractiveSpark, in this process.</summary>
    Ours,

    /// <summary>Another client (JVM, GoEddie): what "vs best peer" divides by.</summary>
    Peer,

    /// <summary>A raw drain of the stream: the limit, what "% of drain" divides by.</summary>
    Drain,
}

/// <summary>One measured (or skipped) row of the table.</summary>
internal sealed record BenchRow
{
    public required string Key { get; init; }

    public required string Client { get; init; }

    public required string Mode { get; init; }

    public required RowKind Kind { get; init; }

    public long? Rows { get; init; }

    public double? Seconds { get; init; }

    public long? Checksum { get; init; }

    public double? CpuSeconds { get; init; }

    /// <summary>Peak managed heap above the start (ours) or the peer's own peak heap, in bytes.</summary>
    public long? PeakHeap { get; init; }

    /// <summary>Peak resident set: above the start for ours, the whole process for a peer, in bytes.</summary>
    public long? PeakRss { get; init; }

    /// <summary>Peak private bytes above the start (ours only).</summary>
    public long? PeakPrivate { get; init; }

    /// <summary>Arrow IPC bytes received (drains only).</summary>
    public long? ArrowBytes { get; init; }

    /// <summary>Arrow batches received (drains only).</summary>
    public long? Batches { get; init; }

    /// <summary>Why the row has no numbers, or a remark.</summary>
    public string? Note { get; init; }

    public double? RowsPerSecond => Rows is { } r && Seconds is { } s && s > 0 ? r / s : null;

    public bool Ok => Note is null && RowsPerSecond is not null;
}

/// <summary>Formats the rows as a fixed-width table.</summary>
internal static class ResultTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(IReadOnlyList<BenchRow> rows, long expectedChecksum, long? arrowBytes)
    {
        var peers = rows.Where(r => r.Kind == RowKind.Peer && r.Ok).ToList();
        var bestPeer = peers.Count > 0 ? peers.Max(r => r.RowsPerSecond!.Value) : (double?)null;
        var drains = rows.Where(r => r.Kind == RowKind.Drain && r.Client == "jvm-drain" && r.Ok).ToList();
        var bestDrain = drains.Count > 0 ? drains.Max(r => r.RowsPerSecond!.Value) : (double?)null;

        string[] header = ["client", "mode", "rows", "seconds", "rows/s", "checksum", "cpu s", "peak heap MB", "peak RSS MB", "RSS/Arrow", "vs best peer", "% of drain"];
        var table = new List<string[]> { header };
        foreach (var r in rows)
        {
            if (!r.Ok)
            {
                table.Add([r.Client, r.Mode, r.Note ?? "failed", "", "", "", "", "", "", "", "", ""]);
                continue;
            }

            var rps = r.RowsPerSecond!.Value;
            var checksum = r.Checksum is { } c ? c.ToString(Inv) + (c == expectedChecksum ? "" : " (WRONG)") : "-";
            var isOurs = r.Client == OurClient.Name;
            var rssArrow = isOurs && r.PeakRss is { } rss && arrowBytes is > 0 ? (rss / (double)arrowBytes.Value).ToString("0.00", Inv) + "x" : "-";
            var vsPeer = r.Kind == RowKind.Ours && bestPeer is { } bp ? (rps / bp).ToString("0.00", Inv) : "-";
            var ofDrain = bestDrain is { } bd ? (100 * rps / bd).ToString("0", Inv) + "%" : "-";
            table.Add(
            [
                r.Client,
                r.Mode,
                r.Rows!.Value.ToString("N0", Inv),
                r.Seconds!.Value.ToString("0.000", Inv),
                rps.ToString("N0", Inv),
                checksum,
                r.CpuSeconds is { } cpu ? cpu.ToString("0.0", Inv) : "-",
                Mb(r.PeakHeap),
                Mb(r.PeakRss) + (isOurs ? "" : " (process)"),
                rssArrow,
                vsPeer,
                ofDrain,
            ]);
        }

        var widths = Enumerable.Range(0, header.Length)
            .Select(i => table.Where((t, ti) => ti == 0 || t[3].Length > 0 || i < 2).Max(t => t[i].Length))
            .ToArray();
        var sb = new StringBuilder();
        for (var ti = 0; ti < table.Count; ti++)
        {
            var t = table[ti];
            if (t[3].Length == 0 && ti > 0)
            {
                // A skipped or failed row: its note spans the numeric columns.
                sb.Append(t[0].PadRight(widths[0])).Append(" | ").Append(t[1].PadRight(widths[1])).Append(" | ").Append(t[2]).AppendLine();
                continue;
            }

            for (var i = 0; i < t.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(" | ");
                }

                sb.Append(i < 2 ? t[i].PadRight(widths[i]) : t[i].PadLeft(widths[i]));
            }

            sb.AppendLine();
            if (ti == 0)
            {
                sb.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            }
        }

        return sb.ToString();
    }

    private static string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0", Inv) : "-";
}

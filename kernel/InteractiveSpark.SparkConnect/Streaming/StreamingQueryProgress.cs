using System.Globalization;
using System.Text.Json;

namespace InteractiveSpark.SparkConnect.Streaming;

/// <summary>
/// The progress of one micro-batch (Spark's StreamingQueryProgress), parsed from the JSON the server sends; the JSON
/// itself is in <see cref="Json"/> for the fields not lifted here (per-source offsets, state operators, ...).
/// </summary>
public sealed record StreamingQueryProgress
{
    /// <summary>The query's id.</summary>
    public required string Id { get; init; }

    /// <summary>The query's name, if any.</summary>
    public string? Name { get; init; }

    /// <summary>When the micro-batch started.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The micro-batch number (0, 1, ...).</summary>
    public long BatchId { get; init; }

    /// <summary>Rows read in this micro-batch.</summary>
    public long NumInputRows { get; init; }

    /// <summary>Rows per second arriving, over the time since the previous batch.</summary>
    public double InputRowsPerSecond { get; init; }

    /// <summary>Rows per second Spark processed in this batch.</summary>
    public double ProcessedRowsPerSecond { get; init; }

    /// <summary>How long the batch took.</summary>
    public TimeSpan BatchDuration { get; init; }

    /// <summary>The progress as Spark sent it.</summary>
    public required string Json { get; init; }

    /// <summary>Parses Spark's progress JSON.</summary>
    public static StreamingQueryProgress Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new StreamingQueryProgress
        {
            Id = Str(root, "id") ?? "",
            Name = Str(root, "name"),
            Timestamp = Str(root, "timestamp") is { } ts ? DateTimeOffset.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : default,
            BatchId = Num(root, "batchId") is { } b ? (long)b : 0,
            NumInputRows = (long)(Num(root, "numInputRows") ?? SumOfSources(root, "numInputRows")),
            InputRowsPerSecond = Num(root, "inputRowsPerSecond") ?? SumOfSources(root, "inputRowsPerSecond"),
            ProcessedRowsPerSecond = Num(root, "processedRowsPerSecond") ?? SumOfSources(root, "processedRowsPerSecond"),
            BatchDuration = TimeSpan.FromMilliseconds(Num(root, "batchDuration") ?? 0),
            Json = json,
        };
    }

    // Spark 4.2 sends the row counts and rates per source only (the query's are their sums, as Spark computes them).
    private static double SumOfSources(JsonElement root, string name) =>
        root.TryGetProperty("sources", out var sources) && sources.ValueKind == JsonValueKind.Array
            ? sources.EnumerateArray().Sum(s => Num(s, name) ?? 0)
            : 0;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // Spark writes NaN and Infinity as strings when a rate has no time base yet.
    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
            : null
            : null;
}

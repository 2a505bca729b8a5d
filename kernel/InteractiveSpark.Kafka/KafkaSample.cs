using System.Globalization;
using System.Text;
using System.Text.Json;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Kafka;

/// <summary>What was read from one partition: its offsets before the read and the range read.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Low">The partition's first offset (low watermark), when known.</param>
/// <param name="High">The offset after its last message (high watermark), when known.</param>
/// <param name="Read">How many messages were read (scanned) from it.</param>
/// <param name="Shown">How many of them are in the sample.</param>
public sealed record KafkaPartitionRead(int Partition, long? Low, long? High, int Read, int Shown);

/// <summary>
/// The result of <see cref="KafkaSampler.SampleAsync"/>: the messages (oldest first within a partition, partitions in
/// order), per-partition offsets, notes (timeouts, values that did not decode) and, for JSON values, their fields.
/// </summary>
public sealed class KafkaSample
{
    internal KafkaSample(
        KafkaSampleRequest request, string where, IReadOnlyList<KafkaRecord> records, IReadOnlyList<KafkaPartitionRead> partitions,
        IReadOnlyList<string> notes, TimeSpan elapsed)
    {
        Request = request;
        Where = where;
        Records = records;
        Partitions = partitions;
        Notes = notes;
        Elapsed = elapsed;
        JsonFields = FieldsOf(records);
    }

    /// <summary>What was asked.</summary>
    public KafkaSampleRequest Request { get; }

    /// <summary>The topic.</summary>
    public string Topic => Request.Topic;

    /// <summary>The cluster (bootstrap servers; never a secret).</summary>
    public string Where { get; }

    /// <summary>The messages.</summary>
    public IReadOnlyList<KafkaRecord> Records { get; }

    /// <summary>The partitions read.</summary>
    public IReadOnlyList<KafkaPartitionRead> Partitions { get; }

    /// <summary>Things the user should know: a timeout, values that did not decode, an empty result's reason.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>How long the read took, connection included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The top-level fields of the JSON object values, in order of first appearance (empty if none).</summary>
    public IReadOnlyList<string> JsonFields { get; }

    /// <summary>How many values could not be decoded.</summary>
    public int Undecodable => Records.Count(r => r.Error is not null);

    /// <summary>One line: topic, count, partitions, format, time.</summary>
    public string Summary
    {
        get
        {
            var parts = Partitions.Count == 1 ? $"partition {Partitions[0].Partition}" : $"{Partitions.Count} partitions";
            var key = Request.Key is { } k ? $" with key '{k}'" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{Topic} at {Where}: {Records.Count} message{(Records.Count == 1 ? "" : "s")}{key} from {parts}, {Request.Format.ToString().ToLowerInvariant()}, read in {Elapsed.TotalMilliseconds:0} ms (no consumer group, nothing committed)");
        }
    }

    /// <summary>The schema of <see cref="ToRows"/>.</summary>
    public static StructType RecordSchema { get; } = new(
        new StructField("partition", IntegerType.Instance, false),
        new StructField("offset", LongType.Instance, false),
        new StructField("timestamp", TimestampType.Instance),
        new StructField("key", StringType.Instance),
        new StructField("headers", StringType.Instance),
        new StructField("value", StringType.Instance));

    /// <summary>The messages as rows (partition, offset, timestamp, key, headers, value), for the table renderers.</summary>
    public IReadOnlyList<Row> ToRows() =>
        Records.Select(r => new Row(RecordSchema,
            r.Partition, r.Offset, r.Timestamp, r.Key,
            r.Headers.Count == 0 ? null : string.Join(", ", r.Headers.Select(h => $"{h.Key}={h.Value}")),
            r.Error is { } e ? $"<undecodable: {e}>" : r.ValueText)).ToArray();

    /// <summary>
    /// The JSON object values as a table: partition, offset, then one column per field (<see cref="JsonFields"/>);
    /// numbers, booleans and strings keep their type when a column holds only that type, nested values are JSON text.
    /// Null when no value is a JSON object.
    /// </summary>
    public (StructType Schema, IReadOnlyList<Row> Rows)? FieldTable()
    {
        if (JsonFields.Count == 0) return null;
        var objects = Records.Where(r => r.Json is { ValueKind: JsonValueKind.Object }).ToArray();
        var types = JsonFields.Select(f => ColumnType(objects.Select(r => r.Json!.Value.TryGetProperty(f, out var v) ? v : default))).ToArray();
        var schema = new StructType(
            new[] { new StructField("partition", IntegerType.Instance, false), new StructField("offset", LongType.Instance, false) }
                .Concat(JsonFields.Select((f, i) => new StructField(f, types[i]))));
        var rows = objects.Select(r =>
        {
            var values = new object?[JsonFields.Count + 2];
            values[0] = r.Partition;
            values[1] = r.Offset;
            for (var i = 0; i < JsonFields.Count; i++)
            {
                values[i + 2] = r.Json!.Value.TryGetProperty(JsonFields[i], out var v) ? Cell(v, types[i]) : null;
            }

            return new Row(schema, values);
        }).ToArray();
        return (schema, rows);
    }

    /// <summary>The summary, the notes and the messages as plain text.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Summary).Append('\n');
        foreach (var note in Notes) sb.Append("note: ").Append(note).Append('\n');
        foreach (var r in Records)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Partition}:{r.Offset} {r.Timestamp:yyyy-MM-dd HH:mm:ss.fff} key={r.Key ?? "null"} ")
                .Append(r.Error is { } e ? $"<undecodable: {e}>" : r.ValueText ?? "null").Append('\n');
        }

        return sb.ToString();
    }

    private static List<string> FieldsOf(IReadOnlyList<KafkaRecord> records)
    {
        var fields = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Json is not { ValueKind: JsonValueKind.Object } o) continue;
            foreach (var p in o.EnumerateObject())
            {
                if (seen.Add(p.Name)) fields.Add(p.Name);
            }
        }

        return fields;
    }

    private static DataType ColumnType(IEnumerable<JsonElement> values)
    {
        var kinds = values.Where(v => v.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)).ToArray();
        if (kinds.Length == 0) return StringType.Instance;
        if (kinds.All(v => v.ValueKind == JsonValueKind.Number))
            return kinds.All(v => v.TryGetInt64(out _)) ? LongType.Instance : DoubleType.Instance;
        if (kinds.All(v => v.ValueKind is JsonValueKind.True or JsonValueKind.False)) return BooleanType.Instance;
        return StringType.Instance;
    }

    private static object? Cell(JsonElement v, DataType type) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ when type is LongType => v.GetInt64(),
        _ when type is DoubleType => v.GetDouble(),
        _ when type is BooleanType => v.GetBoolean(),
        JsonValueKind.String => v.GetString(),
        _ => v.GetRawText(),
    };
}

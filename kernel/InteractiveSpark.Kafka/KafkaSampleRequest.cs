namespace InteractiveSpark.Kafka;

/// <summary>How message values (and keys) are decoded for display.</summary>
public enum KafkaValueFormat
{
    /// <summary>UTF-8 text (bytes that are not UTF-8 are reported as undecodable).</summary>
    String,

    /// <summary>JSON: each value parsed; objects also give a table of their fields.</summary>
    Json,

    /// <summary>Avro: with a Schema Registry (Confluent wire format) or a schema file (plain Avro binary or Confluent framing).</summary>
    Avro,

    /// <summary>Raw bytes, shown as hex.</summary>
    Bytes,
}

/// <summary>
/// What to read from a topic, as kcat's <c>-o</c> options do: the last <see cref="Last"/> messages of each partition
/// (the default), or from a time (<see cref="From"/>), or from one partition's offset (<see cref="Offset"/>).
/// </summary>
public sealed record KafkaSampleRequest
{
    /// <summary>The default number of messages per partition.</summary>
    public const int DefaultCount = 10;

    /// <summary>A request for <paramref name="topic"/>.</summary>
    public KafkaSampleRequest(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        Topic = topic.Trim();
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The last N messages of each partition (with <see cref="Key"/>: the last N with that key). Default 10.</summary>
    public int? Last { get; init; }

    /// <summary>Messages whose timestamp is at or after this time, up to <see cref="Count"/> per partition.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Messages from this partition and offset on, up to <see cref="Count"/>.</summary>
    public (int Partition, long Offset)? Offset { get; init; }

    /// <summary>How many messages per partition with <see cref="From"/> and <see cref="Offset"/> (default 10).</summary>
    public int? Count { get; init; }

    /// <summary>Only this partition.</summary>
    public int? Partition { get; init; }

    /// <summary>Only messages whose key (as UTF-8 text) equals this.</summary>
    public string? Key { get; init; }

    /// <summary>How many messages per partition at most are scanned to find <see cref="Key"/> (default 100,000).</summary>
    public int ScanLimit { get; init; } = 100_000;

    /// <summary>How values are decoded (default <see cref="KafkaValueFormat.String"/>).</summary>
    public KafkaValueFormat Format { get; init; } = KafkaValueFormat.String;

    /// <summary>The Schema Registry URL for <see cref="KafkaValueFormat.Avro"/> values in Confluent's wire format.</summary>
    public string? SchemaRegistryUrl { get; init; }

    /// <summary>An Avro schema file (.avsc) for <see cref="KafkaValueFormat.Avro"/> values without a registry.</summary>
    public string? AvroSchemaFile { get; init; }

    /// <summary>The longest the whole read may take; what was read by then is returned with a note.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The number of messages per partition this request asks for.</summary>
    public int PerPartition => Last ?? Count ?? DefaultCount;

    /// <summary>Throws <see cref="KafkaSampleException"/> with what is wrong, if anything.</summary>
    public void Validate()
    {
        var starts = (Last is not null ? 1 : 0) + (From is not null ? 1 : 0) + (Offset is not null ? 1 : 0);
        if (starts > 1) throw new KafkaSampleException("Give one of --last N, --from TIME or --offset P:O.");
        if (PerPartition <= 0) throw new KafkaSampleException($"The number of messages must be positive (got {PerPartition}).");
        if (Offset is { } o && (o.Partition < 0 || o.Offset < 0)) throw new KafkaSampleException($"--offset takes PARTITION:OFFSET with both ≥ 0 (got {o.Partition}:{o.Offset}).");
        if (Offset is { } p && Partition is { } q && p.Partition != q) throw new KafkaSampleException($"--offset names partition {p.Partition} but --partition {q}.");
        if (Partition is < 0) throw new KafkaSampleException($"--partition must be ≥ 0 (got {Partition}).");
        if (Format == KafkaValueFormat.Avro && SchemaRegistryUrl is null && AvroSchemaFile is null)
            throw new KafkaSampleException("--format avro needs --schema-registry URL or --avro-schema FILE.");
        if (Format != KafkaValueFormat.Avro && (SchemaRegistryUrl is not null || AvroSchemaFile is not null))
            throw new KafkaSampleException("--schema-registry and --avro-schema go with --format avro.");
        if (AvroSchemaFile is { } f && !File.Exists(f)) throw new KafkaSampleException($"No Avro schema file at {Path.GetFullPath(f)}.");
        if (Timeout <= TimeSpan.Zero) throw new KafkaSampleException("The timeout must be positive.");
    }
}

/// <summary>A Kafka sample could not be taken: the message says why and what to do.</summary>
public sealed class KafkaSampleException : Exception
{
    /// <summary>An error with a message for the user.</summary>
    public KafkaSampleException(string message) : base(message) { }

    /// <summary>An error with a message for the user and its cause.</summary>
    public KafkaSampleException(string message, Exception inner) : base(message, inner) { }
}

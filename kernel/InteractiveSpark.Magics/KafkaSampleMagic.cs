using System.Globalization;
using InteractiveSpark.Kafka;

namespace InteractiveSpark.Magics;

/// <summary>
/// <c>#!kafka-sample --bootstrap B --topic T [--last N | --from TIME | --offset P:O] ...</c>: what it takes (declared
/// once for every host), the sample it asks for, and the C# variable it fills.
/// </summary>
public sealed class KafkaSampleMagic
{
    /// <summary>The magic as typed.</summary>
    public const string Name = "#!kafka-sample";

    /// <summary>What it does, as front ends describe it.</summary>
    public const string Description =
        "Shows messages of a Kafka topic (like kcat -C): the last N of each partition, from a time or an offset, by key; joins no consumer group and commits nothing";

    /// <summary>The C# variable the sample goes to unless <c>--variable</c> names another.</summary>
    public const string DefaultVariable = "kafkaSample";

    private KafkaSampleMagic(KafkaConnection connection, KafkaSampleRequest request, string variable)
    {
        Connection = connection;
        Request = request;
        Variable = variable;
    }

    /// <summary>The options, declared once for every host.</summary>
    public static IReadOnlyList<MagicOption> Options { get; } =
    [
        new("--topic", "The topic") { IsRequired = true },
        new("--last", "The last N messages of each partition (default 10)"),
        new("--from", "Messages from this time on: ISO 8601 (2026-11-01T00:00Z) or an age (-15m, -2h, -1d)"),
        new("--offset", "Messages from PARTITION:OFFSET on"),
        new("--count", "How many messages per partition with --from or --offset (default 10)"),
        new("--partition", "Only this partition"),
        new("--key", "Only messages with this key (UTF-8 text)"),
        new("--format", "How values are decoded: string (default), json, avro, bytes") { Completions = ["string", "json", "avro", "bytes"] },
        new("--schema-registry", "Schema Registry URL, for --format avro"),
        new("--avro-schema", "An Avro schema file (.avsc), for --format avro without a registry"),
        new("--variable", "The C# variable that gets the result (default kafkaSample)"),
        .. KafkaConnectionOptions.For(bootstrapRequired: true),
    ];

    /// <summary>The usage line of <c>-h</c>.</summary>
    public static string Usage => $"{Name} --bootstrap host:port --topic T [--last N | --from TIME | --offset P:O] [options]";

    /// <summary>The brokers and how to reach them.</summary>
    public KafkaConnection Connection { get; }

    /// <summary>What to read.</summary>
    public KafkaSampleRequest Request { get; }

    /// <summary>The C# variable that gets the sample.</summary>
    public string Variable { get; }

    /// <summary>Reads the magic's values; a mistake is a <see cref="SparkMagicException"/> that says what to change.</summary>
    public static KafkaSampleMagic Parse(IMagicValues values, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrWhiteSpace(values.Value("--bootstrap")))
        {
            throw new SparkMagicException($"{Name} needs --bootstrap host:port.");
        }

        if (values.Value("--topic") is not { } topic || string.IsNullOrWhiteSpace(topic))
        {
            throw new SparkMagicException($"{Name} needs --topic.");
        }

        var variable = values.Value("--variable")?.Trim() is { Length: > 0 } v ? v : DefaultVariable;
        if (!CSharpNames.IsVariableName(variable))
        {
            throw new SparkMagicException($"--variable '{MagicText.Shown(variable)}' cannot be a C# variable name: use letters, digits and _ (not starting with a digit, not a keyword).");
        }

        var request = new KafkaSampleRequest(topic)
        {
            Last = values.Value("--last") is { } l ? MagicValues.Count(l, "--last") : null,
            From = values.Value("--from") is { } f ? MagicValues.Time(f, now, "--from") : null,
            Offset = values.Value("--offset") is { } o ? PartitionOffset(o) : null,
            Count = values.Value("--count") is { } n ? MagicValues.Count(n, "--count") : null,
            Partition = values.Value("--partition") is { } p ? MagicValues.Count(p, "--partition") : null,
            Key = values.Value("--key"),
            Format = Format(values.Value("--format")),
            SchemaRegistryUrl = values.Value("--schema-registry"),
            AvroSchemaFile = values.Value("--avro-schema"),
        };
        try
        {
            request.Validate();
        }
        catch (KafkaSampleException e)
        {
            throw new SparkMagicException(e.Message, e);
        }

        return new KafkaSampleMagic(KafkaConnectionOptions.Connection(values, values.Value("--bootstrap")!), request, variable);
    }

    /// <summary>How values are decoded, from <c>--format</c> (string when not given).</summary>
    public static KafkaValueFormat Format(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "string" => KafkaValueFormat.String,
        "json" => KafkaValueFormat.Json,
        "avro" => KafkaValueFormat.Avro,
        "bytes" => KafkaValueFormat.Bytes,
        _ => throw new SparkMagicException($"--format takes string, json, avro or bytes (got '{MagicText.Shown(text)}')."),
    };

    /// <summary>Reads the sample (no consumer group, nothing committed); Kafka's refusals are <see cref="KafkaSampleException"/>s.</summary>
    public Task<KafkaSample> RunAsync(CancellationToken cancellationToken = default) =>
        new KafkaSampler(Connection).SampleAsync(Request, cancellationToken);

    private static (int, long) PartitionOffset(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var o))
        {
            return (p, o);
        }

        throw new SparkMagicException($"--offset takes PARTITION:OFFSET, e.g. 0:1500 (got '{MagicText.Shown(text)}').");
    }
}

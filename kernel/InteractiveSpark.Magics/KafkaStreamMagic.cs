using InteractiveSpark.Kafka;

namespace InteractiveSpark.Magics;

/// <summary>
/// <c>#!kafka-stream --session S --topic T [...]</c> or <c>#!kafka-stream --session S --stop</c>: what it takes (declared
/// once for every host) and the preview it asks for; <see cref="KafkaStreamPreviews"/> runs it.
/// </summary>
public sealed class KafkaStreamMagic
{
    /// <summary>The magic as typed.</summary>
    public const string Name = "#!kafka-stream";

    /// <summary>What it does, as front ends describe it.</summary>
    public const string Description =
        "A Spark structured-streaming preview of a Kafka topic on a session: the latest rows and a rows/s chart, updated in place until the cell is interrupted, --max-duration, or #!kafka-stream --stop";

    /// <summary>How long a preview runs unless <c>--max-duration</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromMinutes(10);

    private KafkaStreamMagic(string session, KafkaStreamOptions? stream, TimeSpan maxDuration)
    {
        Session = session;
        Stream = stream;
        MaxDuration = maxDuration;
    }

    /// <summary>The options, declared once for every host.</summary>
    public static IReadOnlyList<MagicOption> Options { get; } =
    [
        new("--session", "The Spark session (its driver reads the topic)") { IsRequired = true, IsSessionName = true },
        new("--topic", "The topic"),
        new("--format", "string (default) or json (with --schema)") { Completions = ["string", "json"] },
        new("--schema", "For json: the value's fields as Spark DDL, e.g. \"user STRING, amount DOUBLE\""),
        new("--starting-offsets", "latest (default: new messages) or earliest") { Completions = ["latest", "earliest"] },
        new("--rows", "How many of the latest rows to show (default 20)"),
        new("--max-duration", "How long the preview runs at most, e.g. 30s, 10m (default), 1h"),
        new("--stop", "Stop this notebook's previews on the session (and any left running)") { IsFlag = true },
        .. KafkaConnectionOptions.For(bootstrapRequired: false),
    ];

    /// <summary>The usage line of <c>-h</c>.</summary>
    public static string Usage => $"{Name} --session S --topic T [--format json --schema DDL] [options], or {Name} --session S --stop";

    /// <summary>The session whose driver reads the topic.</summary>
    public string Session { get; }

    /// <summary>What to preview; null for <c>--stop</c>.</summary>
    public KafkaStreamOptions? Stream { get; }

    /// <summary>Whether the line stops the session's previews.</summary>
    public bool Stop => Stream is null;

    /// <summary>How long the preview runs at most.</summary>
    public TimeSpan MaxDuration { get; }

    /// <summary>
    /// Reads the magic's values; <paramref name="lastBootstrap"/> is the brokers of the notebook's last
    /// <c>#!kafka-sample</c>, taken when <c>--bootstrap</c> is not given. A mistake is a <see cref="SparkMagicException"/>.
    /// </summary>
    public static KafkaStreamMagic Parse(IMagicValues values, string? lastBootstrap)
    {
        ArgumentNullException.ThrowIfNull(values);
        var session = values.Value("--session")?.Trim() ?? "";
        if (session.Length == 0)
        {
            throw new SparkMagicException($"{Name} needs --session, the Spark session whose driver reads the topic.");
        }

        if (values.Flag("--stop"))
        {
            return new KafkaStreamMagic(session, null, DefaultMaxDuration);
        }

        if (values.Value("--topic") is not { } topic || string.IsNullOrWhiteSpace(topic))
        {
            throw new SparkMagicException($"{Name} needs --topic (or --stop).");
        }

        var bootstrap = values.Value("--bootstrap") ?? lastBootstrap
            ?? throw new SparkMagicException($"{Name} needs --bootstrap host:port (as the Spark driver reaches the brokers).");
        var stream = new KafkaStreamOptions(KafkaConnectionOptions.Connection(values, bootstrap), topic)
        {
            Format = KafkaSampleMagic.Format(values.Value("--format")),
            Schema = values.Value("--schema"),
            StartingOffsets = values.Value("--starting-offsets")?.Trim().ToLowerInvariant() ?? "latest",
            Rows = values.Value("--rows") is { } r ? MagicValues.Count(r, "--rows") : 20,
        };
        try
        {
            stream.Validate();
        }
        catch (KafkaSampleException e)
        {
            throw new SparkMagicException(e.Message, e);
        }

        var maxDuration = values.Value("--max-duration") is { } d ? MagicValues.Duration(d, "--max-duration") : DefaultMaxDuration;
        return new KafkaStreamMagic(session, stream, maxDuration);
    }
}

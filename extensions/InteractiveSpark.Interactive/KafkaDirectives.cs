using System.Globalization;
using InteractiveSpark.Kafka;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;

namespace InteractiveSpark.Interactive;

/// <summary>The security options both Kafka magics take (librdkafka's names, as kcat's -X takes them).</summary>
public abstract class KafkaSecurityCommand : KernelDirectiveCommand
{
    /// <summary><c>--bootstrap</c>: host:port[,host:port].</summary>
    public string? Bootstrap { get; set; }

    /// <summary><c>--security-protocol</c>: plaintext, ssl, sasl_plaintext, sasl_ssl.</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>--sasl-mechanism</c>.</summary>
    public string? SaslMechanism { get; set; }

    /// <summary><c>--sasl-username</c>.</summary>
    public string? SaslUsername { get; set; }

    /// <summary><c>--sasl-password</c> (never shown).</summary>
    public string? SaslPassword { get; set; }

    /// <summary><c>--ssl-ca</c>: CA certificates (PEM file).</summary>
    public string? SslCa { get; set; }

    /// <summary><c>--ssl-cert</c>: client certificate (PEM file).</summary>
    public string? SslCert { get; set; }

    /// <summary><c>--ssl-key</c>: client key (PEM file).</summary>
    public string? SslKey { get; set; }

    /// <summary><c>--ssl-key-password</c> (never shown).</summary>
    public string? SslKeyPassword { get; set; }

    /// <summary><c>--timeout</c>: how long to wait for the cluster, e.g. 10s.</summary>
    public string? Timeout { get; set; }

    internal KafkaConnection Connection(string bootstrap) => new(bootstrap)
    {
        SecurityProtocol = SecurityProtocol,
        SaslMechanism = SaslMechanism,
        SaslUsername = SaslUsername,
        SaslPassword = SaslPassword,
        SslCaLocation = SslCa,
        SslCertificateLocation = SslCert,
        SslKeyLocation = SslKey,
        SslKeyPassword = SslKeyPassword,
        Timeout = Timeout is { } t ? KafkaDirectives.Duration(t, "--timeout") : TimeSpan.FromSeconds(10),
    };
}

/// <summary><c>#!kafka-sample</c>, bound by .NET Interactive.</summary>
public sealed class KafkaSampleCommand : KafkaSecurityCommand
{
    /// <summary><c>--topic</c>.</summary>
    public string? Topic { get; set; }

    /// <summary><c>--last</c>: N per partition.</summary>
    public string? Last { get; set; }

    /// <summary><c>--from</c>: a time (ISO 8601) or an age (-15m, -2h, -1d).</summary>
    public string? From { get; set; }

    /// <summary><c>--offset</c>: PARTITION:OFFSET.</summary>
    public string? Offset { get; set; }

    /// <summary><c>--count</c>: messages per partition with --from / --offset.</summary>
    public string? Count { get; set; }

    /// <summary><c>--partition</c>.</summary>
    public string? Partition { get; set; }

    /// <summary><c>--key</c>.</summary>
    public string? Key { get; set; }

    /// <summary><c>--format</c>: string, json, avro, bytes.</summary>
    public string? Format { get; set; }

    /// <summary><c>--schema-registry</c>: URL.</summary>
    public string? SchemaRegistry { get; set; }

    /// <summary><c>--avro-schema</c>: a .avsc file.</summary>
    public string? AvroSchema { get; set; }

    /// <summary><c>--variable</c>: the C# variable for the result (default kafkaSample).</summary>
    public string? Variable { get; set; }
}

/// <summary><c>#!kafka-stream</c>, bound by .NET Interactive.</summary>
public sealed class KafkaStreamCommand : KafkaSecurityCommand
{
    /// <summary><c>--session</c>: the Spark session.</summary>
    public string? Session { get; set; }

    /// <summary><c>--topic</c>.</summary>
    public string? Topic { get; set; }

    /// <summary><c>--format</c>: string or json.</summary>
    public string? Format { get; set; }

    /// <summary><c>--schema</c>: the json value's fields as Spark DDL.</summary>
    public string? Schema { get; set; }

    /// <summary><c>--starting-offsets</c>: latest or earliest.</summary>
    public string? StartingOffsets { get; set; }

    /// <summary><c>--rows</c>: how many of the latest rows to show.</summary>
    public string? Rows { get; set; }

    /// <summary><c>--max-duration</c>: how long at most (default 10m).</summary>
    public string? MaxDuration { get; set; }

    /// <summary><c>--stop</c>: stop the session's previews instead of starting one.</summary>
    public bool Stop { get; set; }
}

/// <summary>The declarations of <c>#!kafka-sample</c> and <c>#!kafka-stream</c> and the parsing of their values.</summary>
internal static class KafkaDirectives
{
    public const string SampleName = "#!kafka-sample";
    public const string StreamName = "#!kafka-stream";

    public static KernelActionDirective Sample()
    {
        var d = new KernelActionDirective(SampleName)
        {
            Description = "Shows messages of a Kafka topic (like kcat -C): the last N of each partition, from a time or an offset, by key; joins no consumer group and commits nothing",
        };
        d.Parameters.Add(new KernelDirectiveParameter("--topic", "The topic") { Required = true });
        d.Parameters.Add(new KernelDirectiveParameter("--last", "The last N messages of each partition (default 10)"));
        d.Parameters.Add(new KernelDirectiveParameter("--from", "Messages from this time on: ISO 8601 (2026-11-01T00:00Z) or an age (-15m, -2h, -1d)"));
        d.Parameters.Add(new KernelDirectiveParameter("--offset", "Messages from PARTITION:OFFSET on"));
        d.Parameters.Add(new KernelDirectiveParameter("--count", "How many messages per partition with --from or --offset (default 10)"));
        d.Parameters.Add(new KernelDirectiveParameter("--partition", "Only this partition"));
        d.Parameters.Add(new KernelDirectiveParameter("--key", "Only messages with this key (UTF-8 text)"));
        d.Parameters.Add(new KernelDirectiveParameter("--format", "How values are decoded: string (default), json, avro, bytes").AddCompletions(() => ["string", "json", "avro", "bytes"]));
        d.Parameters.Add(new KernelDirectiveParameter("--schema-registry", "Schema Registry URL, for --format avro"));
        d.Parameters.Add(new KernelDirectiveParameter("--avro-schema", "An Avro schema file (.avsc), for --format avro without a registry"));
        d.Parameters.Add(new KernelDirectiveParameter("--variable", "The C# variable that gets the result (default kafkaSample)"));
        AddConnection(d, bootstrapRequired: true);
        return d;
    }

    public static KernelActionDirective Stream(Func<IEnumerable<string>> sessionNames)
    {
        var d = new KernelActionDirective(StreamName)
        {
            Description = "A Spark structured-streaming preview of a Kafka topic on a session: the latest rows and a rows/s chart, updated in place until the cell is interrupted, --max-duration, or #!kafka-stream --stop",
        };
        d.Parameters.Add(new KernelDirectiveParameter("--session", "The Spark session (its driver reads the topic)") { Required = true }.AddCompletions(sessionNames));
        d.Parameters.Add(new KernelDirectiveParameter("--topic", "The topic"));
        d.Parameters.Add(new KernelDirectiveParameter("--format", "string (default) or json (with --schema)").AddCompletions(() => ["string", "json"]));
        d.Parameters.Add(new KernelDirectiveParameter("--schema", "For json: the value's fields as Spark DDL, e.g. \"user STRING, amount DOUBLE\""));
        d.Parameters.Add(new KernelDirectiveParameter("--starting-offsets", "latest (default: new messages) or earliest").AddCompletions(() => ["latest", "earliest"]));
        d.Parameters.Add(new KernelDirectiveParameter("--rows", "How many of the latest rows to show (default 20)"));
        d.Parameters.Add(new KernelDirectiveParameter("--max-duration", "How long the preview runs at most, e.g. 30s, 10m (default), 1h"));
        d.Parameters.Add(new KernelDirectiveParameter("--stop", "Stop this notebook's previews on the session (and any left running)") { Flag = true });
        AddConnection(d, bootstrapRequired: false);
        return d;
    }

    private static void AddConnection(KernelActionDirective d, bool bootstrapRequired)
    {
        d.Parameters.Add(new KernelDirectiveParameter("--bootstrap", bootstrapRequired
            ? "The brokers, host:port[,host:port]"
            : "The brokers as the Spark driver reaches them (default: the last #!kafka-sample --bootstrap)"));
        d.Parameters.Add(new KernelDirectiveParameter("--security-protocol", "plaintext (default), ssl, sasl_plaintext, sasl_ssl").AddCompletions(() => ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]));
        d.Parameters.Add(new KernelDirectiveParameter("--sasl-mechanism", "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI"));
        d.Parameters.Add(new KernelDirectiveParameter("--sasl-username", "SASL user"));
        d.Parameters.Add(new KernelDirectiveParameter("--sasl-password", "SASL password (use @password or @csharp:variable; never shown)"));
        d.Parameters.Add(new KernelDirectiveParameter("--ssl-ca", "CA certificates (PEM file) that signed the brokers' certificates"));
        d.Parameters.Add(new KernelDirectiveParameter("--ssl-cert", "Client certificate (PEM file) for mutual TLS"));
        d.Parameters.Add(new KernelDirectiveParameter("--ssl-key", "Client key (PEM file) for mutual TLS"));
        d.Parameters.Add(new KernelDirectiveParameter("--ssl-key-password", "Password of --ssl-key (never shown)"));
        d.Parameters.Add(new KernelDirectiveParameter("--timeout", "How long to wait for the cluster (default 10s)"));
    }

    /// <summary>The request of a <c>#!kafka-sample</c> line; throws <see cref="KafkaSampleException"/> on a bad value.</summary>
    public static KafkaSampleRequest Request(KafkaSampleCommand c, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(c.Topic)) throw new KafkaSampleException("#!kafka-sample needs --topic.");
        var request = new KafkaSampleRequest(c.Topic)
        {
            Last = c.Last is { } l ? Int(l, "--last") : null,
            From = c.From is { } f ? Time(f, now) : null,
            Offset = c.Offset is { } o ? PartitionOffset(o) : null,
            Count = c.Count is { } n ? Int(n, "--count") : null,
            Partition = c.Partition is { } p ? Int(p, "--partition") : null,
            Key = c.Key,
            Format = Format(c.Format),
            SchemaRegistryUrl = c.SchemaRegistry,
            AvroSchemaFile = c.AvroSchema,
        };
        request.Validate();
        return request;
    }

    public static KafkaValueFormat Format(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "string" => KafkaValueFormat.String,
        "json" => KafkaValueFormat.Json,
        "avro" => KafkaValueFormat.Avro,
        "bytes" => KafkaValueFormat.Bytes,
        var other => throw new KafkaSampleException($"--format takes string, json, avro or bytes (got '{other}')."),
    };

    public static int Int(string text, string name) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new KafkaSampleException($"{name} takes a whole number ≥ 0 (got '{text}').");

    private static (int, long) PartitionOffset(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var o))
        {
            return (p, o);
        }

        throw new KafkaSampleException($"--offset takes PARTITION:OFFSET, e.g. 0:1500 (got '{text}').");
    }

    /// <summary>An ISO 8601 time (UTC unless it says otherwise) or an age such as -15m.</summary>
    public static DateTimeOffset Time(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        if (t.StartsWith('-') && char.IsAsciiLetter(t[^1]) && Core.Duration.TryParse(t[1..], out var age))
        {
            return now - age;
        }

        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new KafkaSampleException($"--from takes a time such as 2026-11-01T08:00Z or an age such as -15m, -2h, -1d (got '{text}').");
    }

    /// <summary>A positive duration in <see cref="Core.Duration"/>'s grammar (30s, 10m, 1h, a number of seconds).</summary>
    public static TimeSpan Duration(string text, string name) =>
        Core.Duration.TryParse(text, out var d) && d > TimeSpan.Zero
            ? d
            : throw new KafkaSampleException($"{name} takes a duration such as 30s, 10m or 1h (got '{text}').");
}

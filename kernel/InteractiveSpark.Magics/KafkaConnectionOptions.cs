using InteractiveSpark.Kafka;

namespace InteractiveSpark.Magics;

/// <summary>The brokers and security options both Kafka magics take (librdkafka's names, as kcat's -X takes them).</summary>
public static class KafkaConnectionOptions
{
    /// <summary>How long a Kafka magic waits for the cluster unless <c>--timeout</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The options, with <c>--bootstrap</c> described for a magic that needs it or one that can reuse the last.</summary>
    public static IReadOnlyList<MagicOption> For(bool bootstrapRequired) =>
    [
        new("--bootstrap", bootstrapRequired
            ? "The brokers, host:port[,host:port]"
            : "The brokers as the Spark driver reaches them (default: the last #!kafka-sample --bootstrap)"),
        new("--security-protocol", "plaintext (default), ssl, sasl_plaintext, sasl_ssl") { Completions = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"] },
        new("--sasl-mechanism", "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI"),
        new("--sasl-username", "SASL user"),
        new("--sasl-password", "SASL password (use @password or @csharp:variable; never shown)"),
        new("--ssl-ca", "CA certificates (PEM file) that signed the brokers' certificates"),
        new("--ssl-cert", "Client certificate (PEM file) for mutual TLS"),
        new("--ssl-key", "Client key (PEM file) for mutual TLS"),
        new("--ssl-key-password", "Password of --ssl-key (never shown)"),
        new("--timeout", "How long to wait for the cluster (default 10s)"),
    ];

    /// <summary>The connection to <paramref name="bootstrap"/> with the security options of <paramref name="values"/>.</summary>
    public static KafkaConnection Connection(IMagicValues values, string bootstrap)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new KafkaConnection(bootstrap)
        {
            SecurityProtocol = values.Value("--security-protocol"),
            SaslMechanism = values.Value("--sasl-mechanism"),
            SaslUsername = values.Value("--sasl-username"),
            SaslPassword = values.Value("--sasl-password"),
            SslCaLocation = values.Value("--ssl-ca"),
            SslCertificateLocation = values.Value("--ssl-cert"),
            SslKeyLocation = values.Value("--ssl-key"),
            SslKeyPassword = values.Value("--ssl-key-password"),
            Timeout = values.Value("--timeout") is { } t ? MagicValues.Duration(t, "--timeout") : DefaultTimeout,
        };
    }
}

using Confluent.Kafka;

namespace InteractiveSpark.Kafka;

/// <summary>
/// Where a Kafka cluster is and how to authenticate to it: the bootstrap servers plus the usual security settings
/// (SASL and SSL, as librdkafka names them). Secrets are kept only to configure the client: <see cref="ToString"/>
/// and every message leave them out.
/// </summary>
public sealed record KafkaConnection
{
    /// <summary>A connection to <paramref name="bootstrapServers"/> (<c>host:port[,host:port...]</c>).</summary>
    public KafkaConnection(string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        BootstrapServers = bootstrapServers.Trim();
    }

    /// <summary>The bootstrap servers, <c>host:port[,host:port...]</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary><c>plaintext</c> (default), <c>ssl</c>, <c>sasl_plaintext</c> or <c>sasl_ssl</c>; null: derived from the other settings.</summary>
    public string? SecurityProtocol { get; init; }

    /// <summary><c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, <c>OAUTHBEARER</c> or <c>GSSAPI</c>.</summary>
    public string? SaslMechanism { get; init; }

    /// <summary>The SASL user name.</summary>
    public string? SaslUsername { get; init; }

    /// <summary>The SASL password (never shown).</summary>
    public string? SaslPassword { get; init; }

    /// <summary>A PEM file of the CA certificates that signed the brokers' certificates.</summary>
    public string? SslCaLocation { get; init; }

    /// <summary>The client's certificate (PEM), for mutual TLS.</summary>
    public string? SslCertificateLocation { get; init; }

    /// <summary>The client's private key (PEM), for mutual TLS.</summary>
    public string? SslKeyLocation { get; init; }

    /// <summary>The password of <see cref="SslKeyLocation"/> (never shown).</summary>
    public string? SslKeyPassword { get; init; }

    /// <summary>Any other librdkafka setting (e.g. <c>ssl.endpoint.identification.algorithm=none</c>); applied last.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for the cluster to answer before saying it cannot be reached.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The security protocol in effect: the one given, else SASL/SSL as the settings imply, else plaintext.</summary>
    public string EffectiveSecurityProtocol =>
        SecurityProtocol?.Trim().ToLowerInvariant()
        ?? (SaslMechanism is not null || SaslUsername is not null
            ? (SslCaLocation is not null ? "sasl_ssl" : "sasl_plaintext")
            : (SslCaLocation is not null || SslCertificateLocation is not null ? "ssl" : "plaintext"));

    /// <summary>Fills a librdkafka configuration with these settings.</summary>
    internal void Apply(ClientConfig config)
    {
        config.BootstrapServers = BootstrapServers;
        config.SecurityProtocol = EffectiveSecurityProtocol switch
        {
            "plaintext" => Confluent.Kafka.SecurityProtocol.Plaintext,
            "ssl" => Confluent.Kafka.SecurityProtocol.Ssl,
            "sasl_plaintext" => Confluent.Kafka.SecurityProtocol.SaslPlaintext,
            "sasl_ssl" => Confluent.Kafka.SecurityProtocol.SaslSsl,
            var other => throw new KafkaSampleException(
                $"Unknown security protocol '{other}': use plaintext, ssl, sasl_plaintext or sasl_ssl."),
        };
        if (SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = mechanism.Trim().ToUpperInvariant() switch
            {
                "PLAIN" => Confluent.Kafka.SaslMechanism.Plain,
                "SCRAM-SHA-256" => Confluent.Kafka.SaslMechanism.ScramSha256,
                "SCRAM-SHA-512" => Confluent.Kafka.SaslMechanism.ScramSha512,
                "OAUTHBEARER" => Confluent.Kafka.SaslMechanism.OAuthBearer,
                "GSSAPI" => Confluent.Kafka.SaslMechanism.Gssapi,
                var other => throw new KafkaSampleException(
                    $"Unknown SASL mechanism '{other}': use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI."),
            };
        }

        if (SaslUsername is not null) config.SaslUsername = SaslUsername;
        if (SaslPassword is not null) config.SaslPassword = SaslPassword;
        // librdkafka reports a missing file as an OpenSSL error dump when the client is built: say it plainly first.
        foreach (var (what, path) in new[] { ("CA certificates", SslCaLocation), ("client certificate", SslCertificateLocation), ("client key", SslKeyLocation) })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new KafkaSampleException($"The {what} file '{path}' does not exist (a PEM file is expected).");
            }
        }

        if (SslCaLocation is not null) config.SslCaLocation = SslCaLocation;
        if (SslCertificateLocation is not null) config.SslCertificateLocation = SslCertificateLocation;
        if (SslKeyLocation is not null) config.SslKeyLocation = SslKeyLocation;
        if (SslKeyPassword is not null) config.SslKeyPassword = SslKeyPassword;

        // A cluster that does not answer fails fast instead of librdkafka's minute-long defaults.
        var ms = (int)Math.Clamp(Timeout.TotalMilliseconds, 1000, int.MaxValue);
        config.SocketConnectionSetupTimeoutMs = ms;
        config.SocketTimeoutMs = Math.Max(ms, 10_000);
        foreach (var (key, value) in Settings)
        {
            config.Set(key, value);
        }
    }

    /// <summary>The Spark Kafka source/sink options for this connection (<c>kafka.</c> + the same settings, for the JVM client).</summary>
    public IReadOnlyDictionary<string, string> ToSparkOptions()
    {
        var options = new Dictionary<string, string> { ["kafka.bootstrap.servers"] = BootstrapServers };
        var protocol = EffectiveSecurityProtocol;
        if (protocol != "plaintext") options["kafka.security.protocol"] = protocol.ToUpperInvariant();
        if (SaslMechanism is { } m) options["kafka.sasl.mechanism"] = m.ToUpperInvariant();
        if (SaslUsername is not null)
        {
            // The JVM client takes SASL credentials as a JAAS line.
            var module = SaslMechanism?.StartsWith("SCRAM", StringComparison.OrdinalIgnoreCase) == true
                ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
            options["kafka.sasl.jaas.config"] =
                $"{module} required username=\"{Escape(SaslUsername)}\" password=\"{Escape(SaslPassword ?? "")}\";";
        }

        if (SslCaLocation is not null)
        {
            options["kafka.ssl.truststore.type"] = "PEM";
            options["kafka.ssl.truststore.location"] = SslCaLocation;
        }

        return options;

        static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
    }

    /// <summary>The servers and the protocol; secrets are never part of it.</summary>
    public override string ToString() =>
        EffectiveSecurityProtocol == "plaintext" ? BootstrapServers : $"{BootstrapServers} ({EffectiveSecurityProtocol})";
}

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// How a <see cref="SparkSession"/> talks to its server: timeouts, retries, TLS pinning and channel limits.
/// The defaults suit a notebook talking to one Spark Connect server; every value can be changed.
/// </summary>
public sealed record SparkSessionOptions
{
    /// <summary>The options used when none are given.</summary>
    public static SparkSessionOptions Default { get; } = new();

    /// <summary>
    /// How long <see cref="SparkSession.ConnectAsync(SparkConnectionString, SparkSessionOptions?, CancellationToken)"/>
    /// waits for the server to answer (TCP connect, TLS, authentication and a version request, retries included).
    /// Default 30 seconds.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The deadline of each short request (analysis, config, interrupt, error details). Query execution streams
    /// have no deadline: they run as long as the query does and are bounded by their <see cref="CancellationToken"/>
    /// and by keepalive pings. Default 5 minutes, because analysing a plan may list many files.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long disposing the session waits for the server to release it before closing the channel anyway.
    /// Default 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The SHA-256 thumbprint (hex, colons and spaces ignored) of the one server certificate to accept.
    /// When set, the TLS handshake succeeds only against exactly that certificate, whoever signed it, so the
    /// token is never sent to anyone else (a gateway with a self-signed certificate, for example).
    /// When null, the system's trusted roots decide.
    /// </summary>
    public string? PinnedServerCertificateSha256 { get; init; }

    /// <summary>
    /// The largest message the client accepts. Arrow result batches can be large, so the default is 128 MiB.
    /// </summary>
    public int MaxReceiveMessageSize { get; init; } = 128 * 1024 * 1024;

    /// <summary>
    /// The largest message the client sends (plans with local data can be big). Default 128 MiB, the server's
    /// default inbound limit.
    /// </summary>
    public int MaxSendMessageSize { get; init; } = 128 * 1024 * 1024;

    /// <summary>
    /// How long a connection may stay silent before the client pings the server. Pings detect a dead connection
    /// during a long query (otherwise a stream could wait forever on a connection a NAT or proxy dropped).
    /// Default 5 minutes: Spark's gRPC server (grpc-java defaults) closes a connection whose client pings more
    /// often than that while it sends nothing (GOAWAY ENHANCE_YOUR_CALM, measured on 4.2.0). Any frame received
    /// counts as traffic, so a query that reports progress (every 2 s by default) is never pinged. A shorter delay
    /// (for a NAT that forgets idle connections sooner) still works: a closed connection is reattached, not re-run.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a keepalive ping may go unanswered before the connection is closed. Default 20 seconds.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How many times in a row a broken stream (or a transient failure of a short request) is retried before the
    /// error is raised. A successful response resets the count. Default 8.
    /// </summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>
    /// How long the server may refuse connections before an operation fails with "session lost" instead of being
    /// retried further. A refused connection means nothing listens on the server's port any more: its driver ended
    /// (crashed, killed, out of memory), and with it the session. Default 5 seconds (a user hears about it within
    /// seconds, not after every retry's backoff).
    /// </summary>
    public TimeSpan ServerGoneTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before the first retry; it doubles on each retry up to <see cref="MaxRetryBackoff"/>. Default 100 ms.</summary>
    public TimeSpan InitialRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two retries. Default 10 seconds.</summary>
    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After how many consumed responses the client tells the server it may free them (ReleaseExecute).
    /// Smaller frees server memory sooner; larger sends fewer requests. Default 16.
    /// </summary>
    public int ReleaseEveryResponses { get; init; } = 16;

    /// <summary>
    /// The largest piece of a result batch the client asks the server to send in one response (bytes), so that a row
    /// larger than <see cref="MaxReceiveMessageSize"/> still arrives: every execution allows Arrow batch chunking
    /// (<c>ResultChunkingOptions</c>) and the client puts the pieces back together. Null (the default) leaves the size to
    /// the server (<c>spark.connect.session.resultChunking.maxChunkSize</c>, which also caps this value).
    /// </summary>
    public long? ResultChunkSize { get; init; }

    /// <summary>
    /// Up to how many bytes of Arrow data <c>CreateDataFrameAsync</c> sends inline in the plan; larger local data is
    /// uploaded as cached artifacts in chunks (a <c>ChunkedCachedLocalRelation</c>). Null (the default) takes the
    /// server's <c>spark.sql.session.localRelationCacheThreshold</c>, as PySpark does.
    /// </summary>
    public long? LocalRelationCacheThreshold { get; init; }

    /// <summary>
    /// Where the session logs (connects, reattaches, failures; every line names the session id, none holds the token).
    /// Null (the default) logs nothing; a notebook or the <c>ispark</c> tool passes the product's Serilog-backed factory.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range, saying which.</summary>
    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentException($"SparkSessionOptions.{name} must be positive; got {value}.", name);
            }
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(RequestTimeout, nameof(RequestTimeout));
        Positive(CloseTimeout, nameof(CloseTimeout));
        Positive(KeepAlivePingDelay, nameof(KeepAlivePingDelay));
        Positive(KeepAlivePingTimeout, nameof(KeepAlivePingTimeout));
        Positive(InitialRetryBackoff, nameof(InitialRetryBackoff));
        Positive(MaxRetryBackoff, nameof(MaxRetryBackoff));
        Positive(ServerGoneTimeout, nameof(ServerGoneTimeout));
        if (MaxRetries < 0)
        {
            throw new ArgumentException($"SparkSessionOptions.MaxRetries must be 0 or more; got {MaxRetries}.", nameof(MaxRetries));
        }

        if (MaxReceiveMessageSize <= 0 || MaxSendMessageSize <= 0)
        {
            throw new ArgumentException("SparkSessionOptions message size limits must be positive.", nameof(MaxReceiveMessageSize));
        }

        if (ReleaseEveryResponses <= 0)
        {
            throw new ArgumentException(
                $"SparkSessionOptions.ReleaseEveryResponses must be positive; got {ReleaseEveryResponses}.", nameof(ReleaseEveryResponses));
        }

        if (ResultChunkSize is <= 0 || LocalRelationCacheThreshold is < 0)
        {
            throw new ArgumentException(
                "SparkSessionOptions.ResultChunkSize must be positive and LocalRelationCacheThreshold 0 or more.", nameof(ResultChunkSize));
        }

        if (PinnedServerCertificateSha256 is not null && NormalizeThumbprint(PinnedServerCertificateSha256).Length != 64)
        {
            throw new ArgumentException(
                "SparkSessionOptions.PinnedServerCertificateSha256 must be a SHA-256 thumbprint: 64 hex digits (colons and spaces allowed).",
                nameof(PinnedServerCertificateSha256));
        }
    }

    /// <summary>Upper-case hex digits only, so that "ab:cd" and "ABCD" compare equal.</summary>
    internal static string NormalizeThumbprint(string thumbprint) =>
        new(thumbprint.Where(Uri.IsHexDigit).Select(char.ToUpperInvariant).ToArray());
}

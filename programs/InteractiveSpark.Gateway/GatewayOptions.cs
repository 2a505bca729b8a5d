using System.Net;

namespace InteractiveSpark.Gateway;

/// <summary>
/// What the gateway does, from its command line and environment (the command line wins). Nothing here is a
/// credential an observer could use: the session token arrives only as its SHA-256 hash.
/// </summary>
public sealed partial record GatewayOptions
{
    /// <summary>Spark's default <c>spark.redaction.regex</c>: settings whose key matches are secrets.</summary>
    public const string DefaultSecretPattern = "(?i)secret|password|token|access[.]?key|credential|private[.]?key";

    /// <summary>The TLS port the gateway listens on (<c>--port</c>, <c>ISPARK_GATEWAY_PORT</c>); 0 picks a free one. Default 15443.</summary>
    public int Port { get; init; } = 15443;

    /// <summary>The address to bind (<c>--bind</c>, <c>ISPARK_GATEWAY_BIND</c>). Default all interfaces (a container's port).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The SHA-256 of the session token (32 bytes) (<c>ISPARK_GATEWAY_TOKEN_SHA256</c> hex, or <c>ISPARK_GATEWAY_TOKEN_SHA256_FILE</c>).</summary>
    public required byte[] TokenSha256 { get; init; }

    /// <summary>
    /// The secret Spark's web UIs (driver, standalone master, workers) ask for in the <c>X-Ispark-Ui-Secret</c> header
    /// (the driver image's <c>org.interactivespark.UiSecretFilter</c>), read from <c>--ui-secret-file</c>
    /// (<c>ISPARK_GATEWAY_UI_SECRET_FILE</c>); null when the UIs ask for none. The gateway adds it to what it forwards
    /// to a UI and to the workers' log pages, after the session token was checked.
    /// </summary>
    public string? UiSecret { get; init; }

    /// <summary>The session id written on every log line (<c>--session-id</c>, <c>ISPARK_SESSION_ID</c>).</summary>
    public string SessionId { get; init; } = "unnamed";

    /// <summary>The loopback port of the Spark Connect server (<c>--spark-port</c>, <c>ISPARK_GATEWAY_SPARK_PORT</c>). Default 15002.</summary>
    public int SparkPort { get; init; } = 15002;

    /// <summary>The loopback port of the Spark UI, or null for none (<c>--spark-ui-port</c>, <c>ISPARK_GATEWAY_SPARK_UI_PORT</c>, 0 = none). Default 4040.</summary>
    public int? SparkUiPort { get; init; } = 4040;

    /// <summary>
    /// The command that runs the Spark Connect server in the foreground (everything after <c>--</c>). When set, the
    /// gateway starts it as its child with a fresh random internal token in <c>SPARK_CONNECT_AUTHENTICATE_TOKEN</c>,
    /// captures its output as the driver log, and stops it on exit. When null, the gateway only proxies to
    /// <see cref="SparkPort"/> with <see cref="UpstreamToken"/>.
    /// </summary>
    public IReadOnlyList<string>? SparkCommand { get; init; }

    /// <summary>
    /// Proxy mode only: the internal token of the Spark Connect server (<c>ISPARK_GATEWAY_UPSTREAM_TOKEN_FILE</c>, or
    /// <c>ISPARK_GATEWAY_UPSTREAM_TOKEN</c> exported by an entrypoint script, never by the container's own environment).
    /// </summary>
    public string? UpstreamToken { get; init; }

    /// <summary>The driver's log file served on <c>/logs/driver</c> (<c>--driver-log</c>, <c>ISPARK_GATEWAY_DRIVER_LOG</c>). With a Spark command, its output is written here.</summary>
    public string? DriverLog { get; init; }

    /// <summary>A Spark standalone work folder (<c>app-*/&lt;executor id&gt;/stderr</c>) served on <c>/logs/executor/{id}</c> (<c>--executor-logs</c>, <c>ISPARK_GATEWAY_EXECUTOR_LOGS</c>).</summary>
    public string? ExecutorLogsDir { get; init; }

    /// <summary>
    /// A Spark standalone master's web UI on the cluster network, e.g. <c>http://10.0.0.5:8080</c> (<c>--master-ui</c>,
    /// <c>ISPARK_GATEWAY_MASTER_UI</c>). When set, <c>/logs/executor/{id}</c> asks the master (<c>/json</c>) for its
    /// workers and reads the executor's log from the worker that runs it (its web UI's <c>/log</c>), so executors on
    /// other hosts (Docker containers, Marathon tasks) are served without exposing any worker or Mesos UI.
    /// </summary>
    public Uri? MasterUi { get; init; }

    /// <summary>No authenticated request and none in flight for this long: stop Spark and exit (<c>--idle-timeout</c>, <c>ISPARK_GATEWAY_IDLE_TIMEOUT</c>, e.g. 30m, 90s, 2h; 0 = never). Default 30 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long Spark may take to answer its first request (<c>--spark-start-timeout</c>). Default 5 minutes.</summary>
    public TimeSpan SparkStartTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long Spark may take to stop after SIGTERM before it is killed. Default 20 seconds.</summary>
    public TimeSpan SparkStopTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>An extra file for the gateway's own JSON log lines (<c>--log-file</c>, <c>ISPARK_GATEWAY_LOG_FILE</c>).</summary>
    public string? LogFile { get; init; }

    /// <summary>Whether Spark's output is also copied to the gateway's standard error (the container's log). Default true.</summary>
    public bool SparkOutputToConsole { get; init; } = true;

    /// <summary>Config keys whose values never leave the gateway (<c>--secret-pattern</c>, <c>ISPARK_GATEWAY_SECRET_PATTERN</c>).</summary>
    public string SecretPattern { get; init; } = DefaultSecretPattern;

    /// <summary>DNS names put in the self-signed certificate (<c>--hostname</c>, repeatable; <c>ISPARK_GATEWAY_HOSTNAMES</c>, comma-separated). localhost is always there.</summary>
    public IReadOnlyList<string> HostNames { get; init; } = [];

    /// <summary>
    /// Job mode (<c>--job-dir DIR</c>, <c>ISPARK_GATEWAY_JOB_DIR</c>): no Spark behind the gateway; instead it waits for one
    /// notebook uploaded behind the token (<c>POST /job/start</c>), runs it with <see cref="JobCommand"/> <c>run ...
    /// --spark local</c> in this folder (<c>in/</c>, <c>out/</c>) and serves its progress and results (<see cref="JobEndpoints"/>).
    /// A restarted gateway starts waiting again: it never runs a notebook it was not given.
    /// </summary>
    public string? JobDir { get; init; }

    /// <summary>
    /// Receive mode (<c>--receive-session-files DIR</c>, <c>ISPARK_GATEWAY_RECEIVE_SESSION_FILES</c>): no Spark behind the
    /// gateway; it answers the pin challenge like a session's gateway, takes this session's settings from the launcher
    /// (<c>PUT /session/files</c>, behind the token, over the pinned connection) into this folder (files 0600), and exits 0.
    /// How a Marathon task gets its secrets without them being in its app definition (<see cref="SessionFilesEndpoint"/>).
    /// </summary>
    public string? SessionFilesDir { get; init; }

    /// <summary>Job mode: the <c>ispark</c> command that runs the notebook (<c>--job-command</c>, <c>ISPARK_GATEWAY_JOB_COMMAND</c>). Default <c>ispark</c>.</summary>
    public string JobCommand { get; init; } = "ispark";

    /// <summary>At most this many connections at once (<c>--max-connections</c>). Default 256.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>At most this many connections that have not yet presented the credential (<c>--max-unauthenticated-connections</c>). Default 32.</summary>
    public int MaxUnauthenticatedConnections { get; init; } = 32;

    /// <summary>An unauthenticated connection with nothing in flight for this long is closed (<c>--unauthenticated-idle-timeout</c>). Default 10 seconds.</summary>
    public TimeSpan UnauthenticatedIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Job mode: the largest notebook upload accepted, in bytes (<c>--max-job-upload</c>). Default 64 MiB.</summary>
    public long MaxJobUploadBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>At most this many log searches (<c>grep</c>) in flight at once, following ones included (<c>--max-greps</c>). Default 4.</summary>
    public int MaxConcurrentGreps { get; init; } = 4;

    /// <summary>How long one log search may scan before it answers with what it found (<c>--grep-time-budget</c>). Default 10 seconds.</summary>
    public TimeSpan GrepTimeBudget { get; init; } = TimeSpan.FromSeconds(10);
}

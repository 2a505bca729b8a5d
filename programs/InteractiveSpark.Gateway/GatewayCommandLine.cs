using System.Collections;
using System.CommandLine;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The gateway's flags, each with the environment variable read when it is absent and the description --help shows.
/// <see cref="GatewayOptions.Parse"/> reads and checks them.
/// </summary>
internal sealed class GatewayCommandLine(IDictionary environment)
{
    public Option<string?> Port { get; } = Flag(environment, "--port", "ISPARK_GATEWAY_PORT", "TLS port to listen on, 0 = any free one (default 15443)");

    public Option<string?> Bind { get; } = Flag(environment, "--bind", "ISPARK_GATEWAY_BIND", "Address to bind (default 0.0.0.0)");

    public Option<string?> TokenSha256 { get; } = Flag(environment, "--token-sha256", "ISPARK_GATEWAY_TOKEN_SHA256", "SHA-256 of the session token, 64 hex digits");

    public Option<string?> TokenSha256File { get; } = Flag(environment, "--token-sha256-file", "ISPARK_GATEWAY_TOKEN_SHA256_FILE", "A file holding that hash");

    public Option<string?> SessionId { get; } = Flag(environment, "--session-id", "ISPARK_SESSION_ID", "The session id written on every log line");

    public Option<string?> SparkPort { get; } = Flag(environment, "--spark-port", "ISPARK_GATEWAY_SPARK_PORT", "Spark Connect's loopback port (default 15002)");

    public Option<string?> SparkUiPort { get; } = Flag(environment, "--spark-ui-port", "ISPARK_GATEWAY_SPARK_UI_PORT", "The Spark UI's loopback port, 0 = none (default 4040)");

    public Option<string?> UpstreamTokenFile { get; } = Flag(environment, "--upstream-token-file", "ISPARK_GATEWAY_UPSTREAM_TOKEN_FILE", "Proxy mode: a file holding the Spark Connect server's token");

    public Option<string?> DriverLog { get; } = Flag(environment, "--driver-log", "ISPARK_GATEWAY_DRIVER_LOG", "The driver log served on /logs/driver");

    public Option<string?> ExecutorLogs { get; } = Flag(environment, "--executor-logs", "ISPARK_GATEWAY_EXECUTOR_LOGS", "A Spark standalone work folder served on /logs/executor/ID");

    public Option<string?> UiSecretFile { get; } = Flag(environment, "--ui-secret-file", "ISPARK_GATEWAY_UI_SECRET_FILE", "A file holding the secret Spark's UIs ask for in X-Ispark-Ui-Secret");

    public Option<string?> MasterUi { get; } = Flag(environment, "--master-ui", "ISPARK_GATEWAY_MASTER_UI", "A standalone master's web UI (http://HOST:PORT): executor logs are read from its workers");

    public Option<string?> IdleTimeout { get; } = Flag(environment, "--idle-timeout", "ISPARK_GATEWAY_IDLE_TIMEOUT", "Stop Spark and exit after this long without use, e.g. 30m, 90s, 0 = never (default 30m)");

    public Option<string?> SparkStartTimeout { get; } = Flag(environment, "--spark-start-timeout", "ISPARK_GATEWAY_SPARK_START_TIMEOUT", "How long Spark may take to answer its first request (default 5m)");

    public Option<string?> LogFile { get; } = Flag(environment, "--log-file", "ISPARK_GATEWAY_LOG_FILE", "Also write the gateway's JSON log lines to this file");

    public Option<string?> SecretPattern { get; } = Flag(environment, "--secret-pattern", "ISPARK_GATEWAY_SECRET_PATTERN", "A regular expression: config keys whose values never leave the gateway (default Spark's redaction pattern)");

    public Option<string[]> HostNames { get; } = new("--hostname")
    {
        Description = "A DNS name for the self-signed certificate, repeatable; localhost is always there [env: ISPARK_GATEWAY_HOSTNAMES, comma-separated, added]",
    };

    public Option<bool> QuietSpark { get; } = new("--quiet-spark") { Description = "Do not copy Spark's output to standard error (the container's log)" };

    public Option<string?> JobDir { get; } = Flag(environment, "--job-dir", "ISPARK_GATEWAY_JOB_DIR", "Job mode: no Spark; run one notebook uploaded behind the token with 'ispark run' in this folder");

    public Option<string?> ReceiveSessionFiles { get; } = Flag(environment, "--receive-session-files", "ISPARK_GATEWAY_RECEIVE_SESSION_FILES",
        "Receive mode: no Spark; take this session's settings from the launcher (PUT /session/files behind the token) into this folder, then exit 0");

    public Option<string?> JobCommand { get; } = Flag(environment, "--job-command", "ISPARK_GATEWAY_JOB_COMMAND", "Job mode: the ispark command (default ispark)");

    public Option<string?> MaxConnections { get; } = Flag(environment, "--max-connections", "ISPARK_GATEWAY_MAX_CONNECTIONS", "At most this many connections at once (default 256)");

    public Option<string?> MaxUnauthenticatedConnections { get; } = Flag(environment, "--max-unauthenticated-connections", "ISPARK_GATEWAY_MAX_UNAUTHENTICATED_CONNECTIONS",
        "At most this many connections that have not presented the token yet (default 32)");

    public Option<string?> UnauthenticatedIdleTimeout { get; } = Flag(environment, "--unauthenticated-idle-timeout", "ISPARK_GATEWAY_UNAUTHENTICATED_IDLE_TIMEOUT",
        "Close a connection without the token that has had nothing in flight for this long (default 10s)");

    public Option<string?> MaxJobUpload { get; } = Flag(environment, "--max-job-upload", "ISPARK_GATEWAY_MAX_JOB_UPLOAD", "Job mode: the largest notebook upload (default 64m)");

    public Option<string?> MaxGreps { get; } = Flag(environment, "--max-greps", "ISPARK_GATEWAY_MAX_GREPS", "At most this many log searches at once, following ones included (default 4)");

    public Option<string?> GrepTimeBudget { get; } = Flag(environment, "--grep-time-budget", "ISPARK_GATEWAY_GREP_TIME_BUDGET", "How long one log search may scan before it answers with what it found (default 10s)");

    /// <summary>Every flag (declared above: initializers run in order).</summary>
    public RootCommand Root => field ??= new RootCommand(
        "ispark-gateway [options] [-- SPARK-CONNECT-COMMAND ARGS...]: the one TLS port of a Spark session, guarded by its token. "
        + "With '-- COMMAND' the gateway starts Spark Connect itself with a fresh internal token; without it, it proxies to the server on --spark-port.")
    {
        Port, Bind, TokenSha256, TokenSha256File, SessionId, SparkPort, SparkUiPort, UpstreamTokenFile, DriverLog, ExecutorLogs,
        UiSecretFile, MasterUi, IdleTimeout, SparkStartTimeout, LogFile, SecretPattern, HostNames, QuietSpark, JobDir, JobCommand, ReceiveSessionFiles,
        MaxConnections, MaxUnauthenticatedConnections, UnauthenticatedIdleTimeout, MaxJobUpload, MaxGreps, GrepTimeBudget,
    };

    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    public string? Env(string name) => Env(environment, name);

    private static string? Env(IDictionary environment, string name) => environment[name] is string { Length: > 0 } value ? value : null;

    private static Option<string?> Flag(IDictionary environment, string name, string variable, string description) => new(name)
    {
        Description = $"{description} [env: {variable}]",
        HelpName = "value",
        DefaultValueFactory = _ => Env(environment, variable),
    };
}

using System.Collections;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InteractiveSpark.Core;

namespace InteractiveSpark.Gateway;

/// <summary>
/// What the gateway does, from its command line and environment (the command line wins). Nothing here is a
/// credential an observer could use: the session token arrives only as its SHA-256 hash.
/// </summary>
public sealed record GatewayOptions
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

    /// <summary>The usage text printed on a configuration error.</summary>
    public const string Usage = """
        usage: ispark-gateway [options] [-- SPARK-CONNECT-COMMAND ARGS...]
          --port N                TLS port to listen on (default 15443; ISPARK_GATEWAY_PORT)
          --bind ADDR             address to bind (default 0.0.0.0; ISPARK_GATEWAY_BIND)
          --token-sha256 HEX      SHA-256 of the session token (ISPARK_GATEWAY_TOKEN_SHA256)
          --token-sha256-file F   file holding that hash (ISPARK_GATEWAY_TOKEN_SHA256_FILE)
          --session-id ID         session id for the logs (ISPARK_SESSION_ID)
          --spark-port N          Spark Connect's loopback port (default 15002; ISPARK_GATEWAY_SPARK_PORT)
          --spark-ui-port N       Spark UI's loopback port, 0 = none (default 4040; ISPARK_GATEWAY_SPARK_UI_PORT)
          --upstream-token-file F proxy mode: the Spark Connect server's token (ISPARK_GATEWAY_UPSTREAM_TOKEN_FILE)
          --driver-log FILE       driver log served on /logs/driver (ISPARK_GATEWAY_DRIVER_LOG)
          --executor-logs DIR     Spark standalone work dir served on /logs/executor/ID (ISPARK_GATEWAY_EXECUTOR_LOGS)
          --ui-secret-file F      secret Spark's UIs ask for in X-Ispark-Ui-Secret (ISPARK_GATEWAY_UI_SECRET_FILE)
          --master-ui URL         standalone master web UI: executor logs read from its workers (ISPARK_GATEWAY_MASTER_UI)
          --idle-timeout T        stop after T without use, e.g. 30m, 90s, 0 = never (ISPARK_GATEWAY_IDLE_TIMEOUT)
          --spark-start-timeout T how long Spark may take to start (default 5m)
          --log-file FILE         also write the gateway's JSON logs here (ISPARK_GATEWAY_LOG_FILE)
          --hostname NAME         a DNS name for the certificate, repeatable (ISPARK_GATEWAY_HOSTNAMES)
          --quiet-spark           do not copy Spark's output to standard error
          --job-dir DIR           job mode: no Spark; run one uploaded notebook with 'ispark run' (ISPARK_GATEWAY_JOB_DIR)
          --job-command CMD       job mode: the ispark command (default ispark; ISPARK_GATEWAY_JOB_COMMAND)
        With '-- COMMAND', the gateway starts Spark Connect itself with a fresh internal token in
        SPARK_CONNECT_AUTHENTICATE_TOKEN; without it, it proxies to the server on --spark-port.
        """;

    /// <summary>Reads the options from the command line and an environment; throws <see cref="GatewayConfigurationException"/> saying what is wrong.</summary>
    public static GatewayOptions Parse(IReadOnlyList<string> args, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Env(string name) => environment[name] is string s && s.Length > 0 ? s : null;

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var hostNames = new List<string>();
        List<string>? command = null;
        var quietSpark = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                command = args.Skip(i + 1).ToList();
                if (command.Count == 0)
                {
                    throw new GatewayConfigurationException("Nothing follows '--': give the command that runs the Spark Connect server.");
                }

                break;
            }

            if (arg == "--quiet-spark")
            {
                quietSpark = true;
                continue;
            }

            if (arg is "-h" or "--help")
            {
                throw new GatewayConfigurationException("help");
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new GatewayConfigurationException($"Unknown or incomplete argument '{arg}'.");
            }

            var value = args[++i];
            if (arg == "--hostname")
            {
                hostNames.Add(value);
            }
            else
            {
                values[arg[2..]] = value;
            }
        }

        string? Get(string flag, string env) => values.TryGetValue(flag, out var v) ? v : Env(env);
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "port", "bind", "token-sha256", "token-sha256-file", "session-id", "spark-port", "spark-ui-port", "upstream-token-file",
            "driver-log", "executor-logs", "master-ui", "idle-timeout", "spark-start-timeout", "log-file", "secret-pattern",
            "job-dir", "job-command", "ui-secret-file",
        };
        foreach (var flag in values.Keys.Where(k => !known.Contains(k)))
        {
            throw new GatewayConfigurationException($"Unknown argument '--{flag}'.");
        }

        var hashText = Get("token-sha256", "ISPARK_GATEWAY_TOKEN_SHA256");
        var hashFile = Get("token-sha256-file", "ISPARK_GATEWAY_TOKEN_SHA256_FILE");
        if (hashText is null && hashFile is not null)
        {
            hashText = ReadFile(hashFile, "token hash");
        }

        if (hashText is null)
        {
            throw new GatewayConfigurationException(
                "No session token hash: set ISPARK_GATEWAY_TOKEN_SHA256 (64 hex digits, the SHA-256 of the session token) or ISPARK_GATEWAY_TOKEN_SHA256_FILE.");
        }

        var hash = ParseHash(hashText);

        var upstreamToken = Env("ISPARK_GATEWAY_UPSTREAM_TOKEN");
        var upstreamTokenFile = Get("upstream-token-file", "ISPARK_GATEWAY_UPSTREAM_TOKEN_FILE");
        if (upstreamTokenFile is not null)
        {
            upstreamToken = ReadFile(upstreamTokenFile, "upstream token");
        }

        if (command is not null && upstreamToken is not null)
        {
            throw new GatewayConfigurationException(
                "An upstream token was given with a Spark command: with '-- COMMAND' the gateway makes the internal token itself.");
        }

        var uiPort = ParsePort(Get("spark-ui-port", "ISPARK_GATEWAY_SPARK_UI_PORT") ?? "4040", "--spark-ui-port", allowZero: true);
        var envHostNames = Env("ISPARK_GATEWAY_HOSTNAMES");
        if (envHostNames is not null)
        {
            hostNames.AddRange(envHostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var pattern = Get("secret-pattern", "ISPARK_GATEWAY_SECRET_PATTERN") ?? DefaultSecretPattern;
        try
        {
            _ = new Regex(pattern);
        }
        catch (ArgumentException e)
        {
            throw new GatewayConfigurationException($"--secret-pattern is not a valid regular expression: {e.Message}");
        }

        var bindText = Get("bind", "ISPARK_GATEWAY_BIND");
        IPAddress bind = IPAddress.Any;
        if (bindText is not null && !IPAddress.TryParse(bindText, out bind!))
        {
            throw new GatewayConfigurationException($"--bind must be an IP address; got '{bindText}'.");
        }

        Uri? masterUi = null;
        if (Get("master-ui", "ISPARK_GATEWAY_MASTER_UI") is { } masterUiText
            && (!Uri.TryCreate(masterUiText, UriKind.Absolute, out masterUi) || masterUi.Scheme is not ("http" or "https")))
        {
            throw new GatewayConfigurationException($"--master-ui must be an http(s) URL such as http://10.0.0.5:8080; got '{masterUiText}'.");
        }

        var jobDir = Get("job-dir", "ISPARK_GATEWAY_JOB_DIR");
        if (jobDir is not null && (command is not null || upstreamToken is not null))
        {
            throw new GatewayConfigurationException("--job-dir runs a notebook, not Spark Connect: give no Spark command and no upstream token with it.");
        }

        return new GatewayOptions
        {
            JobDir = jobDir,
            JobCommand = Get("job-command", "ISPARK_GATEWAY_JOB_COMMAND") ?? "ispark",
            MasterUi = masterUi,
            UiSecret = Get("ui-secret-file", "ISPARK_GATEWAY_UI_SECRET_FILE") is { } uiSecretFile ? ReadFile(uiSecretFile, "UI secret") : null,
            Port = ParsePort(Get("port", "ISPARK_GATEWAY_PORT") ?? "15443", "--port", allowZero: true),
            BindAddress = bind,
            TokenSha256 = hash,
            SessionId = Get("session-id", "ISPARK_SESSION_ID") ?? "unnamed",
            SparkPort = ParsePort(Get("spark-port", "ISPARK_GATEWAY_SPARK_PORT") ?? "15002", "--spark-port", allowZero: false),
            SparkUiPort = uiPort == 0 ? null : uiPort,
            SparkCommand = command,
            UpstreamToken = upstreamToken,
            DriverLog = Get("driver-log", "ISPARK_GATEWAY_DRIVER_LOG"),
            ExecutorLogsDir = Get("executor-logs", "ISPARK_GATEWAY_EXECUTOR_LOGS"),
            IdleTimeout = ParseDuration(Get("idle-timeout", "ISPARK_GATEWAY_IDLE_TIMEOUT") ?? "30m", "--idle-timeout"),
            SparkStartTimeout = ParseDuration(Get("spark-start-timeout", "ISPARK_GATEWAY_SPARK_START_TIMEOUT") ?? "5m", "--spark-start-timeout"),
            LogFile = Get("log-file", "ISPARK_GATEWAY_LOG_FILE"),
            SparkOutputToConsole = !quietSpark,
            SecretPattern = pattern,
            HostNames = hostNames,
        };
    }

    /// <summary>Parses a 64-hex-digit SHA-256 (colons and spaces ignored).</summary>
    public static byte[] ParseHash(string text)
    {
        var hex = new string(text.Where(c => !char.IsWhiteSpace(c) && c != ':').ToArray());
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new GatewayConfigurationException("The session token hash must be a SHA-256: 64 hex digits.");
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>A duration in <see cref="Duration"/>'s grammar (90s, 30m, 2h, 1d, 500ms, seconds, hh:mm:ss). 0 means never (infinite).</summary>
    public static TimeSpan ParseDuration(string text, string name) =>
        !Duration.TryParse(text, out var value)
            ? throw new GatewayConfigurationException($"{name} must be a duration such as 90s, 30m or 2h; got '{text}'.")
            : value == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : value;

    private static int ParsePort(string text, string name, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw new GatewayConfigurationException($"{name} must be a port number; got '{text}'.");
        }

        return port;
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException($"Cannot read the {what} file '{path}': {e.Message}");
        }
    }
}

/// <summary>A configuration error: its message says what to set.</summary>
public sealed class GatewayConfigurationException(string message) : Exception(message);

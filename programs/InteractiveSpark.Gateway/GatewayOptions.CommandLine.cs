using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InteractiveSpark.Core;

namespace InteractiveSpark.Gateway;

// The gateway's command line, on System.CommandLine as the ispark CLI: every flag declared once with its environment
// variable (read when the flag is absent: a container's entrypoint sets variables, a test passes flags), --help
// generated from the declarations. Values stay strings here and are checked below, so that a bad value gets the
// product's own one-line message rather than the parser's (which names .NET types).
public sealed partial record GatewayOptions
{
    /// <summary>
    /// Reads the options from the command line and an environment (the command line wins); everything after <c>--</c>
    /// is the Spark Connect command. Throws <see cref="GatewayConfigurationException"/> saying what is wrong.
    /// </summary>
    /// <param name="args">The gateway's arguments.</param>
    /// <param name="environment">The variables to read; null reads the process's.</param>
    public static GatewayOptions Parse(IReadOnlyList<string> args, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var separator = IndexOf(args, "--");
        List<string>? command = null;
        if (separator >= 0)
        {
            command = args.Skip(separator + 1).ToList();
            if (command.Count == 0)
            {
                throw new GatewayConfigurationException("Nothing follows '--': give the command that runs the Spark Connect server.");
            }

            args = args.Take(separator).ToList();
        }

        var line = new GatewayCommandLine(environment);
        var parsed = line.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            throw new GatewayConfigurationException(parsed.Errors[0].Message);
        }

        string? Get(Option<string?> option) => parsed.GetValue(option) is { Length: > 0 } value ? value : null;

        var hashText = Get(line.TokenSha256);
        if (hashText is null && Get(line.TokenSha256File) is { } hashFile)
        {
            hashText = ReadFile(hashFile, "token hash");
        }

        if (hashText is null)
        {
            throw new GatewayConfigurationException(
                "No session token hash: set ISPARK_GATEWAY_TOKEN_SHA256 (64 hex digits, the SHA-256 of the session token) or ISPARK_GATEWAY_TOKEN_SHA256_FILE.");
        }

        // Never a flag: a token on a command line is readable by every user of the host (ps).
        var upstreamToken = environment["ISPARK_GATEWAY_UPSTREAM_TOKEN"] is string { Length: > 0 } exported ? exported : null;
        if (Get(line.UpstreamTokenFile) is { } upstreamTokenFile)
        {
            upstreamToken = ReadFile(upstreamTokenFile, "upstream token");
        }

        if (command is not null && upstreamToken is not null)
        {
            throw new GatewayConfigurationException(
                "An upstream token was given with a Spark command: with '-- COMMAND' the gateway makes the internal token itself.");
        }

        var hostNames = (parsed.GetValue(line.HostNames) ?? []).ToList();
        if (line.Env("ISPARK_GATEWAY_HOSTNAMES") is { } envHostNames)
        {
            hostNames.AddRange(envHostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var pattern = Get(line.SecretPattern) ?? DefaultSecretPattern;
        try
        {
            _ = new Regex(pattern);
        }
        catch (ArgumentException e)
        {
            throw new GatewayConfigurationException($"--secret-pattern is not a valid regular expression: {e.Message}");
        }

        var bind = IPAddress.Any;
        if (Get(line.Bind) is { } bindText && !IPAddress.TryParse(bindText, out bind!))
        {
            throw new GatewayConfigurationException($"--bind must be an IP address; got '{bindText}'.");
        }

        Uri? masterUi = null;
        if (Get(line.MasterUi) is { } masterUiText
            && (!Uri.TryCreate(masterUiText, UriKind.Absolute, out masterUi) || masterUi.Scheme is not ("http" or "https")))
        {
            throw new GatewayConfigurationException($"--master-ui must be an http(s) URL such as http://10.0.0.5:8080; got '{masterUiText}'.");
        }

        var jobDir = Get(line.JobDir);
        if (jobDir is not null && (command is not null || upstreamToken is not null))
        {
            throw new GatewayConfigurationException("--job-dir runs a notebook, not Spark Connect: give no Spark command and no upstream token with it.");
        }

        var receiveDir = Get(line.ReceiveSessionFiles);
        if (receiveDir is not null && (command is not null || upstreamToken is not null || jobDir is not null))
        {
            throw new GatewayConfigurationException("--receive-session-files only takes the session's settings: give no Spark command, upstream token or --job-dir with it.");
        }

        var uiPort = ParsePort(Get(line.SparkUiPort) ?? "4040", "--spark-ui-port", allowZero: true);
        return new GatewayOptions
        {
            JobDir = jobDir,
            SessionFilesDir = receiveDir,
            JobCommand = Get(line.JobCommand) ?? "ispark",
            MasterUi = masterUi,
            UiSecret = Get(line.UiSecretFile) is { } uiSecretFile ? ReadFile(uiSecretFile, "UI secret") : null,
            Port = ParsePort(Get(line.Port) ?? "15443", "--port", allowZero: true),
            BindAddress = bind,
            TokenSha256 = ParseHash(hashText),
            SessionId = Get(line.SessionId) ?? "unnamed",
            SparkPort = ParsePort(Get(line.SparkPort) ?? "15002", "--spark-port", allowZero: false),
            SparkUiPort = uiPort == 0 ? null : uiPort,
            SparkCommand = command,
            UpstreamToken = upstreamToken,
            DriverLog = Get(line.DriverLog),
            ExecutorLogsDir = Get(line.ExecutorLogs),
            IdleTimeout = ParseDuration(Get(line.IdleTimeout) ?? "30m", "--idle-timeout"),
            SparkStartTimeout = ParseDuration(Get(line.SparkStartTimeout) ?? "5m", "--spark-start-timeout"),
            LogFile = Get(line.LogFile),
            SparkOutputToConsole = !parsed.GetValue(line.QuietSpark),
            SecretPattern = pattern,
            HostNames = hostNames,
            MaxConnections = ParseCount(Get(line.MaxConnections) ?? "256", "--max-connections"),
            MaxUnauthenticatedConnections = ParseCount(Get(line.MaxUnauthenticatedConnections) ?? "32", "--max-unauthenticated-connections"),
            UnauthenticatedIdleTimeout = ParseDuration(Get(line.UnauthenticatedIdleTimeout) ?? "10s", "--unauthenticated-idle-timeout"),
            MaxJobUploadBytes = ParseSize(Get(line.MaxJobUpload) ?? "64m", "--max-job-upload"),
            MaxConcurrentGreps = ParseCount(Get(line.MaxGreps) ?? "4", "--max-greps"),
            GrepTimeBudget = ParseDuration(Get(line.GrepTimeBudget) ?? "10s", "--grep-time-budget"),
        };
    }

    /// <summary>Whether <paramref name="args"/> ask for the help text (<c>-h</c>, <c>--help</c>, <c>-?</c>) before any <c>--</c>.</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args)
    {
        var separator = IndexOf(args, "--");
        return args.Take(separator < 0 ? args.Count : separator).Any(a => a is "-h" or "--help" or "-?");
    }

    /// <summary>Writes the help text (every flag, its environment variable and default) to <paramref name="output"/>.</summary>
    public static void WriteHelp(TextWriter output) =>
        new GatewayCommandLine(new Hashtable()).Root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

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

    private static int IndexOf(IReadOnlyList<string> args, string value)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static int ParsePort(string text, string name, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw new GatewayConfigurationException($"{name} must be a port number; got '{text}'.");
        }

        return port;
    }

    private static int ParseCount(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new GatewayConfigurationException($"{name} must be a whole number above 0; got '{text}'.");

    private static long ParseSize(string text, string name) =>
        ByteSize.TryParse(text, out var bytes) && bytes > 0
            ? bytes
            : throw new GatewayConfigurationException($"{name} takes a size such as 64m or 1g; got '{text}'.");

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

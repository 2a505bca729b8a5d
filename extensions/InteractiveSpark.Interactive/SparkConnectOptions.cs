using System.Globalization;
using InteractiveSpark.SparkConnect;
using Microsoft.CodeAnalysis.CSharp;

namespace InteractiveSpark.Interactive;

/// <summary>Where a session's Spark Connect server comes from.</summary>
public enum SparkLauncher
{
    /// <summary>An existing server, reached through <c>--url sc://...</c>.</summary>
    Url,

    /// <summary>A Spark Connect server started as a local process from a Spark home (<c>--launcher local</c>).</summary>
    Local,
}

/// <summary>
/// The validated options of <c>#!spark-connect</c> (and <c>#!connect spark</c>). <see cref="Parse"/> turns the raw
/// directive values into these, or into one <see cref="SparkMagicException"/> that says what to change.
/// </summary>
public sealed record SparkConnectOptions
{
    /// <summary>The default time a launcher may take to start its server.</summary>
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The session's name: the C# variable that holds it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the server comes from.</summary>
    public required SparkLauncher Launcher { get; init; }

    /// <summary>The server to connect to (with <see cref="SparkLauncher.Url"/>).</summary>
    public SparkConnectionString? Url { get; init; }

    /// <summary>The Spark home of a local server; null: SPARK_HOME or the repository's engines.</summary>
    public string? SparkHome { get; init; }

    /// <summary>The Spark master of a local server (<c>local[2]</c> unless set).</summary>
    public string? Master { get; init; }

    /// <summary>The driver's JVM heap of a local server, e.g. <c>2g</c>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Spark settings given with <c>--conf k=v</c>.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the launcher and the handshake may take.</summary>
    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>Validates the raw values of the directive. Throws <see cref="SparkMagicException"/> with what to do.</summary>
    public static SparkConnectOptions Parse(SparkConnectValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var name = values.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new SparkMagicException("Give the session a name: --name dev (it becomes the C# variable that holds the session).");
        }

        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.VarKeyword)
        {
            throw new SparkMagicException(
                $"'{name}' cannot be a session name: the name becomes a C# variable, so use letters, digits and _ (not starting with a digit, not a C# keyword), e.g. --name dev.");
        }

        var launcherText = values.Launcher?.Trim();
        var url = values.Url?.Trim();
        SparkLauncher launcher;
        if (string.IsNullOrEmpty(launcherText))
        {
            if (string.IsNullOrEmpty(url))
            {
                throw new SparkMagicException(
                    "Say where Spark runs: --url sc://host:15002 for an existing Spark Connect server, or --launcher local to start one on this machine.");
            }

            launcher = SparkLauncher.Url;
        }
        else
        {
            launcher = launcherText.ToLowerInvariant() switch
            {
                "local" => SparkLauncher.Local,
                "url" => SparkLauncher.Url,
                "docker" or "marathon" => throw new SparkMagicException(
                    $"--launcher {launcherText} is not available in this version yet; use --launcher local, or --url sc://host:port for a server that already runs."),
                _ => throw new SparkMagicException($"Unknown launcher '{launcherText}': use --launcher local, or --url sc://host:port."),
            };
        }

        if (launcher == SparkLauncher.Local && !string.IsNullOrEmpty(url))
        {
            throw new SparkMagicException("Use either --url (an existing server) or --launcher local (a new one), not both.");
        }

        if (launcher == SparkLauncher.Url && string.IsNullOrEmpty(url))
        {
            throw new SparkMagicException("--launcher url needs --url sc://host:15002.");
        }

        SparkConnectionString? connectionString = null;
        if (launcher == SparkLauncher.Url)
        {
            try
            {
                connectionString = SparkConnectionString.Parse(url!);
            }
            catch (FormatException e)
            {
                // SparkConnectionString's messages never show the token.
                throw new SparkMagicException($"--url: {e.Message}");
            }

            foreach (var (option, value) in new[] { ("--spark-home", values.SparkHome), ("--master", values.Master), ("--driver-memory", values.DriverMemory) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    throw new SparkMagicException($"{option} applies to a server this notebook starts (--launcher local), not to --url.");
                }
            }
        }

        var timeout = DefaultStartupTimeout;
        if (!string.IsNullOrWhiteSpace(values.StartupTimeout))
        {
            var text = values.StartupTimeout.Trim();
            var seconds = text.EndsWith('s') ? text[..^1] : text;
            if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s <= 0 || s > 3600)
            {
                throw new SparkMagicException($"--startup-timeout takes seconds between 1 and 3600, e.g. --startup-timeout 180; got '{text}'.");
            }

            timeout = TimeSpan.FromSeconds(s);
        }

        var conf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in values.Conf ?? [])
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || string.IsNullOrWhiteSpace(pair[..eq]))
            {
                throw new SparkMagicException($"--conf takes key=value, e.g. --conf spark.sql.shuffle.partitions=8; got '{pair}'.");
            }

            conf[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        if (launcher == SparkLauncher.Url && conf.Count > 0)
        {
            throw new SparkMagicException(
                "--conf applies to a server this notebook starts (--launcher local). For a running server, set session settings in C#: await N.Conf.SetAsync(key, value).");
        }

        return new SparkConnectOptions
        {
            Name = name,
            Launcher = launcher,
            Url = connectionString,
            SparkHome = Blank(values.SparkHome),
            Master = Blank(values.Master),
            DriverMemory = Blank(values.DriverMemory),
            Conf = conf,
            StartupTimeout = timeout,
        };

        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }
}

/// <summary>The raw values of <c>#!spark-connect</c> as the notebook gave them.</summary>
public sealed record SparkConnectValues
{
    /// <summary><c>--name</c> (or <c>--kernel-name</c> with <c>#!connect spark</c>).</summary>
    public string? Name { get; init; }

    /// <summary><c>--url</c>.</summary>
    public string? Url { get; init; }

    /// <summary><c>--launcher</c>.</summary>
    public string? Launcher { get; init; }

    /// <summary><c>--spark-home</c>.</summary>
    public string? SparkHome { get; init; }

    /// <summary><c>--master</c>.</summary>
    public string? Master { get; init; }

    /// <summary><c>--driver-memory</c>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary><c>--conf</c>, each <c>k=v</c>.</summary>
    public IReadOnlyList<string>? Conf { get; init; }

    /// <summary><c>--startup-timeout</c> in seconds.</summary>
    public string? StartupTimeout { get; init; }
}

/// <summary>A mistake a notebook user can fix; its message says how, and is shown alone (no stack trace).</summary>
public sealed class SparkMagicException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SparkMagicException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SparkMagicException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

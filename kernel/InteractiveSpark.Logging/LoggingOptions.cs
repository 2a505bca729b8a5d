using System.Globalization;
using Serilog.Events;

namespace InteractiveSpark.Logging;

/// <summary>
/// Where and how much the product logs. <see cref="FromEnvironment"/> reads the <c>ISPARK_LOG_*</c> variables, so a
/// notebook, the <c>ispark</c> tool and a job container are configured the same way without code.
/// </summary>
public sealed record LoggingOptions
{
    /// <summary>The variable naming the log folder.</summary>
    public const string DirectoryVariable = "ISPARK_LOG_DIR";

    /// <summary>The variable with the default level (Verbose, Debug, Information, Warning, Error, Fatal).</summary>
    public const string LevelVariable = "ISPARK_LOG_LEVEL";

    /// <summary>The variable with levels per component: <c>InteractiveSpark.Sessions=Debug,InteractiveSpark.SparkConnect=Warning</c>.</summary>
    public const string LevelsVariable = "ISPARK_LOG_LEVELS";

    /// <summary>The variable that turns the file sink off when set to <c>off</c>.</summary>
    public const string FileVariable = "ISPARK_LOG_FILE";

    /// <summary>The variable with a Seq server's URL; when set, events also go there.</summary>
    public const string SeqUrlVariable = "ISPARK_SEQ_URL";

    /// <summary>The variable with the Seq API key (never logged).</summary>
    public const string SeqApiKeyVariable = "ISPARK_SEQ_API_KEY";

    /// <summary>What writes the log: <c>notebook</c>, <c>ispark</c>, <c>gateway</c>...; it names the file and is on every event.</summary>
    public required string Application { get; init; }

    /// <summary>
    /// The folder of the log files (one per application and day, kept 14 days). Default
    /// <c>$XDG_STATE_HOME/interactive-spark/logs</c>, else <c>~/.local/state/interactive-spark/logs</c>
    /// (<c>%LOCALAPPDATA%\InteractiveSpark\logs</c> on Windows).
    /// </summary>
    public string Directory { get; init; } = DefaultDirectory();

    /// <summary>Whether the file sink is on. Default true.</summary>
    public bool WriteFile { get; init; } = true;

    /// <summary>The level below which events are dropped, unless <see cref="ComponentLevels"/> says otherwise. Default Information.</summary>
    public LogEventLevel MinimumLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Levels per component: a logger category prefix (e.g. <c>InteractiveSpark.Sessions</c>) and its level.</summary>
    public IReadOnlyDictionary<string, LogEventLevel> ComponentLevels { get; init; } = new Dictionary<string, LogEventLevel>();

    /// <summary>A Seq server to send events to as well; null (the default) sends nowhere.</summary>
    public Uri? SeqUrl { get; init; }

    /// <summary>The Seq API key; kept out of <see cref="ToString"/> and every log line.</summary>
    public string? SeqApiKey { get; init; }

    /// <summary>The file the application's events of today go to (the file sink adds the date before the extension).</summary>
    public string FilePattern => Path.Combine(Directory, Application + "-.log");

    /// <summary>Options from the <c>ISPARK_LOG_*</c> and <c>ISPARK_SEQ_*</c> variables.</summary>
    /// <exception cref="FormatException">A variable holds a value that is not a level, a component list or a URL; the message names it.</exception>
    public static LoggingOptions FromEnvironment(string application, Func<string, string?>? getVariable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(application);
        getVariable ??= Environment.GetEnvironmentVariable;
        var options = new LoggingOptions { Application = application };
        if (getVariable(DirectoryVariable) is { Length: > 0 } directory)
        {
            options = options with { Directory = Path.GetFullPath(directory) };
        }

        if (getVariable(FileVariable) is { Length: > 0 } file)
        {
            options = options with { WriteFile = !string.Equals(file.Trim(), "off", StringComparison.OrdinalIgnoreCase) };
        }

        if (getVariable(LevelVariable) is { Length: > 0 } level)
        {
            options = options with { MinimumLevel = ParseLevel(level, LevelVariable) };
        }

        if (getVariable(LevelsVariable) is { Length: > 0 } levels)
        {
            options = options with { ComponentLevels = ParseComponentLevels(levels) };
        }

        if (getVariable(SeqUrlVariable) is { Length: > 0 } seq)
        {
            if (!Uri.TryCreate(seq, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"{SeqUrlVariable} must be an http(s) URL such as http://localhost:5341.");
            }

            options = options with { SeqUrl = url, SeqApiKey = getVariable(SeqApiKeyVariable) is { Length: > 0 } key ? key : null };
        }

        return options;
    }

    /// <summary>Parses <c>Component=Level</c> pairs separated by commas or semicolons.</summary>
    /// <exception cref="FormatException">A pair is malformed or names no level.</exception>
    public static IReadOnlyDictionary<string, LogEventLevel> ParseComponentLevels(string text)
    {
        var result = new Dictionary<string, LogEventLevel>(StringComparer.Ordinal);
        foreach (var pair in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw new FormatException($"{LevelsVariable}: '{pair}' is not Component=Level (e.g. InteractiveSpark.Sessions=Debug).");
            }

            result[pair[..equals].Trim()] = ParseLevel(pair[(equals + 1)..], LevelsVariable);
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Application}: {(WriteFile ? FilePattern : "no file")}, level {MinimumLevel}, {ComponentLevels.Count} component levels{(SeqUrl is null ? "" : $", Seq {SeqUrl.GetLeftPart(UriPartial.Authority)}")}");

    private static LogEventLevel ParseLevel(string text, string variable)
    {
        var value = text.Trim();
        // Accept Microsoft.Extensions.Logging's names too: people write what they know.
        value = value.ToLowerInvariant() switch
        {
            "trace" => "Verbose",
            "critical" => "Fatal",
            "info" => "Information",
            "warn" => "Warning",
            _ => value,
        };
        if (!Enum.TryParse<LogEventLevel>(value, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(value, out _))
        {
            throw new FormatException($"{variable}: '{text.Trim()}' is not a level (Verbose, Debug, Information, Warning, Error, Fatal).");
        }

        return level;
    }

    private static string DefaultDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "InteractiveSpark", "logs");
        }

        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var root = string.IsNullOrEmpty(state)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state")
            : state;
        return Path.Combine(root, "interactive-spark", "logs");
    }
}

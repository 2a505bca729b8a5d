using System.Globalization;
using System.Text.RegularExpressions;
using InteractiveSpark.Jobs;

namespace InteractiveSpark.Cli;

/// <summary>How the tool says what a user typed wrong: parse errors for people, numbers, Spark masters and sizes checked.</summary>
internal static partial class CliText
{
    /// <summary>
    /// A parse error of System.CommandLine for a user: on one line, values clipped, and "Cannot parse argument 'x' for
    /// option '--timeout' as expected type 'System.Nullable`1[System.Double]'" said as "--timeout takes a number; got 'x'".
    /// </summary>
    public static string ParseError(string message)
    {
        var m = TypeError().Match(message);
        if (m.Success)
        {
            var type = m.Groups["type"].Value;
            var kind = type.Contains("Double", StringComparison.Ordinal) ? "a number such as 30 or 0.5"
                : type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
                : "another kind of value";
            return $"{m.Groups["what"].Value} takes {kind}; got '{Clip(m.Groups["value"].Value)}'";
        }

        // Quoted values clipped one by one, so that the words around a huge value stay readable.
        var clipped = Quoted().Replace(message, q => "'" + Clip(q.Groups[1].Value) + "'");
        return Clip(Whitespace().Replace(clipped, " ").Trim(), 400);
    }

    /// <summary>What the user typed, as a message echoes it (<see cref="InputText.Clip"/>).</summary>
    public static string Clip(string? text, int max = 80) => InputText.Clip(text, max);

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|argument|command) '(?<what>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TypeError();

    [GeneratedRegex(@"'([^']{80,})'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\s*[\r\n]+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>A problem with a number of seconds (null: none or fine): NaN, infinite, zero or negative, or more than a year.</summary>
    public static string? CheckSeconds(string option, double? seconds) => seconds switch
    {
        null => null,
        { } s when !double.IsFinite(s) || s <= 0 => $"{option} takes a positive number of seconds; got {s.ToString(CultureInfo.InvariantCulture)}.",
        > 366 * 24 * 3600.0 => $"{option}: {seconds.Value.ToString("0", CultureInfo.InvariantCulture)} s is more than a year; give at most 31622400.",
        _ => null,
    };

    /// <summary>Whether the text is a Spark master URL Spark accepts.</summary>
    public static bool IsSparkMaster(string? text) => text is not null && SparkMaster().IsMatch(text);

    /// <summary>Whether the text is a JVM size (512m, 2g, 1024k, bytes).</summary>
    public static bool IsJvmSize(string? text) => text is not null && JvmSize().IsMatch(text);

    [GeneratedRegex(@"^(local(\[(\*|[1-9][0-9]{0,3})(,[0-9]{1,3})?\])?|spark://[A-Za-z0-9.,:-]+|yarn|k8s://\S+|mesos://\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SparkMaster();

    [GeneratedRegex(@"^[1-9][0-9]{0,12}[kKmMgGtT]?$", RegexOptions.CultureInvariant)]
    private static partial Regex JvmSize();
}

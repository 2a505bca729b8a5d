using System.Globalization;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Core;

/// <summary>
/// The one grammar for durations a user types (<c>--idle-timeout</c>, <c>--startup-timeout</c>, the Kafka magics'
/// <c>--timeout</c> and <c>--max-duration</c>, the gateway's timeouts): a decimal number, optional spaces and an
/// optional unit <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (any case; none means seconds), as in
/// <c>500ms</c>, <c>90s</c>, <c>90</c>, <c>1.5m</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>; or a clock time
/// <c>hh:mm:ss</c> (<c>00:30:00</c>, <c>1.00:00:00</c>). No sign, no exponent. Zero parses as zero: each caller says what it means
/// (often "never"), sets its own bounds and says them in its own words.
/// </summary>
public static partial class Duration
{
    /// <summary>Reads <paramref name="text"/> as a duration; false (and zero) for anything outside the grammar.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return false;
        }

        var m = NumberAndUnit().Match(t);
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var milliseconds = n * m.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => 1d,
                "m" => 60_000d,
                "h" => 3_600_000d,
                "d" => 86_400_000d,
                _ => 1_000d,
            };
            // TimeSpan holds about 29,000 years; anything near that is a typing mistake, not a timeout.
            if (milliseconds > TimeSpan.FromDays(3650).TotalMilliseconds)
            {
                return false;
            }

            duration = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }

        if (t.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var clock)
            && clock >= TimeSpan.Zero)
        {
            duration = clock;
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"^(\d{1,12}(?:\.\d{1,9})?)\s*(ms|s|m|h|d)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberAndUnit();
}

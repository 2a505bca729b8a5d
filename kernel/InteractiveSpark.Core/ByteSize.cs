using System.Globalization;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Core;

/// <summary>
/// The one grammar for container memory sizes (<c>--memory</c> of sessions and jobs, executor memory): Docker's own,
/// as <c>docker run --memory</c> reads it: a decimal number, an optional space, an optional unit <c>k</c>, <c>m</c>,
/// <c>g</c> or <c>t</c> (powers of 1024), an optional <c>b</c>; any case. <c>512m</c>, <c>4g</c>, <c>1.5g</c>,
/// <c>4GB</c>, <c>1048576</c>. No sign, no exponent, nothing above a petabyte. Each caller sets its own floor and says
/// it in its own words.
/// </summary>
public static partial class ByteSize
{
    private const double Petabyte = 1024d * 1024 * 1024 * 1024 * 1024;

    /// <summary>Reads <paramref name="text"/> as a size in bytes; false (and 0) for anything outside the grammar.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var m = text is null ? null : SizeRegex().Match(text.Trim());
        if (m is null || !m.Success)
        {
            return false;
        }

        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * (m.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1024d,
            "m" => 1024d * 1024,
            "g" => 1024d * 1024 * 1024,
            "t" => 1024d * 1024 * 1024 * 1024,
            _ => 1d,
        });
        if (value > Petabyte)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    /// <summary>
    /// Reads <paramref name="text"/> as a size in bytes, or throws an <see cref="ArgumentException"/> whose message is
    /// one line a user can act on: <paramref name="name"/> (the option, e.g. <c>--memory</c>) and what it takes.
    /// </summary>
    public static long Parse(string text, string name) =>
        TryParse(text, out var bytes) ? bytes : throw new ArgumentException($"{name} takes a size such as 512m or 4g; got '{text}'.");

    [GeneratedRegex(@"^(\d{1,18}(?:\.\d{1,9})?) ?([kmgt]?)b?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizeRegex();
}

using System.Globalization;

namespace InteractiveSpark.Magics;

/// <summary>How the magics read a typed value (a count, a duration, a time): one grammar each, one message each.</summary>
public static class MagicValues
{
    /// <summary>A whole number ≥ 0, or a <see cref="SparkMagicException"/> naming <paramref name="option"/>.</summary>
    public static int Count(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new SparkMagicException($"{option} takes a whole number ≥ 0 (got '{MagicText.Shown(text)}').");
    }

    /// <summary>A positive duration in <see cref="Core.Duration"/>'s grammar (30s, 10m, 1h, a number of seconds).</summary>
    public static TimeSpan Duration(string text, string option) =>
        Core.Duration.TryParse(text, out var d) && d > TimeSpan.Zero
            ? d
            : throw new SparkMagicException($"{option} takes a duration such as 30s, 10m or 1h (got '{MagicText.Shown(text)}').");

    /// <summary>An ISO 8601 time (UTC unless it says otherwise) or an age such as -15m before <paramref name="now"/>.</summary>
    public static DateTimeOffset Time(string text, DateTimeOffset now, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.StartsWith('-') && t.Length > 1 && char.IsAsciiLetter(t[^1]) && Core.Duration.TryParse(t[1..], out var age))
        {
            return now - age;
        }

        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new SparkMagicException($"{option} takes a time such as 2026-11-01T08:00Z or an age such as -15m, -2h, -1d (got '{MagicText.Shown(text)}').");
    }
}

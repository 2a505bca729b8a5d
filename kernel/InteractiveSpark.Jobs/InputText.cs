using System.Globalization;
using System.Text;

namespace InteractiveSpark.Jobs;

/// <summary>How messages echo what a user typed (a parameter, a path, a job id): clipped, on one line, without control characters.</summary>
public static class InputText
{
    /// <summary>
    /// <paramref name="text"/> at most <paramref name="max"/> characters (then "… (N characters)"), with control
    /// characters and U+FFFD (bytes that were not UTF-8) shown as <c>\uXXXX</c>: an echo never runs to a megabyte, never
    /// breaks the line and never sends escape sequences to a terminal.
    /// </summary>
    public static string Clip(string? text, int max = 80)
    {
        if (text is null)
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(text.Length, max) + 24);
        foreach (var c in text)
        {
            if (builder.Length >= max)
            {
                builder.Append("… (").Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
                break;
            }

            if (char.IsControl(c) || c == '\uFFFD')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

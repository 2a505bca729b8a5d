using System.Text.RegularExpressions;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>Container names made of user text (a name prefix, a session or job name) that Docker accepts.</summary>
internal static partial class ContainerNames
{
    /// <summary>
    /// A part of a container name: runs of anything but letters, digits, '.', '_' and '-' become one '-', and the part
    /// starts and ends with a letter or a digit (Docker wants a name to start with one), at most 40 characters;
    /// <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string Part(string text, string fallback)
    {
        var s = NameRegex().Replace(text.Trim(), "-").Trim('-', '.', '_');
        return s.Length == 0 ? fallback : s.Length > 40 ? s[..40] : s;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}

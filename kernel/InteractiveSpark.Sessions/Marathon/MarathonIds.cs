using System.Text.RegularExpressions;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>Marathon ids as the launchers make them: a group path users give, and an id segment made from a name.</summary>
public static partial class MarathonIds
{
    /// <summary>Whether <paramref name="group"/> is a Marathon path (<c>team/staging</c>): segments of lower-case letters, digits, '-' and '.'.</summary>
    public static bool IsGroupPath(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var path = group.Trim('/');
        return path.Length > 0 && path.Split('/').All(segment => SegmentRegex().IsMatch(segment));
    }

    /// <summary>An id segment from a session's or job's name: lower case, letters, digits and '-', at most 30 characters; <paramref name="fallback"/> when nothing is left.</summary>
    public static string Segment(string name, string fallback)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = NameRegex().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        return s.Length == 0 ? fallback : s.Length > 30 ? s[..30].TrimEnd('-') : s;
    }

    [GeneratedRegex("^([a-z0-9]|[a-z0-9][a-z0-9.-]*[a-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentRegex();

    [GeneratedRegex("[^a-z0-9-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}

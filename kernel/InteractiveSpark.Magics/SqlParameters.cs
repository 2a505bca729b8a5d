using System.Text.RegularExpressions;

namespace InteractiveSpark.Magics;

/// <summary>
/// The C# values a <c>#!N</c> SQL cell gets with <c>#!set --name day --value @csharp:day</c>: only those its SQL names as
/// <c>:day</c> are sent, as Spark's named parameters (typed literals, never spliced into the text).
/// </summary>
public static partial class SqlParameters
{
    /// <summary>Whether <paramref name="name"/> can be a named parameter (<c>:name</c> in the SQL).</summary>
    public static bool IsName(string name) => name is not null && Name().IsMatch(name);

    /// <summary>The values of <paramref name="set"/> that <paramref name="sql"/> names as <c>:name</c>.</summary>
    public static Dictionary<string, object?> UsedBy(string sql, IReadOnlyDictionary<string, object?> set)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(set);
        var used = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (Match m in Marker().Matches(sql))
        {
            var name = m.Groups[1].Value;
            if (set.TryGetValue(name, out var value))
            {
                used[name] = value;
            }
        }

        return used;
    }

    [GeneratedRegex(@"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Name();
}

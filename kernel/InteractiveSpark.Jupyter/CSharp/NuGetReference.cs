using System.Text.RegularExpressions;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// A <c>#r "nuget: Name, Version"</c> line of a cell (version optional: the newest). The line is blanked before the
/// cell compiles, so the cell's line numbers stay its own.
/// </summary>
/// <param name="Name">The package id.</param>
/// <param name="Version">The version, or null for the newest.</param>
public sealed partial record NuGetReference(string Name, string? Version)
{
    /// <summary>The packages this kernel already carries (the product's own): a notebook written for the extension references them; nothing is restored.</summary>
    public bool IsBuiltIn => Name.StartsWith("InteractiveSpark.", StringComparison.OrdinalIgnoreCase);

    /// <summary>The cell without its <c>#r "nuget:"</c> lines (blank lines in their place) and the references they made.</summary>
    public static (string Code, IReadOnlyList<NuGetReference> References, string? Problem) Extract(string code)
    {
        var references = new List<NuGetReference>();
        string? problem = null;
        var stripped = Directive().Replace(code, m =>
        {
            var parts = m.Groups["spec"].Value.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is < 1 or > 2 || parts[0].Length == 0 || !PackageId().IsMatch(parts[0]) || (parts.Length == 2 && parts[1].Length == 0))
            {
                problem ??= $"#r \"nuget: {m.Groups["spec"].Value}\": write #r \"nuget: Name\" or #r \"nuget: Name, Version\".";
            }
            else
            {
                references.Add(new NuGetReference(parts[0], parts.Length == 2 ? parts[1] : null));
            }

            return "";
        });
        return (stripped, references, problem);
    }

    [GeneratedRegex("""^[ \t]*#r[ \t]+"nuget:[ \t]*(?<spec>[^"\r\n]*)"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex Directive();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
    private static partial Regex PackageId();

    /// <inheritdoc/>
    public override string ToString() => Version is null ? Name : $"{Name}, {Version}";
}

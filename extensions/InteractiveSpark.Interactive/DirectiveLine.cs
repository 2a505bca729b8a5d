using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive.Commands;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The line a directive was typed on, read by <see cref="MagicLine"/> (the reader the Jupyter kernel uses), for what
/// .NET Interactive's binding does not give: every value of a repeatable option, words that are no option's value,
/// options typed without their value, an unclosed quote.
/// </summary>
/// <remarks>
/// .NET Interactive 1.0.0-beta.26120.1 binds a directive parameter to its command only when it occurs once: with
/// <see cref="Microsoft.DotNet.Interactive.Directives.KernelDirectiveParameter.MaxOccurrences"/> above 1 the parser
/// accepts the repeats but hands the command none of them (DirectiveNode.BindParameters matches a single node only);
/// it drops an option without a value and ignores stray words silently. So the line is read again here, from the cell
/// the command came from.
/// </remarks>
internal static class DirectiveLine
{
    /// <summary>
    /// The line of <paramref name="directive"/> (e.g. <c>#!spark-connect</c> or <c>#!connect spark</c>) in the cell of
    /// <paramref name="command"/> whose <paramref name="nameOption"/> is <paramref name="name"/> (the first such line when
    /// no line names it); null when the command did not come from a cell.
    /// </summary>
    public static MagicLine? Find(KernelCommand command, string directive, string nameOption, string? name, IEnumerable<string> flags)
    {
        var code = Cell(command);
        if (code is null)
        {
            return null;
        }

        var words = directive.Split(' ');
        var lines = code.Split('\n')
            .Select(l => l.Trim())
            .Where(l => MagicLine.Tokenize(l) is var t && t.Count >= words.Length && t.Take(words.Length).SequenceEqual(words, StringComparer.Ordinal))
            .Select(l => MagicLine.Parse(l, words.Length, flags))
            .ToList();
        return lines.FirstOrDefault(l => name is not null && l.Value(nameOption) == name) ?? lines.FirstOrDefault();
    }

    private static string? Cell(KernelCommand command)
    {
        for (var c = command; c is not null; c = c.Parent)
        {
            if (c is SubmitCode submit)
            {
                return submit.Code;
            }
        }

        return null;
    }
}

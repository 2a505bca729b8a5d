using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive.Commands;

namespace InteractiveSpark.Interactive;

/// <summary>
/// Reads every value of a repeatable parameter (such as <c>--conf</c>) from the directive's own line.
/// </summary>
/// <remarks>
/// .NET Interactive 1.0.0-beta.26120.1 binds a directive parameter to its command only when it occurs once: with
/// <see cref="Microsoft.DotNet.Interactive.Directives.KernelDirectiveParameter.MaxOccurrences"/> above 1 the parser
/// accepts the repeats but hands the command none of them (DirectiveNode.BindParameters matches a single node only).
/// So the values are read here from the cell that held the directive.
/// </remarks>
internal static class RepeatedParameter
{
    /// <summary>
    /// The values of <paramref name="parameter"/> on the line of <paramref name="directive"/> (e.g. <c>#!spark-connect</c>
    /// or <c>#!connect spark</c>) whose <paramref name="nameParameter"/> is <paramref name="name"/>, in the cell the command
    /// came from; null when that cell cannot be found (the command did not come from code).
    /// </summary>
    public static IReadOnlyList<string>? Values(KernelCommand command, string directive, string nameParameter, string? name, string parameter)
    {
        var code = Cell(command);
        if (code is null || name is null)
        {
            return null;
        }

        foreach (var line in code.Split('\n'))
        {
            var tokens = Tokenize(line.Trim());
            var words = directive.Split(' ');
            if (tokens.Count < words.Length || !tokens.Take(words.Length).SequenceEqual(words, StringComparer.Ordinal))
            {
                continue;
            }

            var values = new List<string>();
            string? lineName = null;
            for (var i = words.Length; i < tokens.Count - 1; i++)
            {
                if (tokens[i] == parameter)
                {
                    values.Add(tokens[++i]);
                }
                else if (tokens[i] == nameParameter)
                {
                    lineName = tokens[++i];
                }
            }

            if (lineName == name)
            {
                return values;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the directive's line in the cell has a quote that is never closed. .NET Interactive's parser (and
    /// <see cref="Tokenize"/>) read <c>--conf "a=1</c> as if the quote were closed at the end of the line, which would
    /// quietly start a server with what was probably a typing slip.
    /// </summary>
    public static bool HasUnclosedQuote(KernelCommand command, string directive)
    {
        var code = Cell(command);
        return code is not null && code.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith(directive + " ", StringComparison.Ordinal) || l == directive)
            .Any(l => l.Count(c => c == '"') % 2 == 1);
    }

    /// <summary>
    /// The options on the directive's line written without a value (last on the line, or followed by another option).
    /// The parser drops such an option silently; for a directive whose options all take values that hides a mistake.
    /// </summary>
    public static IReadOnlyList<string> OptionsWithoutValue(KernelCommand command, string directive)
    {
        var code = Cell(command);
        if (code is null)
        {
            return [];
        }

        var words = directive.Split(' ');
        var missing = new List<string>();
        foreach (var line in code.Split('\n'))
        {
            var tokens = Tokenize(line.Trim());
            if (tokens.Count < words.Length || !tokens.Take(words.Length).SequenceEqual(words, StringComparer.Ordinal))
            {
                continue;
            }

            for (var i = words.Length; i < tokens.Count; i++)
            {
                if (tokens[i].StartsWith("--", StringComparison.Ordinal)
                    && (i == tokens.Count - 1 || tokens[i + 1].StartsWith("--", StringComparison.Ordinal)))
                {
                    missing.Add(tokens[i]);
                }
            }
        }

        return missing;
    }

    /// <summary>Words on the directive's line that are neither an option nor an option's value (the parser ignores them).</summary>
    public static IReadOnlyList<string> StrayWords(KernelCommand command, string directive)
    {
        var code = Cell(command);
        if (code is null)
        {
            return [];
        }

        var words = directive.Split(' ');
        var stray = new List<string>();
        foreach (var line in code.Split('\n'))
        {
            var tokens = Tokenize(line.Trim());
            if (tokens.Count < words.Length || !tokens.Take(words.Length).SequenceEqual(words, StringComparer.Ordinal))
            {
                continue;
            }

            for (var i = words.Length; i < tokens.Count; i++)
            {
                if (tokens[i].StartsWith("--", StringComparison.Ordinal))
                {
                    if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        i++; // its value
                    }
                }
                else
                {
                    stray.Add(tokens[i]);
                }
            }
        }

        return stray;
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

    private static IReadOnlyList<string> Tokenize(string line) => MagicLine.Tokenize(line);
}

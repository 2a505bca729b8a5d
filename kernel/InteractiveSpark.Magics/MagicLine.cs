using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Magics;

/// <summary>
/// One magic line as typed (<c>#!spark-connect --name dev --conf a=1 --conf b=2</c>): the magic's words, then options and
/// their values. Double quotes keep spaces in a value; <c>@csharp:NAME</c> takes a value from a C# variable when the
/// host can resolve it. Nothing here throws for a mistake in the options: the magic's own validation reads
/// <see cref="StrayWords"/>, <see cref="OptionsWithoutValue"/> and <see cref="UnknownOptions"/> and says what to change.
/// </summary>
/// <remarks>
/// Hand-written rather than System.CommandLine: a magic line is one line with quoting rules of its own (those of .NET
/// Interactive's directives, which notebooks already use), and every mistake must become the product's one-line
/// message, not a parser's help text.
/// </remarks>
public sealed partial class MagicLine : IMagicValues
{
    /// <summary>The prefix of a value taken from a C# variable (<c>--url @csharp:url</c>), as in .NET Interactive.</summary>
    public const string CSharpValuePrefix = "@csharp:";

    private readonly IReadOnlyList<string> _words;
    private readonly IReadOnlySet<string> _flags;

    // The words read once into options with their values (Value null: none) and stray words (Option null).
    private readonly List<(string? Option, string? Value)> _entries = [];

    private MagicLine(string magic, IReadOnlyList<string> words, bool unclosedQuote, IReadOnlySet<string> flags)
    {
        Magic = magic;
        _words = words;
        UnclosedQuote = unclosedQuote;
        _flags = flags;
        for (var i = 0; i < words.Count; i++)
        {
            if (!IsOption(words[i]))
            {
                _entries.Add((null, words[i]));
            }
            else if (!flags.Contains(words[i]) && i + 1 < words.Count && !IsOption(words[i + 1]))
            {
                _entries.Add((words[i], words[i + 1]));
                i++;
            }
            else
            {
                _entries.Add((words[i], null));
            }
        }
    }

    /// <summary>The magic's words, e.g. <c>#!spark-connect</c> or <c>#!connect spark</c>.</summary>
    public string Magic { get; }

    /// <summary>Whether the line has a double quote that is never closed (then nothing else on it is trusted).</summary>
    public bool UnclosedQuote { get; }

    /// <summary>The words after the magic, as typed (quotes removed, <c>@csharp:</c> values resolved).</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>
    /// Reads <paramref name="line"/>: its first <paramref name="magicWords"/> words are the magic; <paramref name="flags"/>
    /// are options that take no value. <paramref name="csharpValue"/> resolves <c>@csharp:NAME</c> (null: the host has no
    /// C# variables, the text stays as typed); an unknown name is a <see cref="SparkMagicException"/>.
    /// </summary>
    public static MagicLine Parse(string line, int magicWords = 1, IEnumerable<string>? flags = null, Func<string, (bool Found, object? Value)>? csharpValue = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var tokens = Tokenize(line.Trim());
        var count = Math.Min(magicWords, tokens.Count);
        var magic = string.Join(' ', tokens.Take(count));
        var words = tokens.Skip(count).Select(word => Resolve(word, csharpValue)).ToList();
        return new MagicLine(magic, words, line.Count(c => c == '"') % 2 == 1, new HashSet<string>(flags ?? [], StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads <paramref name="line"/> of a one-word magic whose options are <paramref name="options"/> (their flags take no
    /// value); <paramref name="csharpValue"/> as in <see cref="Parse(string, int, IEnumerable{string}?, Func{string, ValueTuple{bool, object?}}?)"/>.
    /// </summary>
    public static MagicLine Parse(string line, IReadOnlyList<MagicOption> options, Func<string, (bool Found, object? Value)>? csharpValue = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Parse(line, 1, options.Where(o => o.IsFlag).Select(o => o.Name), csharpValue);
    }

    /// <summary>Whether the line asks for the magic's help (<c>-h</c>, <c>--help</c>, <c>-?</c>).</summary>
    public bool AsksForHelp => _words.Any(w => w is "-h" or "--help" or "-?");

    /// <summary>
    /// Throws a <see cref="SparkMagicException"/> naming the first mistake on the line against the magic's declared
    /// <paramref name="options"/>: an unclosed quote, an option the magic does not have, a value without its option, an
    /// option without its value, a one-value option given twice, a required option missing.
    /// </summary>
    public void Check(IReadOnlyList<MagicOption> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var help = $"{Magic} -h lists its options";
        if (UnclosedQuote)
        {
            throw new SparkMagicException($"{Magic}: a double quote is not closed; quote a value that has spaces, as in \"a value\".");
        }

        if (UnknownOptions(options.Select(o => o.Name)) is [var unknown, ..])
        {
            throw new SparkMagicException($"{Magic} has no option {MagicText.Shown(unknown)}; {help}.");
        }

        if (StrayWords is [var stray, ..])
        {
            throw new SparkMagicException($"{Magic}: '{MagicText.Shown(stray)}' is not the value of an option (options start with --); {help}.");
        }

        if (OptionsWithoutValue is [var empty, ..])
        {
            throw new SparkMagicException($"{Magic}: {empty} needs a value.");
        }

        if (options.FirstOrDefault(o => o.MaxOccurrences == 1 && _entries.Count(e => e.Option == o.Name) > 1) is { } repeated)
        {
            throw new SparkMagicException($"{Magic}: {repeated.Name} is given more than once; it takes one value.");
        }

        if (options.FirstOrDefault(o => o.IsRequired && (o.IsFlag ? !Flag(o.Name) : string.IsNullOrWhiteSpace(Value(o.Name)))) is { } missing)
        {
            throw new SparkMagicException($"{Magic} needs {missing.Name}; {help}.");
        }
    }

    /// <summary>Splits a magic line on whitespace; a double-quoted part keeps its spaces and loses its quotes.</summary>
    public static IReadOnlyList<string> Tokenize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var ch in line)
        {
            if (ch == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(ch) && !quoted)
            {
                if (any)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(ch);
                any = true;
            }
        }

        if (any)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>The option as typed from a bound name: <c>sparkHome</c>, <c>spark-home</c> and <c>--spark-home</c> are all <c>--spark-home</c>.</summary>
    public static string OptionName(string bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        return "--" + CamelHump().Replace(bound.TrimStart('-'), "$1-$2").ToLowerInvariant();
    }

    /// <summary>The last value of <paramref name="option"/> (e.g. <c>--url</c>); null when it is not on the line.</summary>
    public string? Value(string option) => Values(option)?.LastOrDefault();

    /// <summary>Every value of <paramref name="option"/> in order (a repeatable option); null when it is not on the line.</summary>
    public IReadOnlyList<string>? Values(string option)
    {
        var values = _entries.Where(e => e.Option == option && e.Value is not null).Select(e => e.Value!).ToList();
        return values.Count > 0 ? values : null;
    }

    /// <summary>Whether the flag <paramref name="option"/> is on the line.</summary>
    public bool Flag(string option) => _words.Contains(option, StringComparer.Ordinal);

    /// <summary>Words that are neither an option nor an option's value (a value typed without its option).</summary>
    public IReadOnlyList<string> StrayWords => [.. _entries.Where(e => e.Option is null).Select(e => e.Value!)];

    /// <summary>Options that take a value but have none (last on the line, or followed by another option).</summary>
    public IReadOnlyList<string> OptionsWithoutValue =>
        [.. _entries.Where(e => e.Option is not null && e.Value is null && !_flags.Contains(e.Option)).Select(e => e.Option!).Distinct(StringComparer.Ordinal)];

    /// <summary>Options on the line that are not in <paramref name="known"/>.</summary>
    public IReadOnlyList<string> UnknownOptions(IEnumerable<string> known)
    {
        var set = new HashSet<string>(known, StringComparer.Ordinal);
        return [.. _entries.Where(e => e.Option is not null && !set.Contains(e.Option) && !_flags.Contains(e.Option)).Select(e => e.Option!).Distinct(StringComparer.Ordinal)];
    }

    private static bool IsOption(string word) => word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2;

    private static string Resolve(string word, Func<string, (bool Found, object? Value)>? csharpValue)
    {
        if (csharpValue is null || !word.StartsWith(CSharpValuePrefix, StringComparison.Ordinal))
        {
            return word;
        }

        var name = word[CSharpValuePrefix.Length..];
        var (found, value) = csharpValue(name);
        if (!found)
        {
            throw new SparkMagicException(
                $"{CSharpValuePrefix}{MagicText.Shown(name)}: no C# variable of that name is defined; run the cell that sets it first.");
        }

        return value switch
        {
            null => "",
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelHump();
}

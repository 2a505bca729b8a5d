using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Jobs.Notebooks;

/// <summary>A parameter's default as the parameters cell declares it: <c>var day = "2026-11-01";</c> or <c>int rows = 10;</c>.</summary>
/// <param name="Name">The variable.</param>
/// <param name="Type">The C# type: the declared one, or the one of the literal when declared with <c>var</c>; null when it cannot be told.</param>
/// <param name="DefaultText">The default's source text.</param>
public sealed record ParameterDefault(string Name, string? Type, string DefaultText);

/// <summary>
/// Papermill's convention for C# notebooks: the cell tagged <c>parameters</c> holds the defaults; the values given on the
/// command line go into a new cell tagged <c>injected-parameters</c> right after it, typed by the defaults' types (a value
/// that does not parse as that type is an error before anything runs). Without a parameters cell the injected cell goes
/// first (as papermill does). A parameter that has no default is injected with the type its text looks like (int, long,
/// double, bool, else string), as papermill does with a warning. Running an output notebook again replaces its injected cell.
/// </summary>
public static partial class NotebookParameters
{
    /// <summary>The tag of the cell holding the defaults.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell ispark inserts.</summary>
    public const string InjectedTag = "injected-parameters";

    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "string", "int", "long", "short", "byte", "double", "float", "decimal", "bool",
        "DateTime", "DateTimeOffset", "DateOnly", "TimeOnly", "TimeSpan", "Guid",
    };

    /// <summary>The longest parameter value: a parameter goes into a cell and, for a job, onto a container's command line (Linux allows 128 KB per argument).</summary>
    public const int MaxValueLength = 32 * 1024;

    /// <summary>Parses <c>name=value</c> pairs (the first '=' splits; the value may be empty or contain '=').</summary>
    /// <exception cref="ArgumentException">
    /// A pair without '=', a name that is not a C# identifier, a name given twice, a value longer than
    /// <see cref="MaxValueLength"/> or holding control characters or bytes that were not UTF-8 (shown as U+FFFD). The
    /// message echoes the pair clipped to 80 characters.
    /// </exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ParsePairs(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"-p {InputText.Clip(pair)}: expected name=value.");
            }

            var name = pair[..equals].Trim();
            if (name.Length > 128 || !Identifier().IsMatch(name) || CSharpKeywords.Contains(name))
            {
                throw new ArgumentException($"-p {InputText.Clip(pair)}: '{InputText.Clip(name)}' is not a C# variable name.");
            }

            var value = pair[(equals + 1)..];
            if (value.Length > MaxValueLength)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"-p {name}: a value of {value.Length} characters; a parameter takes at most {MaxValueLength} (pass a path to a file instead)."));
            }

            var bad = value.IndexOfAny(ControlCharacters);
            if (bad >= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"-p {name}: the value holds {(value[bad] == '\uFFFD' ? "bytes that are not UTF-8" : $"the control character U+{(int)value[bad]:X4}")} at position {bad}; parameters are plain text."));
            }

            // Given twice is a mistake (two values for one name, e.g. a script that appends -p to a default): say so
            // rather than let one of them win silently.
            if (result.Any(p => p.Key == name))
            {
                throw new ArgumentException($"-p {name}: given twice; pass each parameter once.");
            }

            result.Add(new(name, value));
        }

        return result;
    }

    /// <summary>
    /// C#'s reserved keywords: a parameter named <c>class</c> would be injected as <c>string class = ...;</c> and fail in
    /// the kernel after it started. Listed here because only Roslyn knows them, and kernel/ does not load Roslyn.
    /// </summary>
    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>Every C0 control character but tab, DEL, and U+FFFD (what the runtime makes of bytes that are not UTF-8).</summary>
    private static readonly char[] ControlCharacters =
        [.. Enumerable.Range(0, 32).Where(c => c != '\t').Select(c => (char)c), '\u007F', '\uFFFD'];

    /// <summary>
    /// The defaults the parameters cell declares (simple declarations, one per line): C# (<c>var x = 1;</c>, <c>int x = 1;</c>)
    /// or, for an F# cell, <c>let x = 1</c> and <c>let x : int = 1</c>. Types are given in C# names (F#'s <c>float</c> is <c>double</c>).
    /// </summary>
    public static IReadOnlyList<ParameterDefault> ReadDefaults(NotebookCell parametersCell, string kernelName = Notebook.DefaultKernelName)
    {
        ArgumentNullException.ThrowIfNull(parametersCell);
        var defaults = new List<ParameterDefault>();
        var fsharp = kernelName == "fsharp";
        foreach (var line in parametersCell.Source.Split('\n'))
        {
            if (fsharp)
            {
                var let = FSharpDeclaration().Match(line);
                if (let.Success)
                {
                    var fsValue = let.Groups["value"].Value.Trim();
                    var fsType = let.Groups["type"].Success ? FromFSharpType(let.Groups["type"].Value) : TypeOfLiteral(fsValue, fsharp: true);
                    defaults.Add(new ParameterDefault(let.Groups["name"].Value, fsType, fsValue));
                }

                continue;
            }

            var match = Declaration().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var declared = match.Groups["type"].Value.TrimEnd('?');
            var value = match.Groups["value"].Value.Trim();
            var type = declared is "" or "var" ? TypeOfLiteral(value) : KnownTypes.Contains(declared) ? declared : null;
            defaults.Add(new ParameterDefault(match.Groups["name"].Value, type, value));
        }

        return defaults;
    }

    /// <summary>
    /// Inserts (or replaces) the injected-parameters cell; returns the warnings to show (a parameter without default,
    /// no parameters cell). Nothing is changed when <paramref name="values"/> is empty.
    /// </summary>
    /// <exception cref="ArgumentException">A value does not parse as its default's type.</exception>
    public static IReadOnlyList<string> Inject(Notebook notebook, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(values);
        var warnings = new List<string>();
        if (values.Count == 0)
        {
            return warnings;
        }

        notebook.Cells.RemoveAll(c => c.HasTag(InjectedTag));
        var parameters = notebook.Cells.FindIndex(c => c.IsCode && c.HasTag(ParametersTag));
        var kernel = parameters >= 0 ? notebook.KernelOf(notebook.Cells[parameters]) : notebook.DefaultKernel;
        var fsharp = kernel == "fsharp";
        var defaults = parameters >= 0 ? ReadDefaults(notebook.Cells[parameters], kernel) : [];
        if (parameters < 0)
        {
            warnings.Add("the notebook has no cell tagged 'parameters': the parameters go into a new first cell.");
        }

        var source = new StringBuilder("// Injected parameters (ispark run -p)\n");
        foreach (var (name, text) in values)
        {
            var known = defaults.LastOrDefault(d => d.Name == name);
            var type = known?.Type;
            if (known is null)
            {
                warnings.Add($"parameter '{name}' has no default in the parameters cell: injected as {TypeOfValue(text)}.");
            }

            type ??= TypeOfValue(text);
            if (fsharp)
            {
                source.Append("let ").Append(name).Append(" = ").Append(Literal(name, type, text, fsharp: true)).Append('\n');
            }
            else
            {
                source.Append(type).Append(' ').Append(name).Append(" = ").Append(Literal(name, type, text)).Append(";\n");
            }
        }

        var cell = new NotebookCell(CellType.Code, source.ToString().TrimEnd('\n'), parameters >= 0 ? notebook.Cells[parameters].KernelName : null);
        if (cell.KernelName is { } named)
        {
            cell.Metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = named };
        }

        cell.AddTag(InjectedTag);
        notebook.Cells.Insert(parameters + 1, cell);
        notebook.Metadata["ispark"] ??= new JsonObject();
        var recorded = new JsonObject();
        foreach (var (name, text) in values)
        {
            recorded[name] = text;
        }

        notebook.Metadata["ispark"]!["parameters"] = recorded;
        return warnings;
    }

    /// <summary>The C# literal of a value for a type; throws when the text is not a value of that type.</summary>
    internal static string Literal(string name, string type, string text, bool fsharp = false)
    {
        var invariant = CultureInfo.InvariantCulture;
        string Fail() => throw new ArgumentException($"parameter '{name}': '{InputText.Clip(text)}' is not a {type} (the type of its default in the parameters cell).");
        var t = text.Trim();
        if (fsharp)
        {
            return type switch
            {
                "string" => StringLiteral(text),
                "int" => int.TryParse(t, NumberStyles.Integer, invariant, out var fi) ? fi.ToString(invariant) : Fail(),
                "long" => long.TryParse(t, NumberStyles.Integer, invariant, out var fl) ? fl.ToString(invariant) + "L" : Fail(),
                "double" => double.TryParse(t, NumberStyles.Float, invariant, out var fd) && double.IsFinite(fd) ? FSharpFloat(fd.ToString("R", invariant)) : Fail(),
                "float" => float.TryParse(t, NumberStyles.Float, invariant, out var ff) && float.IsFinite(ff) ? FSharpFloat(ff.ToString("R", invariant)) + "f" : Fail(),
                "decimal" => decimal.TryParse(t, NumberStyles.Float, invariant, out var fm) ? fm.ToString(invariant) + "M" : Fail(),
                "bool" => bool.TryParse(t, out var fb) ? (fb ? "true" : "false") : Fail(),
                "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Guid" =>
                    CanParse(type, t) ? $"System.{type}.Parse({StringLiteral(t)}, System.Globalization.CultureInfo.InvariantCulture)" : Fail(),
                _ => Fail(),
            };
        }

        return type switch
        {
            "string" => StringLiteral(text),
            "int" => int.TryParse(t, NumberStyles.Integer, invariant, out var i) ? i.ToString(invariant) : Fail(),
            "long" => long.TryParse(t, NumberStyles.Integer, invariant, out var l) ? l.ToString(invariant) + "L" : Fail(),
            "short" => short.TryParse(t, NumberStyles.Integer, invariant, out var s) ? $"(short){s.ToString(invariant)}" : Fail(),
            "byte" => byte.TryParse(t, NumberStyles.Integer, invariant, out var b) ? $"(byte){b.ToString(invariant)}" : Fail(),
            "double" => double.TryParse(t, NumberStyles.Float, invariant, out var d) && double.IsFinite(d) ? d.ToString("R", invariant) + "d" : Fail(),
            "float" => float.TryParse(t, NumberStyles.Float, invariant, out var f) && float.IsFinite(f) ? f.ToString("R", invariant) + "f" : Fail(),
            "decimal" => decimal.TryParse(t, NumberStyles.Float, invariant, out var m) ? m.ToString(invariant) + "m" : Fail(),
            "bool" => bool.TryParse(t, out var v) ? (v ? "true" : "false") : Fail(),
            "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Guid" =>
                CanParse(type, t) ? $"{type}.Parse({StringLiteral(t)}, System.Globalization.CultureInfo.InvariantCulture)" : Fail(),
            _ => Fail(),
        };
    }

    private static bool CanParse(string type, string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            "DateTime" => DateTime.TryParse(text, invariant, DateTimeStyles.None, out _),
            "DateTimeOffset" => DateTimeOffset.TryParse(text, invariant, DateTimeStyles.None, out _),
            "DateOnly" => DateOnly.TryParse(text, invariant, DateTimeStyles.None, out _),
            "TimeOnly" => TimeOnly.TryParse(text, invariant, DateTimeStyles.None, out _),
            "TimeSpan" => TimeSpan.TryParse(text, invariant, out _),
            "Guid" => Guid.TryParse(text, out _),
            _ => false,
        };
    }

    /// <summary>A C# regular string literal of any text (quotes, backslashes and control characters escaped).</summary>
    internal static string StringLiteral(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    /// <summary>The type of a default written with <c>var</c>, from its literal; null when it is an expression.</summary>
    internal static string? TypeOfLiteral(string value, bool fsharp = false)
    {
        var v = value.Trim();
        if (fsharp)
        {
            // F#: 1 int, 1L int64, 1.0 / 1e3 float (double), 1.5f float32, 1.5M decimal.
            var f = FSharpNumber().Match(v);
            if (f.Success)
            {
                return f.Groups["suffix"].Value switch
                {
                    "L" => "long",
                    "M" or "m" => "decimal",
                    "f" or "F" => "float",
                    _ when f.Groups["fraction"].Success || f.Groups["exponent"].Success => "double",
                    _ => "int",
                };
            }
        }

        if (v.StartsWith('"') || v.StartsWith("@\"", StringComparison.Ordinal) || v.StartsWith("$\"", StringComparison.Ordinal) || v.StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            return "string";
        }

        if (v is "true" or "false")
        {
            return "bool";
        }

        var number = Number().Match(v);
        if (number.Success)
        {
            var suffix = number.Groups["suffix"].Value.ToLowerInvariant();
            var isReal = number.Groups["fraction"].Success || number.Groups["exponent"].Success;
            return suffix switch
            {
                "l" => "long",
                "m" => "decimal",
                "f" => "float",
                "d" => "double",
                _ when isReal => "double",
                _ => int.TryParse(number.Groups["digits"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "int" : "long",
            };
        }

        foreach (var type in new[] { "DateTime", "DateTimeOffset", "DateOnly", "TimeOnly", "TimeSpan", "Guid" })
        {
            if (v.StartsWith(type + ".", StringComparison.Ordinal) || v.StartsWith("new " + type + "(", StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The type a value without a default gets: int, long, double, bool, else string (papermill's inference).</summary>
    internal static string TypeOfValue(string text)
    {
        var t = text.Trim();
        var invariant = CultureInfo.InvariantCulture;
        if (int.TryParse(t, NumberStyles.AllowLeadingSign, invariant, out _))
        {
            return "int";
        }

        if (long.TryParse(t, NumberStyles.AllowLeadingSign, invariant, out _))
        {
            return "long";
        }

        if (t.Length > 0 && double.TryParse(t, NumberStyles.Float, invariant, out var d) && double.IsFinite(d))
        {
            return "double";
        }

        return t is "true" or "false" or "True" or "False" ? "bool" : "string";
    }

    /// <summary>F# writes a float literal with a '.' or an exponent ("2" would be an int).</summary>
    private static string FSharpFloat(string text) =>
        text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";

    /// <summary>F# type names in C#'s (the names this class types parameters with).</summary>
    private static string? FromFSharpType(string type) => type switch
    {
        "string" or "String" => "string",
        "int" or "int32" or "Int32" => "int",
        "int64" or "Int64" => "long",
        "float" or "double" or "Double" => "double",
        "float32" or "single" or "Single" => "float",
        "decimal" or "Decimal" => "decimal",
        "bool" or "Boolean" => "bool",
        var other when KnownTypes.Contains(other) => other,
        _ => null,
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^\s*let\s+(?:mutable\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(?<type>[A-Za-z_][A-Za-z0-9_.]*)\s*)?=\s*(?<value>[^/]+?|""[^""]*"")\s*(//.*)?$")]
    private static partial Regex FSharpDeclaration();

    [GeneratedRegex(@"^-?[0-9][0-9_]*(?<fraction>\.[0-9_]+)?(?<exponent>[eE][+-]?[0-9]+)?(?<suffix>[LMmfF])?$")]
    private static partial Regex FSharpNumber();

    [GeneratedRegex(@"^\s*(?:(?<type>[A-Za-z_][A-Za-z0-9_.]*\??)\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<value>[^;]+|""[^""]*"");\s*(//.*)?$")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^-?(?<digits>[0-9][0-9_]*)(?<fraction>\.[0-9_]+)?(?<exponent>[eE][+-]?[0-9]+)?(?<suffix>[lLmMfFdD])?$")]
    private static partial Regex Number();
}

using System.Globalization;

namespace InteractiveSpark.Magics;

/// <summary>Whether a word can name a C# variable (a session's name becomes one).</summary>
/// <remarks>
/// Written here rather than taken from Roslyn's <c>SyntaxFacts</c>: this library is a package dependency of the .NET
/// Interactive extension, and a Roslyn dependency would make a notebook restore a second Roslyn beside the one the
/// dotnet-interactive kernel loads (a version clash in one process). The rule is small and fixed by the language.
/// </remarks>
public static class CSharpNames
{
    // The reserved keywords of C# (contextual ones are valid names), plus "var", which would read as a type.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while", "var",
    };

    /// <summary>True when <paramref name="name"/> is a C# identifier (letters, digits, _; not starting with a digit) and no keyword.</summary>
    public static bool IsVariableName(string? name)
    {
        if (string.IsNullOrEmpty(name) || Reserved.Contains(name))
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(name[i]);
            var letter = name[i] == '_' || category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
                or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;
            var part = category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format;
            if (!(letter || (i > 0 && part)))
            {
                return false;
            }
        }

        return true;
    }
}

namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>
/// Cursor positions: the protocol (5.2+) counts Unicode code points, .NET strings count UTF-16 code units; they differ
/// past any character outside the Basic Multilingual Plane (an emoji in a comment).
/// </summary>
public static class CursorPosition
{
    /// <summary>The UTF-16 offset of code point <paramref name="codePoints"/> (clamped to the text).</summary>
    public static int ToUtf16(string text, int codePoints)
    {
        var offset = 0;
        for (var n = 0; n < codePoints && offset < text.Length; n++)
        {
            offset += char.IsHighSurrogate(text[offset]) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]) ? 2 : 1;
        }

        return offset;
    }

    /// <summary>The code point index of UTF-16 offset <paramref name="utf16"/>.</summary>
    public static int ToCodePoints(string text, int utf16)
    {
        var points = 0;
        for (var i = 0; i < utf16 && i < text.Length; i++)
        {
            if (!(char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                points++;
            }
        }

        return points;
    }
}

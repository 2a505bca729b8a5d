namespace InteractiveSpark.Magics;

/// <summary>What a magic shows, in the forms every host can display: plain text, and HTML where it has one.</summary>
/// <param name="Text">The text/plain form.</param>
/// <param name="Html">The text/html form, or null.</param>
public sealed record MagicDisplay(string Text, string? Html = null);

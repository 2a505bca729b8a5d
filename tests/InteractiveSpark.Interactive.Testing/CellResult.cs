using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive.Testing;

/// <summary>What a cell of an <see cref="InProcessKernel"/> produced: its events and its failure message, if it failed.</summary>
public sealed record CellResult(IReadOnlyList<KernelEvent> Events, string? Error)
{
    /// <summary>The text/plain of every display, updates included, in order.</summary>
    public IReadOnlyList<string> Outputs => Of(PlainTextFormatter.MimeType);

    /// <summary>The last displayed text (a progress line ends as the result line).</summary>
    public string? LastOutput => Outputs.LastOrDefault();

    /// <summary>The text/html of every display, updates included, in order.</summary>
    public IReadOnlyList<string> Htmls => Of(HtmlFormatter.MimeType);

    /// <summary>What the cell wrote to Console, then its return value as text/plain.</summary>
    public string Output => string.Join("\n", Events.OfType<StandardOutputValueProduced>().SelectMany(e => e.FormattedValues).Select(v => v.Value))
        + string.Join("\n", Events.OfType<ReturnValueProduced>().SelectMany(e => e.FormattedValues).Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value));

    private IReadOnlyList<string> Of(string mimeType) =>
        Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues.Where(v => v.MimeType == mimeType).Select(v => v.Value)).ToArray();
}

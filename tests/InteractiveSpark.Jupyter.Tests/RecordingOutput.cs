using System.Collections.Concurrent;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>What a cell sent, as the kernel would publish it (kind, MIME bundle or stream text, display id).</summary>
internal sealed class RecordingOutput : ICellOutput
{
    public ConcurrentQueue<(string Kind, string? Name, MimeBundle? Bundle, string? Text, string? DisplayId)> Sent { get; } = new();

    public string Stdout => string.Concat(Sent.Where(s => s.Kind == "stream" && s.Name == "stdout").Select(s => s.Text));

    public MimeBundle? LastResult => Sent.LastOrDefault(s => s.Kind == "result").Bundle;

    public void Stream(string name, string text) => Sent.Enqueue(("stream", name, null, text, null));

    public void Display(MimeBundle bundle, string? displayId = null) => Sent.Enqueue(("display", null, bundle, null, displayId));

    public void UpdateDisplay(MimeBundle bundle, string displayId) => Sent.Enqueue(("update", null, bundle, null, displayId));

    public void Result(MimeBundle bundle) => Sent.Enqueue(("result", null, bundle, null, null));

    public void ClearOutput(bool wait) => Sent.Enqueue(("clear", null, null, null, null));

    public void Page(MimeBundle bundle) => Sent.Enqueue(("page", null, bundle, null, null));

    public Task<string> InputAsync(string prompt, bool password, CancellationToken cancellation) => Task.FromResult("typed");
}

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>Where the kernel's own submissions (a magic declaring its variable) send output: nowhere.</summary>
internal sealed class NoOutput : ICellOutput
{
    public static NoOutput Instance { get; } = new();

    public void Stream(string name, string text)
    {
    }

    public void Display(MimeBundle bundle, string? displayId = null)
    {
    }

    public void UpdateDisplay(MimeBundle bundle, string displayId)
    {
    }

    public void Result(MimeBundle bundle)
    {
    }

    public void ClearOutput(bool wait)
    {
    }

    public void Page(MimeBundle bundle)
    {
    }

    public Task<string> InputAsync(string prompt, bool password, CancellationToken cancellation) => Task.FromResult("");
}

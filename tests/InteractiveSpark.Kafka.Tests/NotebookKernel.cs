using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Kafka.Tests;

/// <summary>
/// A notebook kernel in this process (a composite kernel with C#, as dotnet-interactive builds one) with the extension
/// loaded the way its extension.dib loads it: the magics run exactly as in a notebook, without Jupyter.
/// </summary>
internal sealed class NotebookKernel : IDisposable
{
    private NotebookKernel(CompositeKernel root, CSharpKernel csharp)
    {
        Root = root;
        CSharp = csharp;
    }

    public CompositeKernel Root { get; }

    public CSharpKernel CSharp { get; }

    public static async Task<NotebookKernel> StartAsync()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var root = new CompositeKernel { csharp };
        root.DefaultKernelName = csharp.Name;
        csharp.AddAssemblyReferences([typeof(Interactive.SparkKernelExtension).Assembly.Location]);
        var load = await root.SendAsync(new SubmitCode(
            "await InteractiveSpark.Interactive.SparkKernelExtension.LoadAsync(Microsoft.DotNet.Interactive.Kernel.Root);"));
        if (load.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
        {
            root.Dispose();
            throw new InvalidOperationException($"Loading the extension failed: {failed.Message}");
        }

        return new NotebookKernel(root, csharp);
    }

    /// <summary>Runs a cell; returns its displayed values and failure.</summary>
    public async Task<Cell> RunAsync(string code, TimeSpan? timeout = null)
    {
        var result = await Root.SendAsync(new SubmitCode(code)).WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return new Cell(result.Events, result.Events.OfType<CommandFailed>().FirstOrDefault()?.Message);
    }

    public void Dispose() => Root.Dispose();
}

/// <summary>What a cell produced.</summary>
internal sealed record Cell(IReadOnlyList<KernelEvent> Events, string? Error)
{
    /// <summary>The text/plain of every display, updates included, in order.</summary>
    public IReadOnlyList<string> Texts => Of(PlainTextFormatter.MimeType);

    /// <summary>The text/html of every display, updates included, in order.</summary>
    public IReadOnlyList<string> Htmls => Of(HtmlFormatter.MimeType);

    /// <summary>Values produced by Console output and results.</summary>
    public string Output => string.Join("\n", Events.OfType<StandardOutputValueProduced>().SelectMany(e => e.FormattedValues).Select(v => v.Value))
        + string.Join("\n", Events.OfType<ReturnValueProduced>().SelectMany(e => e.FormattedValues).Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value));

    private IReadOnlyList<string> Of(string mime) =>
        Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues.Where(v => v.MimeType == mime).Select(v => v.Value)).ToArray();
}

using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>
/// A notebook kernel in this process (a composite kernel with C#, as dotnet-interactive builds one) with the
/// extension loaded: fast tests of the magics' parsing, messages and variables, without Jupyter.
/// </summary>
internal sealed class InProcessKernel : IDisposable
{
    private InProcessKernel(CompositeKernel root, CSharpKernel csharp, IReadOnlyList<string> loadOutput)
    {
        Root = root;
        CSharp = csharp;
        LoadOutput = loadOutput;
    }

    public CompositeKernel Root { get; }

    public CSharpKernel CSharp { get; }

    /// <summary>What loading the extension displayed.</summary>
    public IReadOnlyList<string> LoadOutput { get; }

    public static async Task<InProcessKernel> StartAsync()
    {
        // As dotnet-interactive sets its kernels up: display() and the other helpers, #!share and #!set.
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var root = new CompositeKernel { csharp };
        root.DefaultKernelName = csharp.Name;

        // Load the way the package's extension.dib does: from a C# cell, so the load line is that cell's output.
        csharp.AddAssemblyReferences([typeof(SparkKernelExtension).Assembly.Location]);
        var load = await root.SendAsync(new SubmitCode(
            "await InteractiveSpark.Interactive.SparkKernelExtension.LoadAsync(Microsoft.DotNet.Interactive.Kernel.Root);"));
        if (load.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
        {
            root.Dispose();
            throw new InvalidOperationException($"Loading the extension failed: {failed.Message}");
        }

        return new InProcessKernel(root, csharp, Texts(load.Events));
    }

    /// <summary>Runs a cell; returns its outputs as text and its failure message, if it failed.</summary>
    public async Task<CellResult> RunAsync(string code, TimeSpan? timeout = null)
    {
        var result = await Root.SendAsync(new SubmitCode(code)).WaitAsync(timeout ?? TimeSpan.FromMinutes(3));
        var failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
        return new CellResult(Texts(result.Events), failed?.Message, result.Events);
    }

    public void Dispose() => Root.Dispose();

    /// <summary>Every text/plain value displayed, updated values included, in order.</summary>
    private static IReadOnlyList<string> Texts(IEnumerable<KernelEvent> events) =>
        events.OfType<DisplayEvent>()
            .SelectMany(e => e.FormattedValues.Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value))
            .ToArray();
}

internal sealed record CellResult(IReadOnlyList<string> Outputs, string? Error, IReadOnlyList<KernelEvent> Events)
{
    /// <summary>The last displayed text (a progress line ends as the result line).</summary>
    public string? LastOutput => Outputs.LastOrDefault();
}

using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace InteractiveSpark.Interactive.Testing;

/// <summary>
/// A notebook kernel in this process (a composite kernel with C#, as dotnet-interactive builds one) with the
/// extension loaded the way its extension.dib loads it: the magics run exactly as in a notebook, without Jupyter, for
/// fast tests of their parsing, messages and variables.
/// </summary>
public sealed class InProcessKernel : IDisposable
{
    private InProcessKernel(CompositeKernel root, CSharpKernel csharp, IReadOnlyList<string> loadOutput)
    {
        Root = root;
        CSharp = csharp;
        LoadOutput = loadOutput;
    }

    /// <summary>The composite kernel cells are sent to.</summary>
    public CompositeKernel Root { get; }

    /// <summary>The C# kernel (its variables are the notebook's).</summary>
    public CSharpKernel CSharp { get; }

    /// <summary>What loading the extension displayed.</summary>
    public IReadOnlyList<string> LoadOutput { get; }

    /// <summary>Builds the kernel and loads the extension; throws with the kernel's message when the load fails.</summary>
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

        return new InProcessKernel(root, csharp, new CellResult(load.Events, null).Outputs);
    }

    /// <summary>Runs a cell; returns what it displayed and its failure message, if it failed.</summary>
    public async Task<CellResult> RunAsync(string code, TimeSpan? timeout = null)
    {
        var result = await Root.SendAsync(new SubmitCode(code)).WaitAsync(timeout ?? TimeSpan.FromMinutes(3));
        return new CellResult(result.Events, result.Events.OfType<CommandFailed>().FirstOrDefault()?.Message);
    }

    /// <inheritdoc />
    public void Dispose() => Root.Dispose();
}

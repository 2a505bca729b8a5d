namespace InteractiveSpark.Jobs.Execution;

/// <summary>A kernel a notebook run submits its cells to, out of this process: dotnet-interactive or the InteractiveSpark kernel.</summary>
public interface INotebookKernel : IAsyncDisposable
{
    /// <summary>
    /// Runs <paramref name="code"/> (on <paramref name="kernelName"/>, a notebook's per-cell kernel, when not null) and
    /// streams what it shows to <paramref name="onEvent"/> until it ends. Cancelling asks the kernel to interrupt and
    /// returns at once (dispose the kernel to stop it).
    /// </summary>
    Task<KernelCommandResult> SubmitCodeAsync(string code, string? kernelName, Action<KernelEvent> onEvent, CancellationToken cancellationToken = default);
}

using InteractiveSpark.Sessions;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The sessions one notebook kernel opened (a <see cref="SparkSessionRegistry"/>). Disposing it (the kernel is disposed,
/// or the process exits) stops every one of them and every server the notebook started.
/// </summary>
internal sealed class NotebookSparkSessions : IDisposable
{
    private int disposed;

    public NotebookSparkSessions()
    {
        // A kernel that exits without disposing its kernels must not leave local Spark servers behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The registry behind this notebook's sessions.</summary>
    public SparkSessionRegistry Registry { get; } = new();

    /// <summary>The open sessions.</summary>
    public IReadOnlyList<OpenSparkSession> All => Registry.All;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            Registry.StopAllAsync().GetAwaiter().GetResult();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}

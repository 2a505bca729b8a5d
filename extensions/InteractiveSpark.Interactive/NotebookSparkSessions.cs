using InteractiveSpark.Logging;
using InteractiveSpark.Sessions;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The sessions one notebook kernel opened (a <see cref="SparkSessionRegistry"/>). Disposing it (the kernel is disposed,
/// or the process exits) stops every one of them and every server the notebook started.
/// </summary>
internal sealed class NotebookSparkSessions : IDisposable
{
    private readonly ProductLog? _log;
    private int _disposed;

    public NotebookSparkSessions()
    {
        // The product log of this kernel (file sink on by default; ISPARK_LOG_* change it). A bad setting must not stop
        // the notebook: the extension says so on load and runs without a log.
        try
        {
            _log = ProductLog.Create(LoggingOptions.FromEnvironment("notebook"));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            LogProblem = $"InteractiveSpark logs nothing in this kernel: {e.Message}";
        }

        // A kernel that exits without disposing its kernels must not leave local Spark servers behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Where sessions and launchers log; null when the log could not be set up (<see cref="LogProblem"/> says why).</summary>
    public ILoggerFactory? LoggerFactory => _log?.LoggerFactory;

    /// <summary>Why there is no log, for the load line; null when there is one.</summary>
    public string? LogProblem { get; }

    /// <summary>The registry behind this notebook's sessions.</summary>
    public SparkSessionRegistry Registry { get; } = new();

    /// <summary>The open sessions.</summary>
    public IReadOnlyList<OpenSparkSession> All => Registry.All;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            Registry.StopAllAsync().GetAwaiter().GetResult();
            _log?.Dispose();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}

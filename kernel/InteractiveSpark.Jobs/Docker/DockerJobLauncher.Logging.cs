using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jobs.Docker;

// The job launcher's lines in the product log: which container a job got (id and name, so `docker ps` and the log can
// be matched), how it ended and that its container went away. Parameter values are not logged: they travel inside the
// notebook only.
public sealed partial class DockerJobLauncher
{
    [LoggerMessage(EventId = 320, Level = LogLevel.Information,
        Message = "Job {JobId}: created container {ContainerName} ({ContainerId}) from {Image} for {Notebook}, parameters: {ParameterNames}")]
    private static partial void LogCreated(ILogger logger, string jobId, string containerName, string containerId, string image, string notebook, string parameterNames);

    [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Job {JobId}: started ({Mode})")]
    private static partial void LogStarted(ILogger logger, string jobId, string mode);

    [LoggerMessage(EventId = 322, Level = LogLevel.Information,
        Message = "Job {JobId}: ended with exit code {ExitCode} after {Seconds:0.0} s; results in {OutputFolder}")]
    private static partial void LogEnded(ILogger logger, string jobId, long exitCode, double seconds, string outputFolder);

    [LoggerMessage(EventId = 323, Level = LogLevel.Information, Message = "Job {JobId}: container {ContainerName} removed")]
    private static partial void LogRemoved(ILogger logger, string jobId, string containerName);

    [LoggerMessage(EventId = 324, Level = LogLevel.Error, Message = "Job {JobId} failed after {Seconds:0.0} s: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, double seconds, string reason);

    [LoggerMessage(EventId = 325, Level = LogLevel.Warning, Message = "Job {JobId}: cancelled after {Seconds:0.0} s")]
    private static partial void LogCancelled(ILogger logger, string jobId, double seconds);

    /// <summary>An exception filter that logs why a job failed and lets the exception go on (returns false).</summary>
    private bool LogFailure(string jobId, Stopwatch watch, Exception e)
    {
        if (e is OperationCanceledException)
        {
            LogCancelled(_logger, jobId, watch.Elapsed.TotalSeconds);
        }
        else
        {
            LogFailed(_logger, jobId, watch.Elapsed.TotalSeconds, e.Message);
        }

        return false;
    }
}

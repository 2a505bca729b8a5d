using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Docker;

// A Docker session's stop in the product log: what was asked to go, and what the engine still listed afterwards.
public sealed partial class DockerSparkSession
{
    [LoggerMessage(EventId = 310, Level = LogLevel.Information,
        Message = "Session {SessionId} ({Name}): stopping ({How}), removing {Count} container(s): {ContainerNames}")]
    private static partial void LogStopping(ILogger logger, string sessionId, string name, string how, int count, string containerNames);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information,
        Message = "Session {SessionId}: containers removed in {Seconds:0.0} s; {Left} left on the engine")]
    private static partial void LogRemoved(ILogger logger, string sessionId, double seconds, int left);

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning,
        Message = "Session {SessionId}: removing container {ContainerId} failed ({Reason}); the gateway's idle timer ends what is left")]
    private static partial void LogRemoveFailed(ILogger logger, string sessionId, string containerId, string reason);

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning,
        Message = "Session {SessionId}: the driver container {ContainerName} had exited by itself with code {ExitCode} (idle timer, or a failure) before the stop")]
    private static partial void LogExitedBefore(ILogger logger, string sessionId, string containerName, string exitCode);
}

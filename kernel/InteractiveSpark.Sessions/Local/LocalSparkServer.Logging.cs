using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Local;

// The local launcher's lines in the product log: enough to tell which server a notebook started, how long it took,
// and why it failed. The token never appears (it travels in the server's environment only).
public sealed partial class LocalSparkServer
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information,
        Message = "Starting a local Spark Connect server from {SparkHome} (master {Master}, port {Port}, UI port {UiPort}, pid {ProcessId})")]
    private static partial void LogStarting(ILogger logger, string sparkHome, string master, int port, int? uiPort, int processId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Local Spark Connect server on port {Port} ready in {Seconds:0.0} s")]
    private static partial void LogReady(ILogger logger, int port, double seconds);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Local Spark Connect server on port {Port} {Reason}")]
    private static partial void LogStartFailed(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error,
        Message = "The local Spark Connect server on port {Port} exited by itself with code {ExitCode}; its last lines: {LastLines}")]
    private static partial void LogExitedUnexpectedly(ILogger logger, int port, int exitCode, string lastLines);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Stopping the local Spark Connect server on port {Port} (pid {ProcessId})")]
    private static partial void LogStopping(ILogger logger, int port, int processId);
}

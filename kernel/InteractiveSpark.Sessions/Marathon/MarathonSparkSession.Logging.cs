using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Marathon;

// A Marathon session's removal in the product log: the group asked to go, and whether Marathon let it go in time.
public sealed partial class MarathonSparkSession
{
    [LoggerMessage(EventId = 410, Level = LogLevel.Information,
        Message = "Session {SessionId} ({Name}): removing group {GroupId} from Marathon")]
    private static partial void LogRemoving(ILogger logger, string sessionId, string name, string groupId);

    [LoggerMessage(EventId = 411, Level = LogLevel.Information,
        Message = "Session {SessionId}: group {GroupId} removed in {Seconds:0.0} s")]
    private static partial void LogRemoved(ILogger logger, string sessionId, string groupId, double seconds);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning,
        Message = "Session {SessionId}: removing group {GroupId} did not finish ({Reason}); its labels say whose it is, and the gateway's idle timer stops Spark")]
    private static partial void LogRemoveFailed(ILogger logger, string sessionId, string groupId, string reason);
}

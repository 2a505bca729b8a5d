using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Marathon;

// The Marathon launcher's lines in the product log: the apps and deployments it asked for, where Marathon put the
// tasks, the gateway's proof, how long it took, Marathon's refusals and the tasks it lost, and the sweep of ended
// sessions. Every line names the session id; the token never appears (the apps get only its hash).
public sealed partial class MarathonSparkLauncher
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information,
        Message = "Session {SessionId} ({Name}): created app {AppId} on Marathon {Marathon} (image {Image}, {Cpus} cpus, {Memory}), deployment {Deployment}")]
    private static partial void LogAppCreated(ILogger logger, string sessionId, string name, string appId, string marathon, string image, double cpus, string memory, string deployment);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information,
        Message = "Session {SessionId}: deployment {Deployment} done, task {TaskId} of {AppId} running on {Host}, gateway port {GatewayPort}")]
    private static partial void LogDriverTask(ILogger logger, string sessionId, string deployment, string taskId, string appId, string host, int gatewayPort);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information,
        Message = "Session {SessionId}: created app {AppId} ({Instances} worker instance(s)), deployment {Deployment}")]
    private static partial void LogWorkersCreated(ILogger logger, string sessionId, string appId, int instances, string deployment);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information,
        Message = "Session {SessionId}: gateway {Host}:{GatewayPort} proved its certificate {CertificateSha256} (pin verified), Spark {SparkVersion} ready")]
    private static partial void LogPinVerified(ILogger logger, string sessionId, string host, int gatewayPort, string certificateSha256, string sparkVersion);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information,
        Message = "Session {SessionId}: ready in {Seconds:0.0} s (group {GroupId}, {WorkerTasks} worker task(s) running)")]
    private static partial void LogReady(ILogger logger, string sessionId, double seconds, string groupId, int workerTasks);

    [LoggerMessage(EventId = 405, Level = LogLevel.Error,
        Message = "Session {SessionId} ({Name}) failed to start after {Seconds:0.0} s while {Phase}; its group is removed: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string sessionId, string name, double seconds, string phase, string reason);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning,
        Message = "Session {SessionId}: Marathon reports task {TaskId} of {AppId} on {Host} as {State}: {Message}")]
    private static partial void LogTaskEnded(ILogger logger, string sessionId, string taskId, string appId, string host, string state, string message);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information,
        Message = "Session {SessionId}: sweep removed group {GroupId} (owner {Owner}): its driver ended ({Why}) and Marathon had relaunched it")]
    private static partial void LogSwept(ILogger logger, string sessionId, string groupId, string owner, string why);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information,
        Message = "Sweep of ended sessions under /{Group} on {Marathon}: {Checked} driver app(s) looked at, {Removed} group(s) removed")]
    private static partial void LogSweepDone(ILogger logger, string group, string marathon, int @checked, int removed);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning,
        Message = "Session {SessionId} ({Name}): start cancelled after {Seconds:0.0} s while {Phase}; its group is removed")]
    private static partial void LogStartCancelled(ILogger logger, string sessionId, string name, double seconds, string phase);

    [LoggerMessage(EventId = 410, Level = LogLevel.Information,
        Message = "Session {SessionId}: task {TaskId} on {Host} proved itself and got the session's settings (Spark secret, UI secret, --conf values) over TLS")]
    private static partial void LogSettingsDelivered(ILogger logger, string sessionId, string taskId, string host);
}

using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Docker;

// The Docker launcher's lines in the product log: which containers a session got (ids and names, so `docker ps` and
// the log can be matched), how long the start took, why it failed, and when its containers went away. Every line names
// the session id; the token never appears (the containers get only its hash).
public sealed partial class DockerSparkLauncher
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "Session {SessionId} ({Name}): image {Image} found on the Docker engine at {Endpoint}")]
    private static partial void LogImageFound(ILogger logger, string sessionId, string name, string image, Uri endpoint);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information,
        Message = "Session {SessionId}: created driver container {ContainerName} ({ContainerId}), gateway port {GatewayPort}, {Executors} executor(s), idle timeout {IdleTimeout}")]
    private static partial void LogDriverCreated(ILogger logger, string sessionId, string containerName, string containerId, int gatewayPort, int executors, string idleTimeout);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information,
        Message = "Session {SessionId}: created worker container {Index} of {Count}, {ContainerName} ({ContainerId})")]
    private static partial void LogWorkerCreated(ILogger logger, string sessionId, int index, int count, string containerName, string containerId);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information,
        Message = "Session {SessionId}: waiting up to {TimeoutSeconds:0} s for the gateway of {ContainerName} on {Host}:{GatewayPort} to report Spark ready")]
    private static partial void LogWaitingHealth(ILogger logger, string sessionId, double timeoutSeconds, string containerName, string host, int gatewayPort);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information,
        Message = "Session {SessionId}: ready in {Seconds:0.0} s, Spark {SparkVersion} behind the gateway {Host}:{GatewayPort} (certificate {CertificateSha256})")]
    private static partial void LogReady(ILogger logger, string sessionId, double seconds, string sparkVersion, string host, int gatewayPort, string certificateSha256);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error,
        Message = "Session {SessionId} ({Name}) failed to start after {Seconds:0.0} s; its containers are removed: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string sessionId, string name, double seconds, string reason);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning,
        Message = "Session {SessionId} ({Name}): start cancelled after {Seconds:0.0} s; its containers are removed")]
    private static partial void LogStartCancelled(ILogger logger, string sessionId, string name, double seconds);
}

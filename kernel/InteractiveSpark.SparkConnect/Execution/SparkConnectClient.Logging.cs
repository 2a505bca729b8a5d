using InteractiveSpark.Core;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.SparkConnect;

// What a session writes to the product's log. Every message names the session id (so one session's lines can be
// found among many) and the endpoint without its token (SparkConnectionString never prints it).
internal sealed partial class SparkConnectClient
{
    /// <summary>host:port, for log lines (never the connection string, which may hold the token).</summary>
    private string Endpoint => $"{Connection.Host}:{Connection.Port}";

    /// <summary>A one-line reason for a log line; redacted, since transport messages may quote headers.</summary>
    internal static string DescribeForLog(Exception e) =>
        SessionToken.Redact(e is Grpc.Core.RpcException rpc ? SparkErrors.Describe(rpc) : $"{e.GetType().Name}: {e.Message}");

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Spark session {SessionId} connected to {Endpoint} (Spark {SparkVersion}, TLS {Tls}, certificate pinned {Pinned})")]
    private static partial void LogConnected(ILogger logger, string sessionId, string endpoint, string sparkVersion, bool tls, bool pinned);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Spark session {SessionId} could not connect to {Endpoint}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string sessionId, string endpoint, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Spark session {SessionId} closed")]
    private static partial void LogClosed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "Spark session {SessionId}: result stream of operation {OperationId} broke ({Reason}); reattaching, attempt {Attempt}")]
    internal static partial void LogReattaching(ILogger logger, string sessionId, string operationId, string reason, int attempt);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug,
        Message = "Spark session {SessionId}: operation {OperationId} finished: {Responses} responses, {Rows} rows in {Milliseconds:0} ms")]
    internal static partial void LogExecutionFinished(ILogger logger, string sessionId, string operationId, long responses, long rows, double milliseconds);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning,
        Message = "Spark session {SessionId}: {Operation} failed: {ErrorClass} {Message}")]
    private static partial void LogFailedCore(ILogger logger, string sessionId, string operation, string errorClass, string message);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "Spark session {SessionId} detached (the server keeps it for a later attach)")]
    private static partial void LogDetached(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information,
        Message = "Spark session {SessionId} attached at {Endpoint}: {Running} operation(s) still running")]
    internal static partial void LogAttached(ILogger logger, string sessionId, string endpoint, int running);
}

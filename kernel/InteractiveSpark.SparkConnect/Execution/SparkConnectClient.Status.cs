using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// What attaching to an existing session needs from the channel: GetStatus (what the server still holds of a session
// and its operations), a server session id known in advance (so that a replaced session is refused, not silently
// recreated), and closing the channel without releasing the session.
internal sealed partial class SparkConnectClient
{
    /// <summary>
    /// GetStatus, called by name: our base.proto keeps its messages but not the rpc in the service, and a
    /// hand-made method descriptor is all a unary gRPC call needs.
    /// </summary>
    private static readonly Method<GetStatusRequest, GetStatusResponse> GetStatusMethod = new(
        MethodType.Unary,
        "spark.connect.SparkConnectService",
        "GetStatus",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), GetStatusRequest.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), GetStatusResponse.Parser.ParseFrom));

    /// <summary>
    /// Asks the server what it holds of this session: its server-side id and, when <paramref name="operationIds"/> is
    /// not null, the state of those operations (of all the session's known operations when it is empty). Unlike every
    /// other call it never creates the session: a session the server does not have fails with
    /// <c>INVALID_HANDLE.SESSION_NOT_FOUND</c> or <c>SESSION_CLOSED</c>.
    /// </summary>
    internal async Task<GetStatusResponse> GetStatusAsync(IEnumerable<string>? operationIds, CancellationToken cancellationToken)
    {
        var request = new GetStatusRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        if (operationIds is not null)
        {
            request.OperationStatus = new GetStatusRequest.Types.OperationStatusRequest();
            request.OperationStatus.OperationIds.Add(operationIds);
        }

        var invoker = _channel.CreateCallInvoker();
        var response = await UnaryAsync("GetStatus", o => invoker.AsyncUnaryCall(GetStatusMethod, null, o, request), cancellationToken)
            .ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response;
    }

    /// <summary>
    /// Takes the server-side session id a previous client observed, before the first call, so that every request
    /// carries it and the server refuses the call if its session was replaced in between.
    /// </summary>
    internal void AssumeServerSession(string observedId)
    {
        ArgumentException.ThrowIfNullOrEmpty(observedId);
        Interlocked.CompareExchange(ref _serverSideSessionId, observedId, null);
    }

    /// <summary>
    /// Closes the channel without releasing the session: the server keeps its views, settings, cached data and
    /// running operations for a later attach (until its own timeouts). Never throws; safe to call more than once.
    /// </summary>
    internal ValueTask DetachAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _channel.Dispose();
        LogDetached(Logger, SessionId);
        return ValueTask.CompletedTask;
    }
}

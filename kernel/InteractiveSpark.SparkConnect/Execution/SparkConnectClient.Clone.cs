using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// CloneSession: the server copies a session (conf, temporary views, UDFs, artifacts) into a new one of the id we
// choose; the copy then lives on its own.
internal sealed partial class SparkConnectClient
{
    /// <summary>Called by name, as GetStatus: our base.proto keeps the messages but not the rpc.</summary>
    private static readonly Method<CloneSessionRequest, CloneSessionResponse> CloneSessionMethod = new(
        MethodType.Unary,
        "spark.connect.SparkConnectService",
        "CloneSession",
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), CloneSessionRequest.Parser.ParseFrom),
        Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), CloneSessionResponse.Parser.ParseFrom));

    /// <summary>Asks the server to copy this session into a new one whose id is <paramref name="newSessionId"/>.</summary>
    internal async Task<CloneSessionResponse> CloneSessionAsync(string newSessionId, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var request = new CloneSessionRequest
        {
            SessionId = SessionId,
            UserContext = UserContext,
            ClientType = ClientType,
            NewSessionId = newSessionId,
        };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        var invoker = _channel.CreateCallInvoker();
        var response = await UnaryAsync("CloneSession", o => invoker.AsyncUnaryCall(CloneSessionMethod, null, o, request), cancellationToken)
            .ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response;
    }
}

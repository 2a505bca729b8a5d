using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// Artifacts: files the server adds to this session (jars to its class path, files and archives beside its executors,
// cache blobs in its block manager).
internal sealed partial class SparkConnectClient
{
    /// <summary>
    /// Streams the requests <paramref name="requests"/> makes (a fresh sequence per attempt, so that a retry after a
    /// transport failure sends everything again) over one AddArtifacts call and returns the server's summary. The whole
    /// upload is bounded by <see cref="SparkSessionOptions.RequestTimeout"/>.
    /// </summary>
    internal Task<AddArtifactsResponse> AddArtifactsAsync(
        Func<CancellationToken, IAsyncEnumerable<AddArtifactsRequest>> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return CallAsync(
            "AddArtifacts",
            async options =>
            {
                using var call = _stub.AddArtifacts(options);
                try
                {
                    await foreach (var request in requests(cancellationToken).ConfigureAwait(false))
                    {
                        request.SessionId = SessionId;
                        request.UserContext = UserContext;
                        request.ClientType = ClientType;
                        if (ServerSideSessionId is { } observed)
                        {
                            request.ClientObservedServerSideSessionId = observed;
                        }

                        await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                    }

                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // The server ended the call while we were still sending: its status (the real error) is what the
                    // response task throws below.
                }

                var response = await call.ResponseAsync.ConfigureAwait(false);
                ObserveServerSession(response.ServerSideSessionId);
                return response;
            },
            cancellationToken);
    }

    /// <summary>Asks which of <paramref name="names"/> the server holds for this session.</summary>
    internal async Task<ArtifactStatusesResponse> ArtifactStatusesAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var request = new ArtifactStatusesRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        request.Names.Add(names);
        var response = await UnaryAsync("ArtifactStatus", o => _stub.ArtifactStatusAsync(request, o), cancellationToken).ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response;
    }
}

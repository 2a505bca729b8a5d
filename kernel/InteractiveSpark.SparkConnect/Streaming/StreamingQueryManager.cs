using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.Streaming;

/// <summary>The session's streaming queries (Spark's <c>spark.streams</c>): <c>await session.Streams.ActiveAsync()</c>.</summary>
public sealed class StreamingQueryManager
{
    private readonly SparkSession _session;

    internal StreamingQueryManager(SparkSession session) => _session = session;

    /// <summary>The queries running in this session now.</summary>
    public async Task<IReadOnlyList<StreamingQuery>> ActiveAsync(CancellationToken cancellationToken = default)
    {
        var r = await RunAsync(c => c.Active = true, cancellationToken).ConfigureAwait(false);
        return r.Active?.ActiveQueries.Select(Query).ToArray() ?? [];
    }

    /// <summary>The query with this id (active or recently ended in this session), or null.</summary>
    public async Task<StreamingQuery?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var r = await RunAsync(c => c.GetQuery = id, cancellationToken).ConfigureAwait(false);
        return r.Query is { } q ? Query(q) : null;
    }

    /// <summary>Waits until any query of the session ends, at most <paramref name="timeout"/>; true when one ended.</summary>
    public async Task<bool> AwaitAnyTerminationAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var r = await RunAsync(c =>
        {
            c.AwaitAnyTermination = new P.StreamingQueryManagerCommand.Types.AwaitAnyTerminationCommand();
            if (timeout is { } t) c.AwaitAnyTermination.TimeoutMs = (long)t.TotalMilliseconds;
        }, cancellationToken).ConfigureAwait(false);
        return r.AwaitAnyTermination?.Terminated ?? false;
    }

    /// <summary>Forgets the queries that ended, so that <see cref="AwaitAnyTerminationAsync"/> waits for a new one.</summary>
    public async Task ResetTerminatedAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.ResetTerminated = true, cancellationToken).ConfigureAwait(false);

    private StreamingQuery Query(P.StreamingQueryManagerCommandResult.Types.StreamingQueryInstance q) =>
        new(_session, q.Id.Id, q.Id.RunId, q.HasName ? q.Name : null);

    private async Task<P.StreamingQueryManagerCommandResult> RunAsync(Action<P.StreamingQueryManagerCommand> fill, CancellationToken cancellationToken)
    {
        var command = new P.StreamingQueryManagerCommand();
        fill(command);
        var responses = await _session.RunCommandAsync(new P.Command { StreamingQueryManagerCommand = command }, null, cancellationToken).ConfigureAwait(false);
        return responses.Select(r => r.StreamingQueryManagerCommandResult).FirstOrDefault(r => r is not null)
            ?? throw new SparkException("The server sent no result for the streaming query manager command.");
    }
}

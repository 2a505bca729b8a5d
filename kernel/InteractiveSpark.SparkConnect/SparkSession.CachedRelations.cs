using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// DataFrames the server caches for the session (checkpoints) and the client releases once nothing refers to them. A
// DataFrame built on one shares its CachedRemoteRelation message (plans are never copied), so the lease lives exactly
// as long as some plan still names the cached relation; then its finalizer asks the server to drop it (PySpark does
// the same with a finalizer on its plan node).
public sealed partial class SparkSession
{
    private readonly ConditionalWeakTable<P.CachedRemoteRelation, CachedRelationLease> _cachedRelations = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _releasedRelations = new();

    /// <summary>The ids of cached relations released so far (what tests look at).</summary>
    internal IReadOnlyCollection<string> ReleasedCachedRelations => _releasedRelations;

    internal DataFrame CachedRemoteDataFrame(P.CachedRemoteRelation cached)
    {
        _cachedRelations.AddOrUpdate(cached, new CachedRelationLease(this, cached.RelationId));
        return new DataFrame(this, DataFrame.NewRelation(this, r => r.CachedRemoteRelation = cached));
    }

    /// <summary>Drops a cached relation on the server, in the background and bounded in time (called from a finalizer).</summary>
    private void ReleaseCachedRelation(string relationId)
    {
        if (Client.IsDisposed)
        {
            return; // the server dropped the whole session and its cached relations with it
        }

        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(Client.Options.CloseTimeout * 6);
                var command = new P.Command
                {
                    RemoveCachedRemoteRelationCommand = new P.RemoveCachedRemoteRelationCommand
                    {
                        Relation = new P.CachedRemoteRelation { RelationId = relationId },
                    },
                };
                await RunCommandAsync(command, null, timeout.Token).ConfigureAwait(false);
                _releasedRelations.Enqueue(relationId);
            }
            catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException)
            {
                // Best effort, as PySpark's: the session's end drops it anyway.
                LogReleaseFailed(Client.Logger, SessionId, InteractiveSpark.Core.SessionToken.Redact(e.Message));
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: releasing a cached DataFrame failed: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string sessionId, string reason);

    private sealed class CachedRelationLease(SparkSession session, string relationId)
    {
        ~CachedRelationLease() => session.ReleaseCachedRelation(relationId);
    }
}

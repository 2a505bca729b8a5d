using InteractiveSpark.Core;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions.Records;

/// <summary>Whether a recorded session can be attached to, as its server says now.</summary>
public enum AttachableState
{
    /// <summary>The server has the session: attach to it.</summary>
    Alive,

    /// <summary>The server no longer has it (closed, expired, or the driver stopped): its record can go.</summary>
    Gone,

    /// <summary>The server did not answer in time (a sleeping VPN, a network cut): try again later.</summary>
    Unreachable,
}

/// <summary>One recorded session and what its server says of it now (for <c>#!spark-sessions</c> and <c>ispark sessions</c>).</summary>
/// <param name="Record">The record (it holds the credential: never print it whole).</param>
/// <param name="State">Whether it can be attached to.</param>
/// <param name="Running">Its operations that still run or still hold results, as the server says (empty unless alive).</param>
/// <param name="Reason">Why it is gone or unreachable, in one line; null when alive.</param>
public sealed record AttachableSession(SessionRecord Record, AttachableState State, IReadOnlyList<SparkOperation> Running, string? Reason)
{
    /// <summary>How long ago the session was started.</summary>
    public TimeSpan Age => DateTimeOffset.UtcNow - Record.Created;

    /// <summary>How long since a client last used it (an operation started or ended, an attach).</summary>
    public TimeSpan Idle => DateTimeOffset.UtcNow - Record.LastUsed;
}

/// <summary>
/// Asks the servers of recorded sessions what they still hold, without changing anything: one GetStatus per session
/// (it never creates a session), then the connection is closed without releasing it.
/// </summary>
public static class SessionProbe
{
    /// <summary>How long one server may take to answer.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The sessions of these records that are not held by a live process, each with what its server says, newest first.</summary>
    /// <param name="records">The records (e.g. <see cref="SessionRecordStore.All"/>).</param>
    /// <param name="includeOwned">Whether sessions whose owner process still runs are probed too (by default they are in use elsewhere).</param>
    /// <param name="timeout">How long each server may take; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the probes.</param>
    public static async Task<IReadOnlyList<AttachableSession>> ProbeAsync(
        IEnumerable<SessionRecord> records, bool includeOwned = false, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var probes = records.Where(r => includeOwned || !r.OwnerIsAlive)
            .Select(r => ProbeAsync(r, timeout ?? DefaultTimeout, cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(probes).ConfigureAwait(false);
        return results.OrderByDescending(r => r.Record.Created).ToArray();
    }

    /// <summary>What the server of one record says of its session now.</summary>
    public static async Task<AttachableSession> ProbeAsync(SessionRecord record, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var options = SparkSessionOptions.Default with { ConnectTimeout = timeout, RequestTimeout = timeout, ServerGoneTimeout = TimeSpan.FromSeconds(1), MaxRetries = 1 };
        try
        {
            var session = await SparkSession.AttachAsync(record, options, cancellationToken).ConfigureAwait(false);
            try
            {
                // Running on the server, or ended with results still held for an operation that was in flight when its kernel
                // left; an operation that merely ended a moment ago (its release still on its way) is not "still running".
                var running = session.AttachedOperations
                    .Where(o => o.Value is SparkOperationState.Running
                                || (o.Value is SparkOperationState.Ending && record.Operations.Any(r => r.OperationId == o.Key)))
                    .Select(o => record.Operations.FirstOrDefault(r => r.OperationId == o.Key) ?? new SparkOperation(o.Key, default, "(started elsewhere)"))
                    .ToArray();
                return new AttachableSession(record, AttachableState.Alive, running, null);
            }
            finally
            {
                await session.DetachAsync().ConfigureAwait(false);
            }
        }
        catch (SparkException e) when (e.IsSessionLost || e.Message.StartsWith("Spark Connect session lost", StringComparison.Ordinal))
        {
            return new AttachableSession(record, AttachableState.Gone, [], FirstLine(e.Message));
        }
        catch (SparkException e)
        {
            return new AttachableSession(record, AttachableState.Unreachable, [], FirstLine(e.Message));
        }
    }

    private static string FirstLine(string message) => SessionToken.Redact(message.Split('\n')[0].Trim());
}

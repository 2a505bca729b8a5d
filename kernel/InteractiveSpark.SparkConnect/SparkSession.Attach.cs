using System.Globalization;
using Spark.Connect;
using OperationState = Spark.Connect.GetStatusResponse.Types.OperationStatus.Types.OperationState;

namespace InteractiveSpark.SparkConnect;

// Sessions that outlive their client: a session can be detached (the connection closes, the server keeps the
// session), and attached again later by its id, from another process, with its temporary views, settings, cached
// data and running operations; an operation that was in flight can be fetched by its id, never run again.
public sealed partial class SparkSession
{
    /// <summary>
    /// Attaches to a session that is still alive on its server (after a kernel restart, a crash or a sleeping laptop):
    /// one <c>GetStatus</c> round trip checks that the server still has it (it never creates a session) and what
    /// still runs there. Temporary views, settings and cached data are the session's own, on the server: they are
    /// all there. A <see cref="SparkSessionAttachment.ServerSideSessionId"/> makes sure it is the same session, not
    /// a new one of the same id on a restarted server.
    /// </summary>
    /// <exception cref="SparkException">
    /// The server no longer has the session (closed, expired, or the server restarted: one message says which and
    /// what to do), the server is gone (its port refuses connections), or it could not be reached in time.
    /// </exception>
    public static async Task<SparkSession> AttachAsync(
        SparkSessionAttachment attachment, SparkSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var sessionId = attachment.SessionId;
        if (!Guid.TryParse(sessionId, out _))
        {
            throw new ArgumentException($"The attachment's session id must be a UUID; got '{sessionId}'.", nameof(attachment));
        }

        options ??= SparkSessionOptions.Default;
        if (attachment.PinnedServerCertificateSha256 is { } pin)
        {
            options = options with { PinnedServerCertificateSha256 = pin };
        }

        var client = new SparkConnectClient(attachment.Connection, options);
        try
        {
            if (attachment.ServerSideSessionId is { Length: > 0 } observed)
            {
                client.AssumeServerSession(observed);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            GetStatusResponse status;
            try
            {
                status = await client.GetStatusAsync([], timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SparkException(
                    $"Could not reach Spark Connect at {attachment.Connection.Host}:{attachment.Connection.Port} within "
                    + $"{options.ConnectTimeout.TotalSeconds:0.#} s to attach to session {sessionId}.", e);
            }
            catch (SparkException e) when (e.IsSessionLost)
            {
                throw SessionGone(attachment, e);
            }

            var session = new SparkSession(client);
            session.AttachedOperations = status.OperationStatuses
                .Select(s => new KeyValuePair<string, SparkOperationState>(s.OperationId, ToState(s.State)))
                .ToDictionary(StringComparer.Ordinal);
            foreach (var left in attachment.Operations.Where(o => session.AttachedOperations.GetValueOrDefault(o.OperationId) is SparkOperationState.Running or SparkOperationState.Ending))
            {
                client.AdoptOperation(left);
            }

            var running = session.AttachedOperations.Count(o => o.Value is SparkOperationState.Running);
            SparkConnectClient.LogAttached(client.Logger, sessionId, $"{attachment.Connection.Host}:{attachment.Connection.Port}", running);
            return session;
        }
        catch
        {
            await client.DetachAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The operations the server knew of this session when it was attached, by id, with their state (empty for a
    /// session made with <c>ConnectAsync</c>). The server remembers ended operations for 30 min by default.
    /// </summary>
    public IReadOnlyDictionary<string, SparkOperationState> AttachedOperations { get; private set; } =
        new Dictionary<string, SparkOperationState>(StringComparer.Ordinal);

    /// <summary>The operations this session has in flight now, oldest first.</summary>
    public IReadOnlyList<SparkOperation> RunningOperations => Client.RunningOperations;

    /// <summary>Raised after one of this session's operations starts or ends (on the thread that started or ended it).</summary>
    public event Action? OperationsChanged
    {
        add => Client.OperationsChanged += value;
        remove => Client.OperationsChanged -= value;
    }

    /// <summary>
    /// What a later client needs to attach to this session (see <see cref="AttachAsync(SparkSessionAttachment, SparkSessionOptions?, CancellationToken)"/>),
    /// with the operations in flight now. It holds the token: store it only where its owner alone can read it.
    /// </summary>
    public SparkSessionAttachment Attachment => new()
    {
        Connection = Client.Connection with { SessionId = SessionId, UserId = UserId },
        ServerSideSessionId = ServerSideSessionId,
        PinnedServerCertificateSha256 = Client.Options.PinnedServerCertificateSha256,
        Operations = RunningOperations,
    };

    /// <summary>
    /// Closes the connection but leaves the session on the server, with its views, settings, cached data and
    /// running operations, for a later <see cref="AttachAsync(SparkSessionAttachment, SparkSessionOptions?, CancellationToken)"/>.
    /// The server closes a session nobody uses after its own timeout (60 min by default), and drops an operation
    /// nobody is attached to after 5 min by default. After this, the object is disposed.
    /// </summary>
    public ValueTask DetachAsync() => Client.DetachAsync();

    /// <summary>What the server says of one of this session's operations now.</summary>
    public async Task<SparkOperationState> GetOperationStateAsync(string operationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationId);
        var status = await Client.GetStatusAsync([operationId], cancellationToken).ConfigureAwait(false);
        return status.OperationStatuses.FirstOrDefault(s => s.OperationId == operationId) is { } s ? ToState(s.State) : SparkOperationState.Unknown;
    }

    /// <summary>
    /// Fetches the rows of an operation this session started earlier, from another client perhaps (a kernel that
    /// died), by reattaching to it (<c>ReattachExecute</c>): while it runs, this waits for it; once it ended, the
    /// rows come from what the server kept. It never sends the query again, so nothing runs twice.
    /// </summary>
    /// <exception cref="SparkException">
    /// The server no longer holds the operation's results; the message says whether it finished (and its results
    /// went to the client that started it), failed, was cancelled, or was dropped because nobody attached to it in
    /// time, and that it was not run again.
    /// </exception>
    public Task<IReadOnlyList<Row>> FetchOperationAsync(string operationId, CancellationToken cancellationToken = default) =>
        FetchOperationAsync(new SparkOperation(operationId, default, ""), cancellationToken);

    /// <summary>
    /// Fetches the rows of an operation from a <see cref="SparkSessionAttachment.Operations"/> list (see
    /// <see cref="FetchOperationAsync(string, CancellationToken)"/>); when it is gone, the message says when it started.
    /// </summary>
    public async Task<IReadOnlyList<Row>> FetchOperationAsync(SparkOperation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!Guid.TryParse(operation.OperationId, out _))
        {
            throw new ArgumentException($"An operation id is a UUID; got '{operation.OperationId}'.", nameof(operation));
        }

        Client.ThrowIfDisposed();
        var execution = new ReattachableExecution(Client, operation.OperationId, progress: null);
        try
        {
            var (_, rows) = await ArrowResults.CollectAsync(execution.RunAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            Client.OnOperationEnded(operation.OperationId);
            return rows;
        }
        catch (SparkException e) when (e.ErrorClass is "INVALID_HANDLE.OPERATION_NOT_FOUND" or "INVALID_HANDLE.OPERATION_ABANDONED"
                                           or "INVALID_CURSOR.POSITION_NOT_AVAILABLE" or "INVALID_CURSOR.NOT_REATTACHABLE")
        {
            SparkOperationState state;
            try
            {
                state = await GetOperationStateAsync(operation.OperationId, cancellationToken).ConfigureAwait(false);
            }
            catch (SparkException)
            {
                state = SparkOperationState.Unknown;
            }

            Client.OnOperationEnded(operation.OperationId);
            throw OperationGone(operation, state, e);
        }
    }

    private static SparkOperationState ToState(OperationState state) => state switch
    {
        OperationState.Running => SparkOperationState.Running,
        OperationState.Terminating => SparkOperationState.Ending,
        OperationState.Succeeded => SparkOperationState.Succeeded,
        OperationState.Failed => SparkOperationState.Failed,
        OperationState.Cancelled => SparkOperationState.Cancelled,
        _ => SparkOperationState.Unknown,
    };

    private static SparkException SessionGone(SparkSessionAttachment attachment, SparkException e)
    {
        var why = e.ErrorClass switch
        {
            "INVALID_HANDLE.SESSION_CLOSED" => "it was closed (stopped by its owner, or expired after the server's idle timeout for sessions, 60 min by default)",
            "INVALID_HANDLE.SESSION_CHANGED" => "the server was restarted since, and holds a new session of that id",
            _ => "the server was restarted since, or the session expired long ago",
        };
        return new SparkException(
            $"Session {attachment.SessionId} is gone: the server at {attachment.Connection.Host}:{attachment.Connection.Port} no longer has it ({why}). "
            + "Its temporary views, settings and cached data went with it; connect a new session.",
            e, e.ErrorClass, e.SqlState, e.MessageParameters, e.QueryContexts, e.ErrorTypeHierarchy, null, e.StatusCode, e.ErrorId);
    }

    private static SparkException OperationGone(SparkOperation operation, SparkOperationState state, SparkException e)
    {
        var started = operation.Started == default
            ? ""
            : $", started {operation.Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
        var what = (e.ErrorClass, state) switch
        {
            ("INVALID_HANDLE.OPERATION_ABANDONED", SparkOperationState.Succeeded) =>
                "finished, but nobody fetched its results while the server held them (5 min by default after its last "
                + "client went away, spark.connect.execute.manager.detachedTimeout), so the server dropped them",
            ("INVALID_HANDLE.OPERATION_ABANDONED", _) =>
                "was dropped by the server: nobody was attached to it for its hold time (5 min by default, "
                + "spark.connect.execute.manager.detachedTimeout), so it was interrupted and its results discarded",
            ("INVALID_CURSOR.POSITION_NOT_AVAILABLE", _) =>
                "had already delivered part of its results to the client that started it, and the server released them; "
                + "the rest cannot be fetched alone",
            ("INVALID_CURSOR.NOT_REATTACHABLE", _) => "was not started as a reattachable operation, so nobody else can fetch its results",
            (_, SparkOperationState.Succeeded) => "finished, and its results were delivered to the client that started it and released",
            (_, SparkOperationState.Failed) => "failed (the client that started it got the error)",
            (_, SparkOperationState.Cancelled) => "was cancelled",
            _ => "is unknown to the server in this session (never started, or ended more than 30 min ago)",
        };
        return new SparkException(
            $"Operation {operation.OperationId}{started} {what}. It was not run again: run it yourself if you still need its result.",
            e, e.ErrorClass, e.SqlState, e.MessageParameters, e.QueryContexts, e.ErrorTypeHierarchy, null, e.StatusCode, e.ErrorId);
    }
}

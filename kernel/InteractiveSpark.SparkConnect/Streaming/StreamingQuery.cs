using System.Globalization;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.Streaming;

/// <summary>
/// A streaming query running on the server (Spark's StreamingQuery), started by <see cref="DataStreamWriter"/> or found
/// through <see cref="StreamingQueryManager"/>. Each call is one command on the session's execution path. Disposing it
/// stops the query, so <c>await using var q = await df.WriteStream...StartAsync();</c> leaves nothing running.
/// </summary>
public sealed class StreamingQuery : IAsyncDisposable
{
    private readonly SparkSession _session;

    internal StreamingQuery(SparkSession session, string id, string runId, string? name)
    {
        _session = session;
        Id = id;
        RunId = runId;
        Name = name;
    }

    /// <summary>The query's id (stable across restarts from the same checkpoint).</summary>
    public string Id { get; }

    /// <summary>This run's id.</summary>
    public string RunId { get; }

    /// <summary>The query's name, if it has one.</summary>
    public string? Name { get; }

    /// <summary>Whether the query is still running.</summary>
    public async Task<bool> IsActiveAsync(CancellationToken cancellationToken = default) =>
        (await StatusAsync(cancellationToken).ConfigureAwait(false)).IsActive;

    /// <summary>What the query is doing now.</summary>
    public async Task<StreamingQueryStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var s = (await RunAsync(c => c.Status = true, cancellationToken).ConfigureAwait(false)).Status
            ?? throw new SparkException("The server sent no status for the streaming query.");
        return new StreamingQueryStatus(s.StatusMessage, s.IsDataAvailable, s.IsTriggerActive, s.IsActive);
    }

    /// <summary>The progress of the last micro-batch, or null before the first one.</summary>
    public async Task<StreamingQueryProgress?> LastProgressAsync(CancellationToken cancellationToken = default)
    {
        var r = await RunAsync(c => c.LastProgress = true, cancellationToken).ConfigureAwait(false);
        return r.RecentProgress?.RecentProgressJson.Select(StreamingQueryProgress.Parse).LastOrDefault();
    }

    /// <summary>The progress of the recent micro-batches (Spark keeps the last 100), oldest first.</summary>
    public async Task<IReadOnlyList<StreamingQueryProgress>> RecentProgressAsync(CancellationToken cancellationToken = default)
    {
        var r = await RunAsync(c => c.RecentProgress = true, cancellationToken).ConfigureAwait(false);
        return r.RecentProgress?.RecentProgressJson.Select(StreamingQueryProgress.Parse).ToArray() ?? [];
    }

    /// <summary>Stops the query (the server waits for the running batch to end); stopping a stopped query does nothing.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.Stop = true, cancellationToken).ConfigureAwait(false);

    /// <summary>Blocks until every input available now has been processed (for tests and batch-like use).</summary>
    public async Task ProcessAllAvailableAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.ProcessAllAvailable = true, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Waits until the query ends (stopped or failed), at most <paramref name="timeout"/> when given; true when it ended.
    /// A query that failed does not throw here: see <see cref="ExceptionAsync"/>.
    /// </summary>
    public async Task<bool> AwaitTerminationAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var r = await RunAsync(c =>
        {
            c.AwaitTermination = new P.StreamingQueryCommand.Types.AwaitTerminationCommand();
            if (timeout is { } t) c.AwaitTermination.TimeoutMs = (long)t.TotalMilliseconds;
        }, cancellationToken).ConfigureAwait(false);
        return r.AwaitTermination?.Terminated ?? false;
    }

    /// <summary>Why the query failed (Spark's error message, with its error class when it has one), or null.</summary>
    public async Task<string?> ExceptionAsync(CancellationToken cancellationToken = default)
    {
        var e = (await RunAsync(c => c.Exception = true, cancellationToken).ConfigureAwait(false)).Exception;
        if (e is null || !e.HasExceptionMessage) return null;
        return e.HasErrorClass ? $"[{e.ErrorClass}] {e.ExceptionMessage}" : e.ExceptionMessage;
    }

    /// <summary>The query's physical plan (<paramref name="extended"/>: the logical plans too).</summary>
    public async Task<string> ExplainAsync(bool extended = false, CancellationToken cancellationToken = default) =>
        (await RunAsync(c => c.Explain = new P.StreamingQueryCommand.Types.ExplainCommand { Extended = extended }, cancellationToken).ConfigureAwait(false))
        .Explain?.Result ?? "";

    /// <summary>Stops the query.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_session.Client.IsDisposed)
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"StreamingQuery {Name ?? "(unnamed)"} id={Id} runId={RunId}");

    private async Task<P.StreamingQueryCommandResult> RunAsync(Action<P.StreamingQueryCommand> fill, CancellationToken cancellationToken)
    {
        var command = new P.StreamingQueryCommand { QueryId = new P.StreamingQueryInstanceId { Id = Id, RunId = RunId } };
        fill(command);
        var responses = await _session.RunCommandAsync(new P.Command { StreamingQueryCommand = command }, null, cancellationToken).ConfigureAwait(false);
        return responses.Select(r => r.StreamingQueryCommandResult).FirstOrDefault(r => r is not null)
            ?? throw new SparkException("The server sent no result for the streaming query command.");
    }
}

/// <summary>What a streaming query is doing (Spark's StreamingQueryStatus).</summary>
/// <param name="Message">Spark's description, e.g. "Waiting for data to arrive".</param>
/// <param name="IsDataAvailable">Whether new input is waiting.</param>
/// <param name="IsTriggerActive">Whether a micro-batch is running.</param>
/// <param name="IsActive">Whether the query runs at all.</param>
public sealed record StreamingQueryStatus(string Message, bool IsDataAvailable, bool IsTriggerActive, bool IsActive);

namespace InteractiveSpark.Sessions;

/// <summary>A session's driver and executor logs, whatever launched it.</summary>
public interface ISessionLogs
{
    /// <summary>Whether the session has executors of its own (whose logs <see cref="SessionLogRequest.Executor"/> names).</summary>
    bool HasExecutors { get; }

    /// <summary>The last <see cref="SessionLogRequest.Tail"/> matching lines.</summary>
    Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default);

    /// <summary>The last matching lines, then new matching lines as they are logged, until cancelled or the log ends.</summary>
    IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, CancellationToken cancellationToken = default);
}

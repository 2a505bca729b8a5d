using System.Collections.Concurrent;
using System.Diagnostics;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Counts authenticated requests in flight (an ExecutePlan or ReattachExecute stream stays in flight as long as the
/// query runs) and remembers when the last one ended: what the idle timer looks at.
/// </summary>
internal sealed class ActivityTracker
{
    private readonly ConcurrentDictionary<HttpContext, byte> _streams = new();
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _active;
    private long _lastActivity = Stopwatch.GetTimestamp();

    /// <summary>Requests in flight.</summary>
    public long Active => Interlocked.Read(ref _active);

    /// <summary>How long since the last request started or ended.</summary>
    public TimeSpan SinceLastActivity => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    /// <summary>How many times each gRPC method was called (diagnostics and tests).</summary>
    public IReadOnlyDictionary<string, long> Calls => _calls;

    /// <summary>Marks a request as started.</summary>
    public void Enter(HttpContext context, string? grpcMethod)
    {
        Interlocked.Increment(ref _active);
        Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());
        if (grpcMethod is not null)
        {
            _calls.AddOrUpdate(grpcMethod, 1, (_, n) => n + 1);
            if (grpcMethod is "ExecutePlan" or "ReattachExecute")
            {
                _streams[context] = 0;
            }
        }
    }

    /// <summary>Marks a request as ended.</summary>
    public void Exit(HttpContext context)
    {
        _streams.TryRemove(context, out _);
        Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());
        Interlocked.Decrement(ref _active);
    }

    /// <summary>Counts now as the last activity.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

    /// <summary>Breaks every execution stream in flight (the client then reattaches); for tests of reattachment.</summary>
    public int AbortExecutionStreams()
    {
        var n = 0;
        foreach (var context in _streams.Keys)
        {
            context.Abort();
            n++;
        }

        return n;
    }
}

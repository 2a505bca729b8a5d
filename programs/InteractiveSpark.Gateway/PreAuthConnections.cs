using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Connections;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Connections that have not yet presented the session's credential. Anyone who reaches the port can open them, so
/// they are bounded: at most <see cref="GatewayOptions.MaxUnauthenticatedConnections"/> at once (a new one above that is
/// closed before its TLS handshake), and one with no request in flight for <see cref="GatewayOptions.UnauthenticatedIdleTimeout"/>
/// is closed. A connection leaves this set with its first authenticated request and then keeps Kestrel's own limits
/// (a notebook holds one HTTP/2 connection for a whole session).
/// </summary>
internal sealed class PreAuthConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly long _idleTicks;
    private readonly RefusalLog _refusals;
    private readonly Timer _sweeper;
    private int _count;

    public PreAuthConnections(GatewayOptions options, RefusalLog refusals)
    {
        _limit = options.MaxUnauthenticatedConnections;
        _idleTicks = (long)(options.UnauthenticatedIdleTimeout.TotalSeconds * Stopwatch.Frequency);
        _refusals = refusals;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.UnauthenticatedIdleTimeout.TotalMilliseconds / 4, 50, 1000));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    /// <summary>How many connections are open and not yet authenticated.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The connection middleware (before TLS): admits a connection into the set, or closes it when the set is full.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _count) > _limit)
        {
            Interlocked.Decrement(ref _count);
            _refusals.Closed(connection.RemoteEndPoint?.ToString() ?? "?", $"{_limit} unauthenticated connections are open already");
            connection.Abort();
            return;
        }

        _pending[connection.ConnectionId] = new Pending(connection);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Leave(connection.ConnectionId);
        }
    };

    /// <summary>The request middleware (first in the pipeline): a request in flight keeps an unauthenticated connection open.</summary>
    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        if (!_pending.TryGetValue(context.Connection.Id, out var pending))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        pending.Begin();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            pending.End();
        }
    }

    /// <summary>The request's connection presented the credential: it leaves the set.</summary>
    public void Authenticated(HttpContext context) => Leave(context.Connection.Id);

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private void Leave(string connectionId)
    {
        if (_pending.TryRemove(connectionId, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, pending) in _pending)
        {
            if (pending.IdleSince(now) > _idleTicks && _pending.TryRemove(id, out _))
            {
                Interlocked.Decrement(ref _count);
                _refusals.Closed(pending.Connection.RemoteEndPoint?.ToString() ?? "?", "no credential presented and nothing in flight for a while");
                pending.Connection.Abort(new ConnectionAbortedException("Not authenticated in time."));
            }
        }
    }

    private sealed class Pending(ConnectionContext connection)
    {
        private int _active;
        private long _last = Stopwatch.GetTimestamp();

        public ConnectionContext Connection { get; } = connection;

        public void Begin()
        {
            Interlocked.Increment(ref _active);
            Volatile.Write(ref _last, Stopwatch.GetTimestamp());
        }

        public void End()
        {
            Volatile.Write(ref _last, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _active);
        }

        /// <summary>Ticks since the last request began or ended; 0 while one is in flight.</summary>
        public long IdleSince(long now) => Volatile.Read(ref _active) > 0 ? 0 : now - Volatile.Read(ref _last);
    }
}

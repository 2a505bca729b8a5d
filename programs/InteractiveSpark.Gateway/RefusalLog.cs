using System.Text;
using System.Threading.RateLimiting;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The log of what the gateway refused before authentication (requests without the token, connections over the
/// limit or idle too long). Anyone who reaches the port can cause these lines, so they are bounded: at most
/// <see cref="Burst"/> at once and then one a second (a token bucket), each line's path cut to
/// <see cref="MaxPathLength"/> printable characters; what was not logged is counted on the next line that is.
/// </summary>
internal sealed partial class RefusalLog(ILogger<RefusalLog> logger) : IDisposable
{
    /// <summary>How many lines may be written at once before the rate applies.</summary>
    public const int Burst = 20;

    /// <summary>How much of a refused request's path a line shows.</summary>
    public const int MaxPathLength = 96;

    private const int MaxMethodLength = 16;
    private long _suppressed;

    private readonly TokenBucketRateLimiter _rate = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    /// <summary>A refused request: method, path (cut) and why.</summary>
    public void Refused(HttpContext context, string why)
    {
        if (Admit() is { } skipped)
        {
            LogRefused(logger, Printable(context.Request.Method, MaxMethodLength), Printable(context.Request.Path.Value ?? "", MaxPathLength), why,
                context.Connection.RemoteIpAddress?.ToString() ?? "?", skipped);
        }
    }

    /// <summary>A connection closed before it authenticated (over the limit, or idle too long).</summary>
    public void Closed(string remoteAddress, string why)
    {
        if (Admit() is { } skipped)
        {
            LogClosed(logger, why, remoteAddress, skipped);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _rate.Dispose();

    /// <summary>How many lines were skipped since the last one, or null when this one must be skipped too.</summary>
    private long? Admit()
    {
        using var lease = _rate.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            Interlocked.Increment(ref _suppressed);
            return null;
        }

        return Interlocked.Exchange(ref _suppressed, 0);
    }

    /// <summary>At most <paramref name="max"/> characters, control and non-ASCII characters as '?', and '…' when cut.</summary>
    internal static string Printable(string text, int max)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max) + 1);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, max)))
        {
            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.Length > max ? sb.Append('…').ToString() : sb.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {Reason} (from {RemoteAddress}; {Skipped} refusal(s) not logged since the last line)")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason, string remoteAddress, long skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a connection from {RemoteAddress} before authentication: {Reason} ({Skipped} refusal(s) not logged since the last line)")]
    private static partial void LogClosed(ILogger logger, string reason, string remoteAddress, long skipped);
}

using System.Diagnostics;
using Grpc.Core;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Tells "the connection broke" (retry: a network blip, a proxy restart) from "the server is gone" (stop retrying): the
/// latter is a run of refused connections lasting <see cref="SparkSessionOptions.ServerGoneTimeout"/>. Any other
/// failure in between restarts the clock, since it proves something still answers on the port.
/// </summary>
internal struct RefusalClock(TimeSpan limit)
{
    /// <summary>How often a refusing server is probed again until the verdict.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    private long _refusingSince;

    /// <summary>Whether the last observed failure was a refused connection.</summary>
    public readonly bool IsRefusing => _refusingSince != 0;

    /// <summary>Records a failure; returns how long connections have been refused once that reaches the limit, else null.</summary>
    public TimeSpan? Observe(Exception failure)
    {
        if (failure is not RpcException rpc || !SparkErrors.IsConnectionRefused(rpc))
        {
            _refusingSince = 0;
            return null;
        }

        if (_refusingSince == 0)
        {
            _refusingSince = Stopwatch.GetTimestamp();
            return null;
        }

        var elapsed = Stopwatch.GetElapsedTime(_refusingSince);
        return elapsed >= limit ? elapsed : null;
    }
}

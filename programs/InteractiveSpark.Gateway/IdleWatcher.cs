namespace InteractiveSpark.Gateway;

/// <summary>
/// Stops the gateway (and with it Spark) once Spark is ready and no authenticated request has been seen, and none is in
/// flight, for <see cref="GatewayOptions.IdleTimeout"/>. Health checks do not count as use, so a kernel that died
/// (SIGKILL) leaves a container that removes itself (<c>--rm</c>) or a Marathon task that finishes.
/// </summary>
internal sealed partial class IdleWatcher(
    GatewayOptions options, ActivityTracker activity, GatewayState state, IHostApplicationLifetime lifetime, ILogger<IdleWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.IdleTimeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var tick = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
        using var timer = new PeriodicTimer(tick);
        var wasReady = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!state.Ready)
                {
                    continue; // starting (bounded by the start timeout) or stopping
                }

                if (!wasReady)
                {
                    wasReady = true;
                    activity.Touch(); // the idle time counts from when Spark could first be used
                    continue;
                }

                if (activity.Active == 0 && activity.SinceLastActivity >= options.IdleTimeout)
                {
                    LogIdle(logger, activity.SinceLastActivity.TotalSeconds);
                    state.StopReason ??= "idle";
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The gateway stops for another reason.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle for {Seconds:0} s with nothing in flight: stopping Spark and the gateway")]
    private static partial void LogIdle(ILogger logger, double seconds);
}

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>
/// Waits for a starting app's tasks, for the session and the job launchers alike. Each caller turns a lost task or a
/// task failure into its own exception (its own words, its own log line): Marathon would restart a failed task again
/// and again, so a launcher gives up at the first one instead of waiting out its startup timeout.
/// </summary>
internal static class MarathonTaskWait
{
    /// <summary>
    /// Polls until the deployment is over and <paramref name="count"/> tasks run with their ports assigned; throws what
    /// <paramref name="lost"/> or <paramref name="failed"/> make of a lost task or a failure since the wait began.
    /// </summary>
    public static async Task<IReadOnlyList<MarathonTask>> RunningAsync(
        MarathonClient client,
        string appId,
        string deployment,
        int count,
        Func<MarathonTask, Exception> lost,
        Func<MarathonTaskFailure, Exception> failed,
        CancellationToken cancellationToken)
    {
        // Marathon's clock and ours may differ a little: a failure of a few seconds before we began is still ours.
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        while (true)
        {
            var tasks = await ThrowIfEndedAsync(client, appId, since, lost, failed, cancellationToken).ConfigureAwait(false);
            var running = tasks.Where(t => t.IsRunning && t.Ports.Count > 0).ToList();
            if (running.Count >= count
                && !(await client.DeploymentIdsAsync(cancellationToken).ConfigureAwait(false)).Contains(deployment, StringComparer.Ordinal))
            {
                return running;
            }

            await Task.Delay(400, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The app's tasks; throws what <paramref name="lost"/> makes of a task Mesos lost, or what <paramref name="failed"/>
    /// makes of the app's last task failure when it is from <paramref name="since"/> on (or undated).
    /// </summary>
    public static async Task<IReadOnlyList<MarathonTask>> ThrowIfEndedAsync(
        MarathonClient client,
        string appId,
        DateTimeOffset since,
        Func<MarathonTask, Exception> lost,
        Func<MarathonTaskFailure, Exception> failed,
        CancellationToken cancellationToken)
    {
        var tasks = await client.TasksAsync(appId, cancellationToken).ConfigureAwait(false);
        if (tasks.FirstOrDefault(t => t.IsLost) is { } lostTask)
        {
            throw lost(lostTask);
        }

        var failure = await client.LastTaskFailureAsync(appId, cancellationToken).ConfigureAwait(false);
        if (failure is not null && (failure.Timestamp is null || failure.Timestamp >= since))
        {
            throw failed(failure);
        }

        return tasks;
    }
}

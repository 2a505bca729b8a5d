namespace InteractiveSpark.Sessions.Marathon;

/// <summary>What Marathon says about a starting app's tasks, for a launcher's timeout message.</summary>
internal static class MarathonDiagnosis
{
    /// <summary>
    /// One sentence on the app's tasks (<paramref name="taskNoun"/>, e.g. <c>driver task</c>, names them), or empty when
    /// Marathon does not answer within 10 s: the timeout message must go out even when Marathon is the problem.
    /// </summary>
    public static async Task<string> TasksAsync(MarathonClient client, string appId, string taskNoun)
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var tasks = await client.TasksAsync(appId, quick.Token).ConfigureAwait(false);
            return tasks.Count == 0
                ? $"Marathon had not started a {taskNoun}."
                : char.ToUpperInvariant(taskNoun[0]) + taskNoun[1..] + "(s): " + string.Join(", ", tasks.Select(t => $"{t.Id} {t.State} on {t.Host}")) + ".";
        }
        catch (Exception e) when (e is MarathonException or OperationCanceledException)
        {
            return "";
        }
    }
}

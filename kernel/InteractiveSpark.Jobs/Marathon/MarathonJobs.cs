using System.Globalization;
using System.Text.Json.Nodes;
using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Jobs.Marathon;

/// <summary>A Marathon job, as its app's labels, its task and (when this machine submitted it) its gateway describe it.</summary>
/// <param name="Id">The job id.</param>
/// <param name="GroupId">Its group.</param>
/// <param name="Name">Its name.</param>
/// <param name="Notebook">The notebook's file name.</param>
/// <param name="Owner">Who submitted it.</param>
/// <param name="Created">When.</param>
/// <param name="State"><c>running</c>, <c>exited</c>, <c>waiting</c> (a task with no notebook: restarted) from its gateway; else the task's state.</param>
/// <param name="ExitCode">ispark run's exit code once exited.</param>
public sealed record MarathonJob(string Id, string GroupId, string Name, string Notebook, string Owner, DateTimeOffset? Created, string State, int? ExitCode);

/// <summary>Lists and removes Marathon jobs by their apps' labels (<c>ispark jobs --marathon</c>).</summary>
public static class MarathonJobs
{
    /// <summary>The jobs on this Marathon (apps labelled <c>ispark.role==job</c>), newest first.</summary>
    public static async Task<IReadOnlyList<MarathonJob>> ListAsync(MarathonClient client, string? recordFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var jobs = new List<MarathonJob>();
        foreach (var app in await client.AppsAsync($"{DockerSparkContainers.RoleLabel}=={MarathonJobLauncher.Role}", cancellationToken).ConfigureAwait(false))
        {
            string Label(string key) => app["labels"]?[key]?.GetValue<string>() ?? "";
            var id = Label(DockerJobs.JobLabel);
            var appId = app["id"]?.GetValue<string>() ?? "";
            var task = (app["tasks"] as JsonArray ?? []).Select(t => t?["state"]?.GetValue<string>()).OfType<string>().FirstOrDefault();
            var state = task is null ? "no task" : task.Replace("TASK_", "", StringComparison.Ordinal).ToLowerInvariant();
            int? exitCode = null;
            if (MarathonJobRecord.Find(id, recordFolder) is { } record && record.JobId == id && task == "TASK_RUNNING")
            {
                try
                {
                    using var endpoint = MarathonJobLauncher.Connect(record);
                    using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    quick.CancelAfter(TimeSpan.FromSeconds(10));
                    var status = await endpoint.StatusAsync(quick.Token).ConfigureAwait(false);
                    (state, exitCode) = (status.State == "ended" ? "exited" : status.State, status.ExitCode);
                }
                catch (Exception e) when (e is HttpRequestException or MarathonJobException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    state = "unreachable";
                }
            }

            DateTimeOffset? created = DateTimeOffset.TryParse(Label(DockerSparkContainers.CreatedLabel), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            jobs.Add(new MarathonJob(id, appId[..Math.Max(0, appId.LastIndexOf('/'))], Label(DockerSparkContainers.NameLabel), Label(DockerJobs.NotebookLabel),
                Label(DockerSparkContainers.OwnerLabel), created, state, exitCode));
        }

        return jobs.OrderByDescending(j => j.Created).ToList();
    }

    /// <summary>Removes a job's group (its task killed) and its record on this machine; false when Marathon has no such job.</summary>
    public static async Task<bool> RemoveAsync(MarathonClient client, string job, string? recordFolder = null, TextWriter? console = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        var record = MarathonJobRecord.Find(job, recordFolder);
        var matches = (await ListAsync(client, recordFolder, cancellationToken).ConfigureAwait(false))
            .Where(j => j.Id == (record?.JobId ?? job) || (record is null && j.Id.StartsWith(job, StringComparison.Ordinal))).ToList();
        if (matches.Count > 1)
        {
            throw new MarathonJobException($"'{job}' names {matches.Count} jobs ({string.Join(", ", matches.Select(j => j.Id))}): give more of the id.");
        }

        record?.Delete(recordFolder);
        return matches.Count == 1 && await MarathonJobLauncher.RemoveGroupAsync(client, matches[0].GroupId, console).ConfigureAwait(false);
    }
}

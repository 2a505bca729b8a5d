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
/// <param name="State"><c>running</c>, <c>exited</c> or <c>waiting</c> from its gateway; <c>lost</c> when Marathon replaced the task
/// that ran it (its run and results are gone); else the task's state.</param>
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
            var first = (app["tasks"] as JsonArray ?? []).FirstOrDefault(t => t?["state"] is not null);
            var task = first?["state"]?.GetValue<string>();
            var state = task is null ? "no task" : task.Replace("TASK_", "", StringComparison.Ordinal).ToLowerInvariant();
            int? exitCode = null;
            var record = MarathonJobRecord.Find(id, recordFolder) is { } found && found.JobId == id ? found : null;
            if (record is not null && first?["id"]?.GetValue<string>() is { } taskId && taskId != record.TaskId)
            {
                // Marathon started another task in place of the one that took the notebook: that run is over, its files
                // went with its sandbox, and the new task waits for a notebook that never comes.
                state = "lost";
            }
            else if (record is not null && task == "TASK_RUNNING")
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

    /// <summary>
    /// Removes the jobs this machine submitted (it holds their records) that have ended or were lost, with their groups
    /// and records, and the records of jobs this Marathon no longer has; returns how many jobs were removed. Their
    /// results are not collected (<c>ispark jobs --collect</c> does that). Jobs submitted from elsewhere are left alone:
    /// only the machine holding a job's record can ask its gateway whether it ended.
    /// </summary>
    public static async Task<int> PruneAsync(MarathonClient client, string? recordFolder = null, TextWriter? console = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var jobs = await ListAsync(client, recordFolder, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var job in jobs.Where(j => j.State is "exited" or "lost"))
        {
            // The record goes only with the group: while the group stays, the record is what lets a later prune find it.
            if (await MarathonJobLauncher.RemoveGroupAsync(client, job.GroupId, console).ConfigureAwait(false))
            {
                MarathonJobRecord.Find(job.Id, recordFolder)?.Delete(recordFolder);
                removed++;
            }
        }

        var listed = jobs.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        var marathon = client.BaseUri.ToString();
        foreach (var stale in MarathonJobRecord.All(recordFolder)
                     .Where(r => !listed.Contains(r.JobId) && string.Equals(MarathonClient.Normalize(r.Marathon).ToString(), marathon, StringComparison.OrdinalIgnoreCase)))
        {
            stale.Delete(recordFolder);
        }

        return removed;
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

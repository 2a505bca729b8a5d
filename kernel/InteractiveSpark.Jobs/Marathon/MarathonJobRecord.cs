using System.Text.Json;

namespace InteractiveSpark.Jobs.Marathon;

/// <summary>
/// What it takes to come back to a Marathon job: where its task listens, the certificate pinned at submit and the
/// job's token. Kept on the submitter's machine only (<see cref="DefaultFolder"/>, one file per job, mode 0600 in a
/// 0700 folder), so that <c>ispark logs</c> and <c>ispark jobs --collect</c> work after <c>--detach</c>; removed with the job.
/// The token is never printed; Marathon holds only its SHA-256.
/// </summary>
/// <param name="JobId">The job id (<c>ispark.job</c> label).</param>
/// <param name="Marathon">Marathon's address.</param>
/// <param name="GroupId">The job's group (removing it removes the job).</param>
/// <param name="AppId">The job's app.</param>
/// <param name="TaskId">The task that took the notebook (a restarted task has another id and runs nothing).</param>
/// <param name="Host">Where the task's port is reached.</param>
/// <param name="Port">The task's gateway port.</param>
/// <param name="Token">The job's token (secret).</param>
/// <param name="CertificateSha256">The gateway certificate pinned at submit.</param>
/// <param name="Notebook">The notebook's file name as uploaded.</param>
/// <param name="Created">When the job was submitted.</param>
public sealed record MarathonJobRecord(
    string JobId, Uri Marathon, string GroupId, string AppId, string TaskId, string Host, int Port, string Token, string CertificateSha256,
    string Notebook, DateTimeOffset Created)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary><c>ISPARK_JOBS_DIR</c>, else <c>$XDG_STATE_HOME/interactive-spark/jobs</c> (<c>~/.local/state/interactive-spark/jobs</c>; <c>%LOCALAPPDATA%\InteractiveSpark\jobs</c> on Windows).</summary>
    public static string DefaultFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("ISPARK_JOBS_DIR") is { Length: > 0 } dir)
            {
                return dir;
            }

            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "InteractiveSpark", "jobs");
            }

            var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } s
                ? s
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            return Path.Combine(state, "interactive-spark", "jobs");
        }
    }

    /// <summary>Writes the record as <c>JOB.json</c>, readable by this user only; returns its path.</summary>
    public string Save(string? folder = null)
    {
        folder ??= DefaultFolder;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = PathOf(JobId, folder);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
        }

        return path;
    }

    /// <summary>The record of this job (or of the one job whose id starts with it); null when this machine has none.</summary>
    public static MarathonJobRecord? Find(string job, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var all = All(folder);
        return all.FirstOrDefault(r => r.JobId == job) ?? (all.Count(r => r.JobId.StartsWith(job, StringComparison.Ordinal)) == 1
            ? all.First(r => r.JobId.StartsWith(job, StringComparison.Ordinal))
            : null);
    }

    /// <summary>Every record on this machine.</summary>
    public static IReadOnlyList<MarathonJobRecord> All(string? folder = null)
    {
        folder ??= DefaultFolder;
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var records = new List<MarathonJobRecord>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<MarathonJobRecord>(File.ReadAllText(file), Json) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                // Not ours, or half written: skip it.
            }
        }

        return records;
    }

    /// <summary>Deletes this job's record (the job is gone).</summary>
    public void Delete(string? folder = null) => File.Delete(PathOf(JobId, folder ?? DefaultFolder));

    private static string PathOf(string jobId, string folder) => Path.Combine(folder, jobId + ".json");

    /// <inheritdoc />
    public override string ToString() => $"MarathonJobRecord {{ JobId = {JobId}, GroupId = {GroupId}, Host = {Host}:{Port} }}"; // never the token
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InteractiveSpark.Core;
using InteractiveSpark.Jobs.Notebooks;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Jobs.Marathon;

/// <summary>What a Marathon job did.</summary>
/// <param name="JobId">The job id (<c>ispark.job</c> label).</param>
/// <param name="GroupId">The job's Marathon group.</param>
/// <param name="ExitCode">ispark run's exit code in the task; null when detached.</param>
/// <param name="OutputNotebook">The executed notebook brought back; null when detached or when the job wrote none.</param>
/// <param name="LogFile">The job's log brought back; null when detached.</param>
/// <param name="Duration">From submit to the end (or to the upload, detached).</param>
public sealed record MarathonJobResult(string JobId, string GroupId, int? ExitCode, string? OutputNotebook, string? LogFile, TimeSpan Duration);

/// <summary>
/// Runs a notebook as a job in a Mesos cluster through Marathon. Marathon restarts an app whose task exits and cannot
/// copy files into or out of a task, so the job's app runs the job image's gateway in job mode (<c>ispark serve-job</c>):
/// a TLS port that takes one notebook behind a token made here (Marathon gets only its SHA-256; the certificate is
/// pinned by the proof <see cref="GatewayPin"/> checks), runs <c>ispark run --spark local</c> on it, and serves the
/// progress and the results. This class creates the group, waits for the task, pins, uploads the notebook with its
/// parameters already injected (so no parameter is in the app definition), streams the progress, downloads the executed
/// notebook and the logs, and removes the group, also on failure, timeout and cancellation. A task Marathon restarts
/// waits for a notebook that never comes: nothing runs twice. Detached jobs keep their token in a
/// <see cref="MarathonJobRecord"/> on this machine.
/// </summary>
public sealed class MarathonJobLauncher
{
    /// <summary>The role label of a job app (<c>ispark.role</c>).</summary>
    public const string Role = "job";

    /// <summary>A launcher with these options; throws <see cref="ArgumentException"/> saying what is wrong with them.</summary>
    public MarathonJobLauncher(MarathonJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        if (!options.Marathon.IsAbsoluteUri || options.Marathon.Scheme is not ("http" or "https") || options.Marathon.UserInfo.Length > 0)
        {
            throw new ArgumentException("--marathon takes Marathon's address without credentials, e.g. http://marathon.mesos:8080 (credentials: ISPARK_MARATHON_USER/PASSWORD or ISPARK_MARATHON_TOKEN).", nameof(options));
        }

        if (!MarathonIds.IsGroupPath(options.Group))
        {
            throw new ArgumentException($"--group must be a Marathon path of lower-case letters, digits, '-' and '.', e.g. ispark-jobs or team/jobs; got '{options.Group}'.", nameof(options));
        }

        foreach (var (name, value) in new[] { ("--startup-timeout", options.StartupTimeout), ("--job-timeout", options.JobTimeout) })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(30))
            {
                throw new ArgumentException($"{name} must be a positive number of seconds (at most 30 days).", nameof(options));
            }
        }

        if (options.Constraints.FirstOrDefault(c => c.Count is < 2 or > 3 || c.Any(string.IsNullOrWhiteSpace)) is { } constraint)
        {
            throw new ArgumentException($"A constraint is field:OPERATOR or field:OPERATOR:value, e.g. hostname:UNIQUE; got '{string.Join(':', constraint)}'.", nameof(options));
        }

        if (options.Kernel is not ("interactivespark" or "dotnet-interactive"))
        {
            throw new ArgumentException($"--kernel is interactivespark or dotnet-interactive; got '{InputText.Clip(options.Kernel)}'.", nameof(options));
        }

        if (!double.IsFinite(options.Cpus) || options.Cpus is <= 0 or > 1024 || ByteSize.Parse(options.Memory, "--memory") < 1024L * 1024 * 1024)
        {
            throw new ArgumentException($"A job needs positive --cpus and at least 1g of --memory (the kernel, Spark and the gateway); got {options.Cpus.ToString(CultureInfo.InvariantCulture)} and {options.Memory}.", nameof(options));
        }
    }

    /// <summary>The options.</summary>
    public MarathonJobOptions Options { get; }

    /// <summary>
    /// Submits the notebook. Unless <paramref name="detach"/>, streams the job's progress to <paramref name="console"/>,
    /// brings the executed notebook and the logs into <paramref name="outputFolder"/> (null: <c>ispark-jobs/JOB</c>) and
    /// removes the group. Throws <see cref="MarathonJobException"/> when the job could not start or was lost.
    /// </summary>
    public async Task<MarathonJobResult> SubmitAsync(
        string notebookPath, string? outputFolder, TextWriter? console = null, bool detach = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebookPath);
        if (!File.Exists(notebookPath))
        {
            throw new MarathonJobException($"No notebook at {Path.GetFullPath(notebookPath)}.");
        }

        var o = Options;
        var watch = Stopwatch.StartNew();
        // The parameters go into the notebook here, as ispark run would put them: the task receives them only inside
        // the uploaded notebook, over TLS, so they are in no app definition, label, environment or command line.
        var notebook = await Notebook.LoadAsync(notebookPath, cancellationToken).ConfigureAwait(false);
        foreach (var warning in NotebookParameters.Inject(notebook, o.Parameters))
        {
            console?.WriteLine("ispark submit: " + warning);
        }

        var stem = Path.GetFileNameWithoutExtension(notebookPath);
        var jobId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var groupId = "/" + o.Group.Trim('/').ToLowerInvariant() + "/" + MarathonIds.Segment(o.Name ?? stem, "job") + "-job-" + jobId;
        var appId = groupId + "/" + Role;
        var token = SessionToken.New();
        var tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var created = DateTimeOffset.UtcNow;
        using var client = new MarathonClient(o.Marathon, o.Credentials ?? MarathonCredentials.FromEnvironment(), o.RequestTimeout, o.HttpHandler, o.AllowHttpMarathon);
        console?.WriteLine($"ispark submit: job {jobId} ({appId} on Marathon {client.BaseUri.Authority}, image {o.Image})");
        var posted = false;
        var keep = false;
        try
        {
            MarathonJobRecord record;
            using (var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                startup.CancelAfter(o.StartupTimeout);
                var phase = "creating the job's app";
                try
                {
                    posted = true;
                    var deployment = await client.CreateAppAsync(JobApp(appId, jobId, Convert.ToHexStringLower(tokenHash), created, Path.GetFileName(notebookPath)), startup.Token).ConfigureAwait(false);
                    phase = "waiting for the job's task";
                    console?.WriteLine($"ispark submit: deployment {deployment}: waiting for the task");
                    var task = await WaitForTaskAsync(client, appId, deployment, startup.Token).ConfigureAwait(false);
                    var host = o.JobHost ?? task.Host;
                    var port = task.Ports[0];
                    phase = $"proving the job's gateway on {host}:{port.ToString(CultureInfo.InvariantCulture)}";
                    var (fingerprint, _) = await GatewayPin.WaitReadyAsync(host, port, tokenHash, startup.Token).ConfigureAwait(false);
                    record = new MarathonJobRecord(jobId, o.Marathon, groupId, appId, task.Id, host, port, token, fingerprint, stem + ".ipynb", created);
                    phase = "uploading the notebook";
                    using var endpoint = Connect(record);
                    await endpoint.StartAsync(record.Notebook, IpynbFormat.Write(notebook), o.CellTimeout, o.SparkMaster, o.DriverMemory, o.Kernel, startup.Token).ConfigureAwait(false);
                    console?.WriteLine($"ispark submit: task {task.Id} on {host}: notebook uploaded, job started (certificate {fingerprint[..16]}… pinned)");
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new MarathonJobException(
                        $"{appId}: {phase} took longer than {o.StartupTimeout.TotalSeconds:0} s (--startup-timeout); the job's group was removed. {await MarathonDiagnosis.TasksAsync(client, appId, "task").ConfigureAwait(false)}"
                        + " A deployment that never finishes usually means no agent offers the cpus, memory and port asked for, or the image is still being pulled.", e);
                }
                catch (Exception e) when (e is MarathonException or GatewayPinException or HttpRequestException)
                {
                    throw new MarathonJobException($"{appId}: {phase}: {e.Message} The job's group was removed.", e);
                }
            }

            if (detach)
            {
                record.Save(o.RecordFolder);
                keep = true;
                return new MarathonJobResult(jobId, groupId, null, null, null, watch.Elapsed);
            }

            outputFolder ??= Path.Combine(Environment.CurrentDirectory, "ispark-jobs", jobId);
            var (exitCode, executed, log) = await FollowAndCollectAsync(client, record, outputFolder, console, o.JobTimeout, cancellationToken).ConfigureAwait(false);
            return new MarathonJobResult(jobId, groupId, exitCode, executed, log, watch.Elapsed);
        }
        finally
        {
            if (posted && !keep)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Said first: after Ctrl+C the command line gives the command seconds, and the DELETE below goes out at once.
                    console?.WriteLine($"ispark submit: cancelled: removing the job's Marathon group {groupId}");
                }

                await RemoveGroupAsync(client, groupId, console).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits for a detached job (its record on this machine) to end, streaming its progress to <paramref name="console"/>
    /// when given, brings back its results into <paramref name="outputFolder"/>, removes its group and its record.
    /// </summary>
    public async Task<MarathonJobResult> CollectAsync(MarathonJobRecord record, string outputFolder, TextWriter? console = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var watch = Stopwatch.StartNew();
        using var client = new MarathonClient(record.Marathon, Options.Credentials ?? MarathonCredentials.FromEnvironment(), Options.RequestTimeout, Options.HttpHandler, Options.AllowHttpMarathon);
        try
        {
            var (exitCode, executed, log) = await FollowAndCollectAsync(client, record, outputFolder, console, Options.JobTimeout, cancellationToken).ConfigureAwait(false);
            return new MarathonJobResult(record.JobId, record.GroupId, exitCode, executed, log, watch.Elapsed);
        }
        finally
        {
            await RemoveGroupAsync(client, record.GroupId, console).ConfigureAwait(false);
            record.Delete(Options.RecordFolder);
        }
    }

    /// <summary>Writes a job's log (all of it, or the last <paramref name="tail"/> lines) to <paramref name="writer"/>; with <paramref name="follow"/>, until the job ends.</summary>
    public static async Task WriteLogsAsync(MarathonJobRecord record, TextWriter writer, int? tail, bool follow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(writer);
        using var endpoint = Connect(record);
        var status = await endpoint.StatusAsync(cancellationToken).ConfigureAwait(false);
        long offset = 0;
        if (tail is { } lines)
        {
            var all = new StringBuilder();
            while (offset < status.LogBytes)
            {
                var chunk = await endpoint.LogAsync(offset, cancellationToken).ConfigureAwait(false);
                if (chunk.Length == 0)
                {
                    break;
                }

                all.Append(Encoding.UTF8.GetString(chunk));
                offset += chunk.Length;
            }

            var last = all.ToString().Split('\n').SkipLast(1).TakeLast(lines);
            foreach (var line in last)
            {
                await writer.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        var decoder = Encoding.UTF8.GetDecoder();
        while (true)
        {
            offset = await CopyLogAsync(endpoint, offset, decoder, writer, cancellationToken).ConfigureAwait(false);
            if (!follow || status.State == "ended" && offset >= status.LogBytes)
            {
                return;
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            status = await endpoint.StatusAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The job's app definition (public so that tests can check it): the job image's gateway in job mode, nothing secret.</summary>
    public JsonObject JobApp(string appId, string jobId, string tokenSha256Hex, DateTimeOffset created, string notebookFileName)
    {
        var o = Options;
        var labels = new JsonObject();
        foreach (var (key, value) in o.Labels)
        {
            labels[key] = value;
        }

        labels[Docker.DockerJobs.JobLabel] = jobId;
        labels[DockerSparkContainers.OwnerLabel] = o.Owner;
        labels[DockerSparkContainers.CreatedLabel] = created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        labels[DockerSparkContainers.NameLabel] = o.Name ?? Path.GetFileNameWithoutExtension(notebookFileName);
        labels[DockerSparkContainers.RoleLabel] = Role;
        labels[Docker.DockerJobs.NotebookLabel] = notebookFileName;
        // One task, never two: a job is not a service.
        var app = MarathonApps.HostNetworkDocker(
            appId, 1, o.Cpus, ByteSize.Parse(o.Memory, "--memory") / (1024 * 1024), o.Image, false, ["job"], labels, o.Constraints);
        // The image's entrypoint is ispark; serve-job runs the gateway in job mode on PORT0 (docker/job/ispark).
        app["args"] = new JsonArray("serve-job");
        app["env"] = new JsonObject
        {
            ["ISPARK_GATEWAY_TOKEN_SHA256"] = tokenSha256Hex,
            ["ISPARK_SESSION_ID"] = jobId,
            // The results wait for their owner: no idle stop (a stopped task would be restarted empty).
            ["ISPARK_GATEWAY_IDLE_TIMEOUT"] = "0",
        };
        return app;
    }

    internal static JobEndpointClient Connect(MarathonJobRecord record) => new(record.Host, record.Port, record.Token, record.CertificateSha256);

    /// <summary>Streams the log until the job ends, then downloads every output file.</summary>
    private static async Task<(int ExitCode, string? Notebook, string? Log)> FollowAndCollectAsync(
        MarathonClient client, MarathonJobRecord record, string outputFolder, TextWriter? console, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var endpoint = Connect(record);
        var decoder = Encoding.UTF8.GetDecoder();
        long offset = 0;
        var unanswered = Stopwatch.StartNew();
        JobStatus status;
        try
        {
            while (true)
            {
                try
                {
                    status = await endpoint.StatusAsync(deadline.Token).ConfigureAwait(false);
                    if (status.State == "waiting")
                    {
                        await ThrowTaskChangedAsync(client, record, "took no notebook", deadline.Token).ConfigureAwait(false);
                    }

                    offset = await CopyLogAsync(endpoint, offset, decoder, console, deadline.Token).ConfigureAwait(false);
                    unanswered.Restart();
                    if (status.State == "ended" && offset >= status.LogBytes)
                    {
                        break;
                    }
                }
                catch (HttpRequestException e) when (!deadline.IsCancellationRequested)
                {
                    // Refused, or a certificate that is not the pinned one: the task is gone or Marathon replaced it.
                    await ThrowTaskChangedAsync(client, record, null, deadline.Token).ConfigureAwait(false);
                    if (unanswered.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        throw new MarathonJobException($"The job's task {record.TaskId} on {record.Host}:{record.Port.ToString(CultureInfo.InvariantCulture)} has not answered for 60 s though Marathon lists it running: {e.Message} The job's group was removed.");
                    }
                }

                await Task.Delay(500, deadline.Token).ConfigureAwait(false);
            }

            Directory.CreateDirectory(outputFolder);
            foreach (var name in await endpoint.FilesAsync(deadline.Token).ConfigureAwait(false))
            {
                await endpoint.DownloadAsync(name, Path.Combine(outputFolder, Path.GetFileName(name)), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MarathonJobException($"The job did not end within {timeout.TotalSeconds:0} s (--job-timeout); its group was removed.", e);
        }

        var stem = Path.GetFileNameWithoutExtension(record.Notebook);
        var executed = Path.Combine(outputFolder, stem + ".out.ipynb");
        var log = Path.Combine(outputFolder, stem + ".log");
        return (status.ExitCode ?? ExitCodeUnknown, File.Exists(executed) ? executed : null, File.Exists(log) ? log : null);
    }

    /// <summary>What a job that ended without an exit code reports (as ispark run's kernel failure).</summary>
    private const int ExitCodeUnknown = 4;

    /// <summary>Copies the log from <paramref name="offset"/> on (as much as there is now); returns the new offset.</summary>
    private static async Task<long> CopyLogAsync(JobEndpointClient endpoint, long offset, Decoder decoder, TextWriter? writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var chunk = await endpoint.LogAsync(offset, cancellationToken).ConfigureAwait(false);
            if (chunk.Length == 0)
            {
                return offset;
            }

            offset += chunk.Length;
            if (writer is not null)
            {
                var chars = new char[decoder.GetCharCount(chunk, flush: false)];
                decoder.GetChars(chunk, chars, flush: false);
                await writer.WriteAsync(chars, cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Throws when the task that took the notebook is no longer the app's running task (lost, failed, killed, replaced).</summary>
    private static async Task ThrowTaskChangedAsync(MarathonClient client, MarathonJobRecord record, string? seen, CancellationToken cancellationToken)
    {
        var tasks = await client.TasksAsync(record.AppId, cancellationToken).ConfigureAwait(false);
        var ours = tasks.FirstOrDefault(t => t.Id == record.TaskId);
        if (ours is { IsRunning: true } && seen is null)
        {
            return; // still there: a passing network problem
        }

        var failure = await client.LastTaskFailureAsync(record.AppId, cancellationToken).ConfigureAwait(false);
        var why = seen is not null ? $"was replaced: the task on {record.Host}:{record.Port.ToString(CultureInfo.InvariantCulture)} {seen}"
            : failure is not null && failure.TaskId == record.TaskId ? $"ended with {failure.State}: {failure.Message}"
            : ours is not null ? $"is {ours.State}"
            : "is gone";
        var others = tasks.Where(t => t.Id != record.TaskId).Select(t => t.Id).ToList();
        throw new MarathonJobException(
            $"The job's task {record.TaskId} {why}."
            + (others.Count > 0 ? $" Marathon started {string.Join(", ", others)} in its place, which waits for a notebook and ran nothing (a job never runs twice)." : "")
            + " Its results went with it; the job's group was removed: submit the job again.");
    }

    /// <summary>Waits for the deployment to end with a running task, failing fast on a failed or lost task.</summary>
    private static async Task<MarathonTask> WaitForTaskAsync(MarathonClient client, string appId, string deployment, CancellationToken cancellationToken) =>
        (await MarathonTaskWait.RunningAsync(
            client,
            appId,
            deployment,
            1,
            lost => new MarathonJobException($"Marathon reports the job's task {lost.Id} on {lost.Host} as {lost.State} (agent down or unreachable); the job's group was removed."),
            f => new MarathonJobException(
                $"The job's task {f.TaskId} on {f.Host} ended with {f.State} before it took the notebook: {f.Message}. The job's group was removed (Marathon would restart it forever). "
                + "Its output is in the task's Mesos sandbox; check --image (a job image, docker/job) and --memory."),
            cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Removes the job's group and waits (bounded) until Marathon no longer lists it; says so when it cannot.</summary>
    internal static async Task<bool> RemoveGroupAsync(MarathonClient client, string groupId, TextWriter? console)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            if (await client.DeleteGroupAsync(groupId, bounded.Token).ConfigureAwait(false) is not { } deployment)
            {
                return false;
            }

            await client.WaitForDeploymentAsync(deployment, TimeSpan.FromSeconds(80), cancellationToken: bounded.Token).ConfigureAwait(false);
            while (await client.GroupExistsAsync(groupId, bounded.Token).ConfigureAwait(false))
            {
                await Task.Delay(300, bounded.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is MarathonException or TimeoutException or OperationCanceledException)
        {
            console?.WriteLine($"ispark: could not remove Marathon group {groupId}: {e.Message} Remove it with `ispark jobs --remove JOB --marathon URL`.");
            return false;
        }
    }

}

/// <summary>A Marathon job could not be submitted, followed or collected; the message says why (never a token or a password).</summary>
public sealed class MarathonJobException : Exception
{
    /// <summary>With a message.</summary>
    public MarathonJobException(string message)
        : base(message)
    {
    }

    /// <summary>With a message and its cause.</summary>
    public MarathonJobException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

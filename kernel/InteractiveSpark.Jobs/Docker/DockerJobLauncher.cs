using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using InteractiveSpark.Core;
using InteractiveSpark.Jobs.Notebooks;
using InteractiveSpark.Sessions.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InteractiveSpark.Jobs.Docker;

/// <summary>What a submitted job did.</summary>
/// <param name="JobId">The job id (<c>ispark.job</c> label; <c>ispark logs</c> and <c>ispark jobs</c> take it).</param>
/// <param name="ContainerName">The container's name.</param>
/// <param name="ExitCode">ispark run's exit code in the container (0 ok, 1 a cell failed, 3 timeout, 4 kernel); null when detached.</param>
/// <param name="OutputNotebook">The executed notebook brought back; null when detached or when the job wrote none.</param>
/// <param name="LogFile">The job's output (progress lines) brought back; null when detached.</param>
/// <param name="Duration">From submit to the end (or to the start, detached).</param>
public sealed record DockerJobResult(string JobId, string ContainerName, long? ExitCode, string? OutputNotebook, string? LogFile, TimeSpan Duration);

/// <summary>
/// Runs a notebook as a job in a container of the job image (<c>docker/job/</c>): the notebook is copied in, the
/// container runs <c>ispark run --spark local</c> (a Spark Connect server of its own, inside the container), and when it
/// exits the executed notebook, the kernel log and the job's output are copied back and the container is removed. The
/// container carries labels (<c>ispark.job</c>, owner, created, name, notebook) so that <see cref="DockerJobs"/> finds it;
/// nothing secret is in its configuration: the job's Spark token is made inside it and never leaves it.
/// </summary>
public sealed partial class DockerJobLauncher(DockerJobOptions options)
{
    private readonly ILogger _logger = options.LoggerFactory?.CreateLogger("InteractiveSpark.Jobs.Docker") ?? NullLogger.Instance;

    /// <summary>Where the job image runs notebooks: the input is copied to <c>in/</c>, results are read from <c>out/</c>.</summary>
    public const string JobFolder = "/opt/ispark/job";

    /// <summary>The options.</summary>
    /// <exception cref="ArgumentException">A container limit is not usable (checked here, before any image check or container).</exception>
    public DockerJobOptions Options { get; } = Checked(options ?? throw new ArgumentNullException(nameof(options)));

    private static DockerJobOptions Checked(DockerJobOptions o)
    {
        if (o.Cpus is { } cpus && (!double.IsFinite(cpus) || cpus <= 0 || cpus > 1024))
        {
            throw new ArgumentException($"--cpus {cpus.ToString(CultureInfo.InvariantCulture)}: expected a number of CPUs above 0, such as 2 or 0.5.");
        }

        if (o.Memory is { } memory)
        {
            _ = ParseBytes(memory);
        }

        if (o.Kernel is not ("interactivespark" or "dotnet-interactive"))
        {
            throw new ArgumentException($"--kernel is interactivespark or dotnet-interactive; got '{InputText.Clip(o.Kernel)}'.");
        }

        return o;
    }

    /// <summary>
    /// Submits the notebook. Waits for the job unless <paramref name="detach"/>, streaming its progress lines to
    /// <paramref name="console"/>, then copies the results into <paramref name="outputFolder"/> (null: <c>ispark-jobs/JOB</c>
    /// under the current folder) and removes the container.
    /// On a failure to start, on the job timeout and on cancellation the container is removed too.
    /// </summary>
    public async Task<DockerJobResult> SubmitAsync(
        string notebookPath, string? outputFolder, TextWriter? console = null, bool detach = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebookPath);
        if (!File.Exists(notebookPath))
        {
            throw new DockerJobException($"No notebook at {Path.GetFullPath(notebookPath)}.");
        }

        var o = Options;
        var watch = Stopwatch.StartNew();
        // The parameters go into the notebook here, as ispark run would put them (and as on Marathon): the container
        // gets them only inside the notebook copied into it, never on its command line, which `docker inspect` and
        // `ps` on the host show to anyone who may look.
        var input = await Notebook.LoadAsync(notebookPath, cancellationToken).ConfigureAwait(false);
        var warnings = NotebookParameters.Inject(input, o.Parameters);
        var endpoint = DockerSparkContainers.Endpoint(o.DockerEndpoint);
        using var client = new DockerClientConfiguration(endpoint).CreateClient();
        await DockerImageCheck.EnsureAsync(
            client,
            endpoint,
            o.Image,
            "build it with docker/build-job-image, or pass --image with a job image",
            (message, e) => e is null ? new DockerJobException(message) : new DockerJobException(message, e),
            cancellationToken).ConfigureAwait(false);
        foreach (var warning in warnings)
        {
            console?.WriteLine("ispark submit: " + warning);
        }

        var jobId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var fileName = Path.GetFileName(notebookPath);
        var stem = Path.GetFileNameWithoutExtension(notebookPath);
        var name = o.Name ?? stem;
        var containerName = $"{ContainerNames.Part(o.NamePrefix, "job")}-{ContainerNames.Part(name, "job")}-job-{jobId}";
        var labels = new Dictionary<string, string>(o.Labels, StringComparer.Ordinal)
        {
            [DockerJobs.JobLabel] = jobId,
            [DockerSparkContainers.OwnerLabel] = o.Owner,
            [DockerSparkContainers.CreatedLabel] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [DockerSparkContainers.NameLabel] = name,
            [DockerSparkContainers.PrefixLabel] = o.NamePrefix,
            [DockerSparkContainers.RoleLabel] = "job",
            [DockerJobs.NotebookLabel] = fileName,
        };
        var command = new List<string>
        {
            "run", $"{JobFolder}/in/{stem}.ipynb", "-o", $"{JobFolder}/out/{stem}.out.ipynb", "--kernel-log", $"{JobFolder}/out/kernel.log",
            "--spark", "local", "--spark-master", o.SparkMaster, "--spark-driver-memory", o.DriverMemory, "--kernel", o.Kernel,
        };
        if (o.CellTimeout is { } cellTimeout)
        {
            command.Add("--timeout");
            command.Add(cellTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        }

        var host = new HostConfig { NetworkMode = "host" };
        if (o.Cpus is { } cpus)
        {
            host.NanoCPUs = (long)(cpus * 1e9);
        }

        if (o.Memory is { } memory)
        {
            host.Memory = ParseBytes(memory);
        }

        console?.WriteLine($"ispark submit: job {jobId} ({containerName}, image {o.Image})");
        string? containerId = null;
        var keep = false;
        try
        {
            var created = await client.Containers.CreateContainerAsync(
                new CreateContainerParameters { Name = containerName, Image = o.Image, Cmd = command, Labels = labels, HostConfig = host },
                cancellationToken).ConfigureAwait(false);
            containerId = created.ID;
            LogCreated(_logger, jobId, containerName, containerId, o.Image, fileName, o.Parameters.Count == 0 ? "none" : string.Join(", ", o.Parameters.Select(p => p.Key)));
            await using (var archive = await TarOfAsync(stem + ".ipynb", IpynbFormat.Write(input), cancellationToken).ConfigureAwait(false))
            {
                await client.Containers.ExtractArchiveToContainerAsync(
                    containerId, new ContainerPathStatParameters { Path = $"{JobFolder}/in" }, archive, cancellationToken).ConfigureAwait(false);
            }

            await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            LogStarted(_logger, jobId, detach ? "detached: its container stays until collected or removed" : "attached");
            if (detach)
            {
                keep = true;
                return new DockerJobResult(jobId, containerName, null, null, null, watch.Elapsed);
            }

            outputFolder ??= Path.Combine(Environment.CurrentDirectory, "ispark-jobs", jobId);
            var (exitCode, notebook, log) = await WaitAndCollectAsync(client, containerId, stem, outputFolder, o.JobTimeout, console, cancellationToken).ConfigureAwait(false);
            LogEnded(_logger, jobId, exitCode, watch.Elapsed.TotalSeconds, outputFolder);
            return new DockerJobResult(jobId, containerName, exitCode, notebook, log, watch.Elapsed);
        }
        catch (Exception e) when (LogFailure(jobId, watch, e))
        {
            throw; // never reached: the filter logs and declines
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or DockerApiException && e is not DockerJobException)
        {
            throw new DockerJobException($"The Docker engine at {endpoint} failed while running job {jobId}: {e.Message}", e);
        }
        finally
        {
            if (containerId is not null && !keep)
            {
                if (await DockerContainerRemoval.RemoveQuietlyAsync(client, containerId, CancellationToken.None).ConfigureAwait(false))
                {
                    LogRemoved(_logger, jobId, containerName);
                }
            }
        }
    }

    /// <summary>Waits for a (detached) job to end, copies its results into <paramref name="outputFolder"/>, removes it.</summary>
    public async Task<DockerJobResult> CollectAsync(string job, string outputFolder, TextWriter? console = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        using var client = DockerSparkContainers.CreateClient(Options.DockerEndpoint);
        var found = await DockerJobs.FindAsync(client, job, cancellationToken).ConfigureAwait(false)
            ?? throw new DockerJobException($"No job '{InputText.Clip(job)}' (ispark jobs lists them).");
        try
        {
            var stem = Path.GetFileNameWithoutExtension(found.Notebook);
            var (exitCode, notebook, log) = await WaitAndCollectAsync(client, found.ContainerId, stem, outputFolder, Options.JobTimeout, console, cancellationToken).ConfigureAwait(false);
            LogEnded(_logger, found.Id, exitCode, watch.Elapsed.TotalSeconds, outputFolder);
            return new DockerJobResult(found.Id, found.ContainerName, exitCode, notebook, log, watch.Elapsed);
        }
        catch (Exception e) when (LogFailure(found.Id, watch, e))
        {
            throw; // never reached: the filter logs and declines
        }
        finally
        {
            if (await DockerContainerRemoval.RemoveQuietlyAsync(client, found.ContainerId, CancellationToken.None).ConfigureAwait(false))
            {
                LogRemoved(_logger, found.Id, found.ContainerName);
            }
        }
    }

    private static async Task<(long ExitCode, string? Notebook, string Log)> WaitAndCollectAsync(
        DockerClient client, string containerId, string stem, string outputFolder, TimeSpan timeout, TextWriter? console, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var stopFollowing = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var follow = console is null
            ? Task.CompletedTask
            : Task.Run(async () =>
            {
                try
                {
                    await DockerJobs.CopyLogsAsync(client, containerId, console, null, follow: true, stopFollowing.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or DockerApiException or HttpRequestException)
                {
                    // The job ended or we stopped following: the full log is collected below.
                }
            }, CancellationToken.None);
        long exitCode;
        try
        {
            exitCode = (await client.Containers.WaitContainerAsync(containerId, deadline.Token).ConfigureAwait(false)).StatusCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DockerJobException($"The job did not end within {timeout.TotalSeconds:0} s (--job-timeout); its container was removed.");
        }
        finally
        {
            await Task.WhenAny(follow, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            await stopFollowing.CancelAsync().ConfigureAwait(false);
        }

        Directory.CreateDirectory(outputFolder);
        var logFile = Path.Combine(outputFolder, stem + ".log");
        await using (var writer = new StreamWriter(logFile, append: false))
        {
            await DockerJobs.CopyLogsAsync(client, containerId, writer, null, follow: false, cancellationToken).ConfigureAwait(false);
        }

        string? notebook = null;
        try
        {
            var archive = await client.Containers.GetArchiveFromContainerAsync(
                containerId, new GetArchiveFromContainerParameters { Path = $"{JobFolder}/out/." }, statOnly: false, cancellationToken).ConfigureAwait(false);
            // Read whole first (a notebook and two logs): Docker's tar stream may end without tar's two zero blocks, which
            // TarReader would read past on a network stream; the padding gives it a proper end.
            var buffer = new MemoryStream();
            await using (var stream = archive.Stream)
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            buffer.Write(new byte[1024]);
            buffer.Position = 0;
            await using var reader = new TarReader(buffer);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                // Only plain file names: nothing of the archive is written outside the output folder.
                var fileName = Path.GetFileName(entry.Name);
                if (fileName.Length == 0 || fileName.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = Path.Combine(outputFolder, fileName);
                await using (var file = File.Create(target))
                {
                    await entry.DataStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }

                if (fileName == stem + ".out.ipynb")
                {
                    notebook = target;
                }
            }
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // The job wrote nothing (it failed before the notebook ran): the log says why.
        }

        return (exitCode, notebook, logFile);
    }

    /// <summary>A tar stream with the one notebook file, readable by the container's user.</summary>
    private static async Task<Stream> TarOfAsync(string fileName, string text, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, fileName)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
            };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static long ParseBytes(string text) =>
        // Sessions' grammar (ByteSize), with Docker's own floor of 4 MB for a container.
        ByteSize.TryParse(text, out var bytes) && bytes >= 4L << 20
            ? bytes
            : throw new ArgumentException(text.Trim().Length == 0
                ? "--memory needs a size such as 4g or 512m."
                : $"--memory {InputText.Clip(text)}: expected a size from 4m up, such as 4g or 512m.");
}

using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Jobs.Docker;

/// <summary>A job container, as its labels and Docker's state describe it.</summary>
/// <param name="Id">The job id (<c>ispark.job</c> label).</param>
/// <param name="ContainerId">The container id.</param>
/// <param name="ContainerName">The container name.</param>
/// <param name="Name">The job's name.</param>
/// <param name="Notebook">The notebook's file name.</param>
/// <param name="Owner">Who submitted it.</param>
/// <param name="Created">When it was submitted.</param>
/// <param name="State">Docker's state: created, running, exited, ...</param>
/// <param name="ExitCode">The exit code once exited (ispark run's: 0 ok, 1 cell failed, 3 timeout, 4 kernel).</param>
public sealed record DockerJob(
    string Id, string ContainerId, string ContainerName, string Name, string Notebook, string Owner, DateTimeOffset? Created, string State, long? ExitCode);

/// <summary>Finds, reads and removes job containers by their labels (<c>ispark jobs</c>, <c>ispark logs</c>).</summary>
public static class DockerJobs
{
    /// <summary>The label with the job id; every job container has it.</summary>
    public const string JobLabel = "ispark.job";

    /// <summary>The label with the notebook's file name.</summary>
    public const string NotebookLabel = "ispark.notebook";

    /// <summary>Job containers (running and exited), newest first.</summary>
    public static async Task<IReadOnlyList<DockerJob>> ListAsync(string? endpoint = null, CancellationToken cancellationToken = default)
    {
        using var client = DockerSparkContainers.CreateClient(endpoint);
        return await ListAsync(client, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job with this id (or a unique prefix of it, or its container name); null when there is none.</summary>
    public static async Task<DockerJob?> FindAsync(string job, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var client = DockerSparkContainers.CreateClient(endpoint);
        return await FindAsync(client, job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's output (its progress lines; ispark run writes no secret), all of it or the last lines; follows until it exits when asked.</summary>
    public static async Task WriteLogsAsync(
        string job, TextWriter writer, int? tail = null, bool follow = false, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (tail is < 0)
        {
            throw new DockerJobException($"--tail takes a number of lines, 0 or more; got {tail.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        using var client = DockerSparkContainers.CreateClient(endpoint);
        var found = await FindAsync(client, job, cancellationToken).ConfigureAwait(false)
            ?? throw new DockerJobException($"No job '{InputText.Clip(job)}' (ispark jobs lists them).");
        await CopyLogsAsync(client, found.ContainerId, writer, tail, follow, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a job's container (killed first if running); false when there was none.</summary>
    public static async Task<bool> RemoveAsync(string job, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        using var client = DockerSparkContainers.CreateClient(endpoint);
        var found = await FindAsync(client, job, cancellationToken).ConfigureAwait(false);
        return found is not null && await DockerContainerRemoval.RemoveQuietlyAsync(client, found.ContainerId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every job container that has exited; returns how many.</summary>
    public static async Task<int> PruneAsync(string? endpoint = null, CancellationToken cancellationToken = default)
    {
        using var client = DockerSparkContainers.CreateClient(endpoint);
        var removed = 0;
        foreach (var job in (await ListAsync(client, null, cancellationToken).ConfigureAwait(false)).Where(j => j.State is "exited" or "dead" or "created"))
        {
            if (await DockerContainerRemoval.RemoveQuietlyAsync(client, job.ContainerId, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        return removed;
    }

    internal static async Task<IReadOnlyList<DockerJob>> ListAsync(DockerClient client, string? jobId, CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, bool> { [jobId is null ? JobLabel : $"{JobLabel}={jobId}"] = true };
        var list = await client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter } },
            cancellationToken).ConfigureAwait(false);
        var jobs = new List<DockerJob>();
        foreach (var c in list)
        {
            string Label(string key) => c.Labels is not null && c.Labels.TryGetValue(key, out var v) ? v : "";
            DateTimeOffset? created = DateTimeOffset.TryParse(Label(DockerSparkContainers.CreatedLabel), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            long? exit = null;
            if (c.State is "exited" or "dead")
            {
                try
                {
                    exit = (await client.Containers.InspectContainerAsync(c.ID, cancellationToken).ConfigureAwait(false)).State.ExitCode;
                }
                catch (DockerContainerNotFoundException)
                {
                    continue;
                }
            }

            jobs.Add(new DockerJob(Label(JobLabel), c.ID, c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID, Label(DockerSparkContainers.NameLabel),
                Label(NotebookLabel), Label(DockerSparkContainers.OwnerLabel), created, c.State, exit));
        }

        return jobs.OrderByDescending(j => j.Created).ToList();
    }

    internal static async Task<DockerJob?> FindAsync(DockerClient client, string job, CancellationToken cancellationToken)
    {
        // An empty id is a prefix of every id: without this, `ispark jobs --remove ""` removed the only job there was.
        if (string.IsNullOrWhiteSpace(job))
        {
            throw new DockerJobException("Give a job id (or a unique prefix of one, or its container name); ispark jobs lists them.");
        }

        var all = await ListAsync(client, null, cancellationToken).ConfigureAwait(false);
        var exact = all.Where(j => j.Id == job || j.ContainerName == job).ToList();
        if (exact.Count == 1)
        {
            return exact[0];
        }

        var prefixed = all.Where(j => j.Id.StartsWith(job, StringComparison.Ordinal)).ToList();
        return prefixed.Count switch
        {
            0 => null,
            1 => prefixed[0],
            _ => throw new DockerJobException($"'{InputText.Clip(job)}' names {prefixed.Count} jobs ({string.Join(", ", prefixed.Select(j => j.Id))}): give more of the id."),
        };
    }

    internal static async Task CopyLogsAsync(DockerClient client, string containerId, TextWriter writer, int? tail, bool follow, CancellationToken cancellationToken)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(
            containerId,
            tty: false,
            new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Follow = follow,
                Tail = tail is { } lines ? lines.ToString(CultureInfo.InvariantCulture) : "all",
            },
            cancellationToken).ConfigureAwait(false);
        var buffer = new byte[16384];
        var decoders = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }

            if (!decoders.TryGetValue(read.Target, out var decoder))
            {
                decoders[read.Target] = decoder = Encoding.UTF8.GetDecoder();
            }

            var n = decoder.GetChars(buffer, 0, read.Count, chars, 0);
            await writer.WriteAsync(chars.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A job could not be submitted, found or read; the message says why and what to do.</summary>
public sealed class DockerJobException : Exception
{
    /// <summary>With a message.</summary>
    public DockerJobException(string message)
        : base(message)
    {
    }

    /// <summary>With a message and its cause.</summary>
    public DockerJobException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

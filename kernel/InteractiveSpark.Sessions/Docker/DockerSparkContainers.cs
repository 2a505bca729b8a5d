using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>A container the Docker launcher started, as its labels describe it (never a secret: none is in them).</summary>
/// <param name="Id">The container id.</param>
/// <param name="Name">The container name.</param>
/// <param name="SessionId">The <c>ispark.session</c> label.</param>
/// <param name="SessionName">The <c>ispark.name</c> label.</param>
/// <param name="Role">The <c>ispark.role</c> label: <c>driver</c> or <c>worker</c>.</param>
/// <param name="Owner">The <c>ispark.owner</c> label (user@host).</param>
/// <param name="Created">The <c>ispark.created</c> label.</param>
/// <param name="State">Docker's state: running, exited, ...</param>
public sealed record DockerSparkContainer(
    string Id, string Name, string SessionId, string SessionName, string Role, string Owner, DateTimeOffset? Created, string State);

/// <summary>
/// Finds and removes the containers of Docker sessions by label: for tests, for <c>ispark sessions</c>, and for anything
/// a killed process left behind (the gateway's idle timer removes a driver by itself; this is the broom for the rest).
/// </summary>
public static class DockerSparkContainers
{
    /// <summary>The label every container of the launcher carries: the session id.</summary>
    public const string SessionLabel = "ispark.session";

    /// <summary>The label with <c>user@host</c> of who started the session.</summary>
    public const string OwnerLabel = "ispark.owner";

    /// <summary>The label with the session's start time (ISO 8601, UTC).</summary>
    public const string CreatedLabel = "ispark.created";

    /// <summary>The label with the session's name.</summary>
    public const string NameLabel = "ispark.name";

    /// <summary>The label with the name prefix (e.g. <c>staging-analytics</c>).</summary>
    public const string PrefixLabel = "ispark.prefix";

    /// <summary>The label with the container's role: <c>driver</c> or <c>worker</c>.</summary>
    public const string RoleLabel = "ispark.role";

    /// <summary>The Docker engine to use: the given endpoint, else <c>DOCKER_HOST</c>, else the local socket.</summary>
    public static Uri Endpoint(string? endpoint = null)
    {
        var text = endpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST");
        return new Uri(string.IsNullOrWhiteSpace(text) ? "unix:///var/run/docker.sock" : text);
    }

    /// <summary>A client of that engine (dispose it).</summary>
    public static DockerClient CreateClient(string? endpoint = null) => new DockerClientConfiguration(Endpoint(endpoint)).CreateClient();

    /// <summary>The launcher's containers (running or not) that carry every given label (<c>key=value</c>, or just <c>key</c>).</summary>
    public static async Task<IReadOnlyList<DockerSparkContainer>> ListAsync(
        IReadOnlyDictionary<string, string?>? labels = null, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        using var client = CreateClient(endpoint);
        return await ListAsync(client, labels, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes (kills first) every launcher container that carries every given label; returns how many it removed.</summary>
    public static async Task<int> RemoveAsync(
        IReadOnlyDictionary<string, string?> labels, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var client = CreateClient(endpoint);
        var containers = await ListAsync(client, labels, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var container in containers)
        {
            if (await DockerContainerRemoval.RemoveQuietlyAsync(client, container.Id, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Stops a Docker session this process did not start (one taken over with <c>--attach</c>): SIGTERM to its driver
    /// (15 s, so Spark ends cleanly), then removes every container of the session and waits until Docker lists none
    /// (60 s at most). Returns how many containers it removed.
    /// </summary>
    public static async Task<int> StopSessionAsync(string sessionId, string? endpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var client = CreateClient(endpoint);
        var labels = new Dictionary<string, string?> { [SessionLabel] = sessionId };
        var containers = await ListAsync(client, labels, timeout.Token).ConfigureAwait(false);
        foreach (var driver in containers.Where(c => c.Role == "driver" && c.State == "running"))
        {
            try
            {
                await client.Containers.StopContainerAsync(driver.Id, new ContainerStopParameters { WaitBeforeKillSeconds = 15 }, timeout.Token).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                // Already stopping or gone: the removal below settles it.
            }
        }

        var removed = 0;
        while (true)
        {
            // The workers follow their master and AutoRemove finishes asynchronously: remove until none is listed.
            var left = await ListAsync(client, labels, timeout.Token).ConfigureAwait(false);
            if (left.Count == 0)
            {
                return removed;
            }

            foreach (var container in left)
            {
                if (await DockerContainerRemoval.RemoveQuietlyAsync(client, container.Id, timeout.Token).ConfigureAwait(false))
                {
                    removed++;
                }
            }

            await Task.Delay(200, timeout.Token).ConfigureAwait(false);
        }
    }

    internal static async Task<IReadOnlyList<DockerSparkContainer>> ListAsync(
        DockerClient client, IReadOnlyDictionary<string, string?>? labels, CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, bool>(StringComparer.Ordinal) { [SessionLabel] = true };
        foreach (var (key, value) in labels ?? new Dictionary<string, string?>())
        {
            filter[value is null ? key : $"{key}={value}"] = true;
        }

        var list = await client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter } },
            cancellationToken).ConfigureAwait(false);
        return list.Select(c =>
        {
            string Label(string key) => c.Labels is not null && c.Labels.TryGetValue(key, out var v) ? v : "";
            DateTimeOffset? created = DateTimeOffset.TryParse(Label(CreatedLabel), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            return new DockerSparkContainer(
                c.ID, c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID, Label(SessionLabel), Label(NameLabel), Label(RoleLabel), Label(OwnerLabel), created, c.State);
        }).ToList();
    }
}

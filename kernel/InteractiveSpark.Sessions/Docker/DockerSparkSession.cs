using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>
/// A Spark driver running in a container (and its worker containers), reached through the gateway's one TLS port.
/// Owns the containers: disposing it stops the driver (SIGTERM, so Spark ends cleanly) and removes every container.
/// Made by <see cref="DockerSparkLauncher.StartAsync"/>.
/// </summary>
public sealed partial class DockerSparkSession : IGatewaySession
{
    private readonly DockerClient _client;
    private readonly List<string> _containers = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private int _disposed;

    internal DockerSparkSession(DockerClient client, string sessionId, string name, string image, ILogger logger)
    {
        _client = client;
        _logger = logger;
        SessionId = sessionId;
        Name = name;
        Image = image;
    }

    /// <summary>The session id (the <c>ispark.session</c> label of every container).</summary>
    public string SessionId { get; }

    /// <summary>The session's name.</summary>
    public string Name { get; }

    /// <summary>The image the containers run.</summary>
    public string Image { get; }

    /// <summary>How to reach the gateway, with the session token (its <c>ToString</c> hides the token): TLS, host and port of the gateway.</summary>
    public SparkConnectionString ConnectionString { get; internal set; } = null!;

    /// <summary>The SHA-256 fingerprint of the gateway's certificate (64 hex digits), as the gateway printed it: the pin.</summary>
    public string CertificateSha256 { get; internal set; } = "";

    /// <summary>Session options that pin the gateway's certificate; give them to <see cref="SparkSession.ConnectAsync(SparkConnectionString, SparkSessionOptions?, CancellationToken)"/>.</summary>
    public SparkSessionOptions SessionOptions => SparkSessionOptions.Default with { PinnedServerCertificateSha256 = CertificateSha256 };

    /// <summary>The gateway's address for browsers and HTTP clients, e.g. <c>https://localhost:15443</c>.</summary>
    public Uri GatewayUri => new($"https://{ConnectionString.Host}:{ConnectionString.Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The Spark UI through the gateway (needs the token: a bearer header, or <c>/login</c> first in a browser).</summary>
    public Uri UiUri => new(GatewayUri, "/ui/");

    /// <summary>The driver container's name.</summary>
    public string DriverContainerName { get; internal set; } = "";

    /// <summary>The driver container's id.</summary>
    public string DriverContainerId { get; internal set; } = "";

    /// <summary>The worker containers' ids.</summary>
    public IReadOnlyList<string> WorkerContainerIds { get; internal set; } = [];

    /// <summary>Whether the session has worker containers (executors outside the driver).</summary>
    public bool HasExecutors => WorkerContainerIds.Count > 0;

    /// <inheritdoc/>
    public string Description =>
        $"Docker container {DriverContainerName} ({Image}, {(HasExecutors ? $"{WorkerContainerIds.Count.ToString(CultureInfo.InvariantCulture)} executor container(s)" : "local[*]")}; gateway {GatewayUri.Authority}, TLS pinned)";

    /// <summary>The Spark version the gateway reported.</summary>
    public string? SparkVersion { get; internal set; }

    /// <summary>The driver container's exit code once it has exited (idle timer, failure), else null.</summary>
    public long? DriverExitCode => DriverExit is { IsCompletedSuccessfully: true } t ? t.Result : null;

    /// <summary>Whether the driver container has exited.</summary>
    public bool HasExited => DriverExit?.IsCompleted ?? false;

    /// <summary>The driver container's last log lines (gateway and Spark).</summary>
    public IReadOnlyList<string> RecentLog => Log?.Lines ?? [];

    internal Task<long>? DriverExit { get; set; }

    internal ContainerLog? Log { get; set; }

    internal IReadOnlyList<string> ContainerIds
    {
        get
        {
            lock (_gate)
            {
                return _containers.ToArray();
            }
        }
    }

    internal void Own(string containerId)
    {
        lock (_gate)
        {
            _containers.Add(containerId);
        }
    }

    /// <summary>Opens a Spark session through the gateway, with the certificate pinned.</summary>
    public Task<SparkSession> ConnectAsync(CancellationToken cancellationToken = default) =>
        SparkSession.ConnectAsync(ConnectionString, SessionOptions, cancellationToken);

    /// <summary>Stops the driver (SIGTERM, up to 15 s), then removes the driver and every worker container.</summary>
    public ValueTask DisposeAsync() => DisposeAsync(graceful: true);

    /// <summary>Removes every container; <paramref name="graceful"/> first stops the driver with SIGTERM (a failed start does not wait for that).</summary>
    internal async ValueTask DisposeAsync(bool graceful)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LocalUiProxy.StopAsync(this).ConfigureAwait(false);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (HasExited && DriverContainerId.Length > 0)
            {
                LogExitedBefore(_logger, SessionId, DriverContainerName, DriverExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
            }

            var ids = ContainerIds;
            if (ids.Count > 0)
            {
                LogStopping(_logger, SessionId, Name, graceful ? "SIGTERM to the driver, then remove" : "failed start: kill and remove", ids.Count,
                    string.Join(", ", ids.Select(id => id == DriverContainerId ? DriverContainerName : id[..Math.Min(12, id.Length)])));
            }

            if (graceful && DriverContainerId.Length > 0 && !HasExited)
            {
                try
                {
                    await _client.Containers.StopContainerAsync(DriverContainerId, new ContainerStopParameters { WaitBeforeKillSeconds = 15 }, timeout.Token)
                        .ConfigureAwait(false);
                }
                catch (Exception e) when (e is DockerApiException or HttpRequestException or OperationCanceledException)
                {
                    // Already gone, or the engine is slow: the force-remove below settles it.
                }
            }

            foreach (var id in ContainerIds)
            {
                try
                {
                    await DockerContainerRemoval.RemoveQuietlyAsync(_client, id, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DockerApiException or HttpRequestException or OperationCanceledException)
                {
                    // Best effort; the idle timer and the workers' watchdog end what is left.
                    LogRemoveFailed(_logger, SessionId, id, e.Message);
                }
            }

            var left = await WaitGoneAsync(timeout.Token).ConfigureAwait(false);
            if (ids.Count > 0)
            {
                LogRemoved(_logger, SessionId, watch.Elapsed.TotalSeconds, left);
            }
        }
        finally
        {
            Log?.Dispose();
            _client.Dispose();
        }
    }

    /// <summary>Waits until Docker lists none of this session's containers (AutoRemove finishes asynchronously); returns how many it still lists (-1: unknown).</summary>
    private async Task<int> WaitGoneAsync(CancellationToken cancellationToken)
    {
        var count = -1;
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var left = await DockerSparkContainers.ListAsync(
                    _client, new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = SessionId }, cancellationToken).ConfigureAwait(false);
                count = left.Count;
                if (left.Count == 0)
                {
                    return 0;
                }

                foreach (var c in left.Where(c => c.State is "exited" or "created" or "dead"))
                {
                    await DockerContainerRemoval.RemoveQuietlyAsync(_client, c.Id, cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or OperationCanceledException)
        {
            // Best effort.
        }

        return count;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (session {SessionId}, container {DriverContainerName}, {ConnectionString})";
}

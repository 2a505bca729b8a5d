using System.Globalization;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>
/// A Spark driver running as a Marathon app (and its worker app), reached through the gateway's one TLS port. Owns the
/// session's Marathon group: disposing it removes the group (<c>DELETE /v2/groups/{id}?force=true</c>: Marathon kills
/// the tasks with SIGTERM, then SIGKILL after the grace period) and waits until the group is gone.
/// Made by <see cref="MarathonSparkLauncher.StartAsync"/>.
/// </summary>
public sealed partial class MarathonSparkSession : IGatewaySession
{
    private readonly MarathonClient _client;
    private readonly ILogger _logger;
    private int _disposed;

    internal MarathonSparkSession(MarathonClient client, string sessionId, string name, string groupId, string image, int executors, ILogger logger)
    {
        Image = image;
        _client = client;
        _logger = logger;
        SessionId = sessionId;
        Name = name;
        GroupId = groupId;
        Executors = executors;
    }

    /// <summary>The session id (the <c>ispark.session</c> label of both apps).</summary>
    public string SessionId { get; }

    /// <summary>The session's name.</summary>
    public string Name { get; }

    /// <summary>The session's Marathon group, e.g. <c>/staging-analytics/dev-1a2b3c4d5e6f</c>.</summary>
    public string GroupId { get; }

    /// <summary>The driver app's id (<c>{group}/driver</c>).</summary>
    public string DriverAppId => GroupId + "/driver";

    /// <summary>The worker app's id (<c>{group}/workers</c>), present when <see cref="Executors"/> &gt; 0.</summary>
    public string WorkersAppId => GroupId + "/workers";

    /// <summary>The number of executors (worker instances).</summary>
    public int Executors { get; }

    /// <summary>The agent the driver task runs on.</summary>
    public string DriverHost { get; internal set; } = "";

    /// <summary>The driver task's id.</summary>
    public string DriverTaskId { get; internal set; } = "";

    /// <summary>The worker tasks, once running.</summary>
    public IReadOnlyList<MarathonTask> WorkerTasks { get; internal set; } = [];

    /// <summary>How to reach the gateway, with the session token (its <c>ToString</c> hides the token).</summary>
    public SparkConnectionString ConnectionString { get; internal set; } = null!;

    /// <summary>The gateway certificate's SHA-256 fingerprint, proven by the gateway (<see cref="GatewayPin"/>): the pin.</summary>
    public string CertificateSha256 { get; internal set; } = "";

    /// <summary>The Spark version the gateway reported.</summary>
    public string? SparkVersion { get; internal set; }

    /// <summary>From the first request to Marathon until Spark answered.</summary>
    public TimeSpan StartupTime { get; internal set; }

    /// <summary>Session options that pin the gateway's certificate.</summary>
    public SparkSessionOptions SessionOptions => SparkSessionOptions.Default with { PinnedServerCertificateSha256 = CertificateSha256 };

    /// <summary>The gateway's address for browsers and HTTP clients.</summary>
    public Uri GatewayUri => new($"https://{ConnectionString.Host}:{ConnectionString.Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The Spark UI through the gateway.</summary>
    public Uri UiUri => new(GatewayUri, "/ui/");

    /// <summary>The Marathon this session runs on.</summary>
    public Uri Marathon => _client.BaseUri;

    bool IGatewaySession.HasExecutors => Executors > 0;

    /// <summary>The image the driver (and workers) run.</summary>
    public string Image { get; }

    /// <inheritdoc/>
    public string Description =>
        $"Marathon app {DriverAppId} on {DriverHost} ({Image}, {(Executors > 0 ? $"{Executors.ToString(CultureInfo.InvariantCulture)} executor(s) in {WorkersAppId}" : "local[*]")}; gateway {GatewayUri.Authority}, TLS pinned)";

    /// <summary>Always false: Marathon restarts a driver task that ends; <see cref="DisposeAsync"/> ends the session.</summary>
    public bool HasExited => false;

    internal bool Created { get; set; }

    internal string? WorkersDeployment { get; set; }

    /// <summary>Opens a Spark session through the gateway, with the certificate pinned.</summary>
    public Task<SparkSession> ConnectAsync(CancellationToken cancellationToken = default) =>
        SparkSession.ConnectAsync(ConnectionString, SessionOptions, cancellationToken);

    /// <summary>The driver's and workers' tasks as Marathon reports them now.</summary>
    public async Task<IReadOnlyList<MarathonTask>> TasksAsync(CancellationToken cancellationToken = default)
    {
        var tasks = new List<MarathonTask>(await _client.TasksAsync(DriverAppId, cancellationToken).ConfigureAwait(false));
        if (Executors > 0)
        {
            tasks.AddRange(await _client.TasksAsync(WorkersAppId, cancellationToken).ConfigureAwait(false));
        }

        return tasks;
    }

    /// <summary>Removes the session's group (driver, workers and their tasks) and waits, up to 60 s, until Marathon no longer lists it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LocalUiProxy.StopAsync(this).ConfigureAwait(false);

        try
        {
            if (!Created)
            {
                return;
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            LogRemoving(_logger, SessionId, Name, GroupId);
            try
            {
                await _client.RemoveGroupAsync(GroupId, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                LogRemoved(_logger, SessionId, GroupId, watch.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is MarathonException or OperationCanceledException or TimeoutException)
            {
                // Best effort: the gateway's idle timer stops Spark; the group's labels say whose it is for an operator.
                LogRemoveFailed(_logger, SessionId, GroupId, e is OperationCanceledException ? "no answer within 60 s" : e.Message);
            }
        }
        finally
        {
            _client.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (session {SessionId}, Marathon group {GroupId}, {ConnectionString})";
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InteractiveSpark.Core;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Launch;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>
/// Starts a Spark driver inside a Mesos cluster through Marathon (REST v2), in client mode: the driver image's gateway
/// is the session's one door (TLS, pinned certificate, per-session token); with executors, a Spark standalone master
/// runs in the driver task and a worker app of K instances joins it, so driver and executors talk inside the cluster.
/// Both apps live in one group, <c>/{group}/{name}-{session}</c>, labelled with owner, session and creation time;
/// removing the session removes the group. The token is made here and never leaves this process: the app gets only
/// its SHA-256, and the certificate is pinned by a proof of that hash (<see cref="GatewayPin"/>).
/// </summary>
public sealed partial class MarathonSparkLauncher
{
    /// <summary>The driver task's ports, in the order of its <c>portDefinitions</c>.</summary>
    private static readonly string[] DriverPorts = ["gateway", "spark-connect", "spark-ui", "master", "master-ui"];

    /// <summary>A worker task's ports: the worker, its UI, and its gateway while it takes the session's settings.</summary>
    private static readonly string[] WorkerPorts = ["worker", "worker-ui", "session"];

    private readonly MarathonSparkLauncherOptions _options;
    private readonly ILogger _logger;

    /// <summary>A launcher with these options; throws <see cref="ArgumentException"/> saying what is wrong with them.</summary>
    public MarathonSparkLauncher(MarathonSparkLauncherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Validate(options);
        _logger = options.LoggerFactory?.CreateLogger("InteractiveSpark.Sessions.Marathon") ?? NullLogger.Instance;
    }

    /// <summary>The options.</summary>
    public MarathonSparkLauncherOptions Options => _options;

    /// <summary>The group every app of a session goes in: <c>/{group}/{name}-{sessionId}</c>.</summary>
    public string GroupIdFor(string sessionId) => "/" + _options.Group.Trim('/').ToLowerInvariant() + "/" + MarathonIds.Segment(_options.Name, "spark") + "-" + sessionId;

    /// <summary>
    /// Creates the driver app, waits for its task (host and ports), creates the worker app when there are executors,
    /// and waits until the gateway proves itself and reports Spark ready, all within
    /// <see cref="MarathonSparkLauncherOptions.StartupTimeout"/>. On any failure the session's group is removed and a
    /// <see cref="MarathonLaunchException"/> says why (Marathon's refusal, the task's failure message, a lost task, a
    /// deployment that never finished).
    /// </summary>
    public async Task<MarathonSparkSession> StartAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var o = _options;
        var watch = Stopwatch.StartNew();
        var client = new MarathonClient(o.Marathon, o.Credentials ?? MarathonCredentials.FromEnvironment(), o.RequestTimeout, o.HttpHandler, o.AllowHttpMarathon);
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var groupId = GroupIdFor(sessionId);
        var session = new MarathonSparkSession(client, sessionId, o.Name, groupId, o.Image, o.Executors, _logger);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(o.StartupTimeout);
        var phase = "creating the driver app";
        try
        {
            // ispark_-prefixed like every product token, so that a leak scanner and the log's redaction recognise it.
            var token = SessionToken.New();
            var tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            var created = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var tokenHashHex = Convert.ToHexStringLower(tokenHash);
            var driver = DriverApp(groupId + "/driver", sessionId, tokenHashHex, created);
            // The session's secrets and the user's settings: given to each task's gateway after it proved itself,
            // never in an app definition (docs/security.md).
            var security = SparkSessionSecurity.New();
            var files = new Dictionary<string, string>
            {
                ["spark.properties"] = security.Render(o.Conf),
                ["ui-secret"] = security.UiSecret,
            };

            progress?.Report($"creating {groupId}/driver on Marathon {client.BaseUri.Authority}");
            session.Created = true; // from here on, the group may exist: disposing removes it
            var deployment = await client.CreateAppAsync(driver, deadline.Token).ConfigureAwait(false);
            LogAppCreated(_logger, sessionId, o.Name, session.DriverAppId, client.BaseUri.GetLeftPart(UriPartial.Authority), o.Image, o.Cpus, o.Memory, deployment);

            phase = "waiting for the driver task";
            progress?.Report($"deployment {deployment}: waiting for the driver task");
            var driverTask = await WaitForTaskAsync(client, session, session.DriverAppId, deployment, 1, deadline.Token).ConfigureAwait(false);
            var task = driverTask[0];
            if (task.Ports.Count < DriverPorts.Length)
            {
                throw new MarathonLaunchException($"Marathon gave the driver task {task.Id} {task.Ports.Count} port(s); it needs {DriverPorts.Length} ({string.Join(", ", DriverPorts)}).");
            }

            session.DriverHost = task.Host;
            session.DriverTaskId = task.Id;
            var gatewayHost = o.GatewayHost ?? task.Host;
            var gatewayPort = task.Ports[0];
            LogDriverTask(_logger, sessionId, deployment, task.Id, session.DriverAppId, task.Host, gatewayPort);
            session.ConnectionString = new SparkConnectionString { Host = gatewayHost, Port = gatewayPort, Token = token, UseSsl = true };

            phase = "giving the driver task its session settings";
            progress?.Report($"driver on {task.Host}: giving it this session's settings over TLS");
            await DeliverAsync(client, session, gatewayHost, gatewayPort, tokenHash, token, files, deadline.Token).ConfigureAwait(false);
            LogSettingsDelivered(_logger, sessionId, task.Id, task.Host);

            if (o.Executors > 0)
            {
                phase = "starting the executors";
                progress?.Report($"driver on {task.Host}: creating {groupId}/workers ({o.Executors.ToString(CultureInfo.InvariantCulture)} instance(s))");
                var workers = WorkerApp(groupId + "/workers", sessionId, tokenHashHex, created, task.Host, task.Ports[3]);
                var workersDeployment = await client.CreateAppAsync(workers, deadline.Token).ConfigureAwait(false);
                session.WorkersDeployment = workersDeployment;
                LogWorkersCreated(_logger, sessionId, session.WorkersAppId, o.Executors, workersDeployment);
            }

            phase = "waiting for Spark behind the gateway";
            progress?.Report($"waiting for the gateway on {gatewayHost}:{gatewayPort.ToString(CultureInfo.InvariantCulture)}");
            using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var failures = WatchTasksAsync(client, session, watchdog.Token);
            var ready = GatewayPin.WaitReadyAsync(gatewayHost, gatewayPort, tokenHash, watchdog.Token);
            var first = await Task.WhenAny(ready, failures).ConfigureAwait(false);
            await watchdog.CancelAsync().ConfigureAwait(false);
            if (first == failures)
            {
                await failures.ConfigureAwait(false); // throws the task's failure
            }

            (session.CertificateSha256, session.SparkVersion) = await ready.ConfigureAwait(false);
            LogPinVerified(_logger, sessionId, gatewayHost, gatewayPort, session.CertificateSha256, session.SparkVersion ?? "?");
            if (session.WorkersDeployment is { } wd)
            {
                phase = "waiting for the worker tasks";
                progress?.Report("waiting for the worker tasks");
                session.WorkerTasks = await WaitForTaskAsync(client, session, session.WorkersAppId, wd, o.Executors, deadline.Token).ConfigureAwait(false);
                phase = "giving the worker tasks their session settings";
                await Task.WhenAll(session.WorkerTasks.Select(async w =>
                {
                    if (w.Ports.Count < WorkerPorts.Length)
                    {
                        throw new MarathonLaunchException($"Marathon gave the worker task {w.Id} {w.Ports.Count} port(s); it needs {WorkerPorts.Length} ({string.Join(", ", WorkerPorts)}).");
                    }

                    await DeliverAsync(client, session, w.Host, w.Ports[2], tokenHash, token, files, deadline.Token).ConfigureAwait(false);
                    LogSettingsDelivered(_logger, sessionId, w.Id, w.Host);
                })).ConfigureAwait(false);
            }

            session.StartupTime = watch.Elapsed;
            LogReady(_logger, sessionId, watch.Elapsed.TotalSeconds, groupId, session.WorkerTasks.Count);
            return session;
        }
        catch (Exception e)
        {
            var diagnosis = e is OperationCanceledException or TimeoutException ? await MarathonDiagnosis.TasksAsync(client, session.DriverAppId, "driver task").ConfigureAwait(false) : "";
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                LogStartCancelled(_logger, sessionId, o.Name, watch.Elapsed.TotalSeconds, phase);
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var failure = e switch
            {
                MarathonLaunchException => e,
                OperationCanceledException or TimeoutException => new MarathonLaunchException(
                    $"{groupId}: {phase} took longer than {o.StartupTimeout.TotalSeconds:0} s (the startup timeout); the group was removed. "
                    + diagnosis
                    + " A deployment that never finishes usually means no agent offers the cpus, memory and ports asked for (or the constraints match none), or the image is still being pulled: raise --startup-timeout, or ask for less.",
                    e),
                MarathonException or GatewayPinException => new MarathonLaunchException($"{groupId}: {phase}: {e.Message}", e),
                _ => new MarathonLaunchException($"{groupId}: {phase}: {e.GetType().Name}: {e.Message}", e),
            };
            LogStartFailed(_logger, sessionId, o.Name, watch.Elapsed.TotalSeconds, phase, failure.Message.ReplaceLineEndings(" | "));
            await session.DisposeAsync().ConfigureAwait(false);
            throw failure;
        }
    }

    /// <summary>
    /// Removes the groups of this owner's sessions under <see cref="MarathonSparkLauncherOptions.Group"/> whose driver has
    /// ended (all owners' with <paramref name="allOwners"/>, for an operator). Marathon keeps apps running: when a driver
    /// ends (its idle timer fired because the notebook died, or it crashed), Marathon starts a new one, a fresh Spark
    /// nobody can use (its certificate and Spark differ from what the notebook pinned). A driver task counts as such a
    /// relaunch when it was staged later than <c>ispark.created</c> plus <c>ispark.startup-timeout</c> (the first one
    /// always runs within that, or the launcher removed the group), or when the driver app has a
    /// <c>lastTaskFailure</c> after its start. Returns the groups removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveEndedSessionsAsync(bool allOwners = false, CancellationToken cancellationToken = default)
    {
        var o = _options;
        using var client = new MarathonClient(o.Marathon, o.Credentials ?? MarathonCredentials.FromEnvironment(), o.RequestTimeout, o.HttpHandler, o.AllowHttpMarathon);
        var prefix = "/" + o.Group.Trim('/').ToLowerInvariant() + "/";
        var removed = new List<string>();
        var looked = 0;
        foreach (var app in await client.AppsAsync(DockerSparkContainers.RoleLabel + "==driver", cancellationToken).ConfigureAwait(false))
        {
            var id = app["id"]?.GetValue<string>() ?? "";
            var labels = app["labels"] as JsonObject;
            string? Label(string key) => labels?[key]?.GetValue<string>();
            if (!id.StartsWith(prefix, StringComparison.Ordinal) || !id.EndsWith("/driver", StringComparison.Ordinal)
                || (!allOwners && Label(DockerSparkContainers.OwnerLabel) != o.Owner)
                || !DateTimeOffset.TryParse(Label(DockerSparkContainers.CreatedLabel), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
            {
                continue;
            }

            looked++;
            var startup = TimeSpan.FromSeconds(double.TryParse(Label("ispark.startup-timeout")?.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 300);
            var firstTaskBy = created + startup + TimeSpan.FromSeconds(5);
            var relaunched = (app["tasks"] as JsonArray ?? []).OfType<JsonObject>().Any(t =>
                DateTimeOffset.TryParse(t["stagedAt"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var staged) && staged > firstTaskBy);
            var failed = app["lastTaskFailure"] is JsonObject f
                && DateTimeOffset.TryParse(f["timestamp"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at > created;
            if (relaunched || failed)
            {
                var group = id[..id.LastIndexOf('/')];
                var deployment = await client.DeleteGroupAsync(group, cancellationToken).ConfigureAwait(false);
                if (deployment is not null)
                {
                    await client.WaitForDeploymentAsync(deployment, TimeSpan.FromSeconds(60), cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                removed.Add(group);
                LogSwept(_logger, Label(DockerSparkContainers.SessionLabel) ?? "-", group, Label(DockerSparkContainers.OwnerLabel) ?? "?",
                    failed ? "a task failure after its start" : "a driver task staged after its startup window");
            }
        }

        LogSweepDone(_logger, o.Group.Trim('/'), client.BaseUri.GetLeftPart(UriPartial.Authority), looked, removed.Count);
        return removed;
    }

    /// <summary>
    /// Gives a task's gateway (receive mode) the session's files once it proved itself, failing fast when a task of the
    /// session fails meanwhile.
    /// </summary>
    private async Task DeliverAsync(
        MarathonClient client, MarathonSparkSession session, string host, int port, byte[] tokenHash, string token,
        IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failures = WatchTasksAsync(client, session, watchdog.Token);
        var delivered = GatewayPin.DeliverSessionFilesAsync(host, port, tokenHash, token, files, watchdog.Token);
        var first = await Task.WhenAny(delivered, failures).ConfigureAwait(false);
        await watchdog.CancelAsync().ConfigureAwait(false);
        if (first == failures)
        {
            await failures.ConfigureAwait(false); // throws the task's failure
        }

        _ = await delivered.ConfigureAwait(false);
    }

    /// <summary>The driver app's definition (public so tests can validate it against Marathon's schema).</summary>
    public JsonObject DriverApp(string appId, string sessionId, string tokenSha256Hex, string created)
    {
        var o = _options;
        string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
        var env = new JsonObject
        {
            ["ISPARK_GATEWAY_TOKEN_SHA256"] = tokenSha256Hex,
            ["ISPARK_GATEWAY_PORT"] = "env:PORT0",
            ["ISPARK_GATEWAY_SPARK_PORT"] = "env:PORT1",
            ["ISPARK_GATEWAY_SPARK_UI_PORT"] = "env:PORT2",
            ["ISPARK_SPARK_HOST"] = "env:HOST",
            ["ISPARK_GATEWAY_HOSTNAMES"] = "env:HOST",
            ["ISPARK_GATEWAY_IDLE_TIMEOUT"] = o.IdleTimeout == Timeout.InfiniteTimeSpan ? "0" : Num((long)Math.Ceiling(o.IdleTimeout.TotalSeconds)) + "s",
            ["ISPARK_GATEWAY_SPARK_START_TIMEOUT"] = Num((long)Math.Ceiling(o.StartupTimeout.TotalSeconds) + 60) + "s",
            ["ISPARK_SESSION_ID"] = sessionId,
            ["ISPARK_DRIVER_MEMORY"] = DriverHeap(o),
            ["ISPARK_EXECUTORS"] = Num(o.Executors),
            // The entrypoint first runs the gateway in receive mode: the launcher gives it the session's settings.
            ["ISPARK_SESSION_FILES"] = "gateway",
        };
        if (o.Executors > 0)
        {
            env["ISPARK_MASTER_PORT"] = "env:PORT3";
            env["ISPARK_MASTER_WEBUI_PORT"] = "env:PORT4";
            env["ISPARK_EXECUTOR_MEMORY"] = o.ExecutorMemory;
            env["ISPARK_EXECUTOR_CORES"] = Num(o.ExecutorCores);
        }

        var app = BaseApp(appId, 1, o.Cpus, ByteSize.Parse(o.Memory, "--memory") / (1024 * 1024), DriverPorts, sessionId, created, "driver");
        // The user's --conf values go with the session's files, never in args (anyone who reads the app reads them).
        app["args"] = new JsonArray("driver");
        app["env"] = env;
        // Marathon's UI shows the driver healthy once the gateway answers /health (open, nothing secret, not counted as
        // use by the idle timer). Never killed for it (maxConsecutiveFailures 0): a new driver would be a new session.
        app["healthChecks"] = new JsonArray(new JsonObject
        {
            ["protocol"] = "MESOS_HTTPS",
            ["path"] = "/health",
            ["portIndex"] = 0,
            ["gracePeriodSeconds"] = (int)Math.Ceiling(o.StartupTimeout.TotalSeconds),
            ["intervalSeconds"] = 30,
            ["timeoutSeconds"] = 10,
            ["maxConsecutiveFailures"] = 0,
        });
        return app;
    }

    /// <summary>The worker app's definition: K instances of the image in worker mode, joining the master in the driver task.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="tokenSha256Hex">The SHA-256 of the session token: each worker's gateway proves it to the launcher before it gets the session's settings.</param>
    /// <param name="created">The creation time label.</param>
    /// <param name="masterHost">The driver task's host.</param>
    /// <param name="masterPort">The standalone master's port there.</param>
    public JsonObject WorkerApp(string appId, string sessionId, string tokenSha256Hex, string created, string masterHost, int masterPort)
    {
        var o = _options;
        string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
        var executorMb = ByteSize.Parse(o.ExecutorMemory, "executor memory") / (1024 * 1024);
        var app = BaseApp(appId, o.Executors, o.ExecutorCores, executorMb + 1024, WorkerPorts, sessionId, created, "worker");
        app["args"] = new JsonArray("worker");
        app["env"] = new JsonObject
        {
            ["ISPARK_MASTER_HOST"] = masterHost,
            ["ISPARK_MASTER_PORT"] = Num(masterPort),
            ["ISPARK_SPARK_HOST"] = "env:HOST",
            ["ISPARK_WORKER_PORT"] = "env:PORT0",
            ["ISPARK_WORKER_WEBUI_PORT"] = "env:PORT1",
            ["ISPARK_WORKER_CORES"] = Num(o.ExecutorCores),
            ["ISPARK_WORKER_MEMORY"] = o.ExecutorMemory,
            ["ISPARK_WORKER_MASTER_TIMEOUT"] = Num((long)Math.Ceiling(o.StartupTimeout.TotalSeconds)),
            ["ISPARK_SESSION_ID"] = sessionId,
            ["ISPARK_SESSION_FILES"] = "gateway",
            ["ISPARK_GATEWAY_PORT"] = "env:PORT2",
            ["ISPARK_GATEWAY_HOSTNAMES"] = "env:HOST",
            ["ISPARK_GATEWAY_TOKEN_SHA256"] = tokenSha256Hex,
            ["ISPARK_GATEWAY_SPARK_START_TIMEOUT"] = Num((long)Math.Ceiling(o.StartupTimeout.TotalSeconds) + 60) + "s",
        };
        return app;
    }

    private JsonObject BaseApp(string appId, int instances, double cpus, long memMb, string[] portNames, string sessionId, string created, string role)
    {
        var o = _options;
        var labels = new JsonObject();
        foreach (var (key, value) in o.Labels)
        {
            labels[key] = value;
        }

        labels[DockerSparkContainers.SessionLabel] = sessionId;
        labels[DockerSparkContainers.OwnerLabel] = o.Owner;
        labels[DockerSparkContainers.CreatedLabel] = created;
        labels[DockerSparkContainers.NameLabel] = o.Name;
        labels[DockerSparkContainers.RoleLabel] = role;
        labels["ispark.startup-timeout"] = ((long)Math.Ceiling(o.StartupTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
        labels["ispark.idle-timeout"] = o.IdleTimeout == Timeout.InfiniteTimeSpan ? "never" : ((long)o.IdleTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        // A session is not a service: never run two drivers of one session, and stop promptly (SIGTERM, then 20 s).
        return MarathonApps.HostNetworkDocker(appId, instances, cpus, memMb, o.Image, o.ForcePullImage, portNames, labels, o.Constraints);
    }

    /// <summary>Waits for the deployment to finish and <paramref name="count"/> running tasks, failing fast on a task failure or a lost task.</summary>
    private Task<IReadOnlyList<MarathonTask>> WaitForTaskAsync(
        MarathonClient client, MarathonSparkSession session, string appId, string deployment, int count, CancellationToken cancellationToken) =>
        MarathonTaskWait.RunningAsync(client, appId, deployment, count, t => Lost(session, appId, t), f => Failed(session, appId, f), cancellationToken);

    /// <summary>Polls both apps until cancelled; throws when a task of this session failed or was lost.</summary>
    private async Task WatchTasksAsync(MarathonClient client, MarathonSparkSession session, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);
        while (true)
        {
            await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            await ThrowOnFailureAsync(client, session, session.DriverAppId, started, cancellationToken).ConfigureAwait(false);
            if (session.WorkersDeployment is not null)
            {
                await ThrowOnFailureAsync(client, session, session.WorkersAppId, started, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task ThrowOnFailureAsync(MarathonClient client, MarathonSparkSession session, string appId, DateTimeOffset since, CancellationToken cancellationToken) =>
        MarathonTaskWait.ThrowIfEndedAsync(client, appId, since, t => Lost(session, appId, t), f => Failed(session, appId, f), cancellationToken);

    private MarathonLaunchException Lost(MarathonSparkSession session, string appId, MarathonTask lost)
    {
        LogTaskEnded(_logger, session.SessionId, lost.Id, appId, lost.Host, lost.State, "Mesos lost contact with it");
        return new MarathonLaunchException(
            $"Marathon reports {appId}'s task {lost.Id} on {lost.Host} as {lost.State}: Mesos lost contact with it (agent down or unreachable); the session was removed. Try again, or add a --constraint that avoids that host.");
    }

    private MarathonLaunchException Failed(MarathonSparkSession session, string appId, MarathonTaskFailure failure)
    {
        LogTaskEnded(_logger, session.SessionId, failure.TaskId, appId, failure.Host, failure.State, failure.Message);
        return new MarathonLaunchException(
            $"{appId}'s task {failure.TaskId} on {failure.Host} ended with {failure.State}: {failure.Message}. Marathon would start it again and again; the session was removed instead. "
            + "The task's output is in its Mesos sandbox on that host; check the image (--image) and the app's memory.");
    }

    private static string DriverHeap(MarathonSparkLauncherOptions o)
    {
        if (o.DriverMemory is { } heap)
        {
            return heap;
        }

        var mb = Math.Max(256, ByteSize.Parse(o.Memory, "--memory") / 2 / (1024 * 1024));
        return mb.ToString(CultureInfo.InvariantCulture) + "m";
    }

    private static void Validate(MarathonSparkLauncherOptions o)
    {
        if (o.Marathon is null || !o.Marathon.IsAbsoluteUri || o.Marathon.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("--marathon takes Marathon's address, e.g. http://marathon.mesos:8080.");
        }

        if (o.Marathon.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                "Put no credentials in the Marathon URL: set ISPARK_MARATHON_USER and ISPARK_MARATHON_PASSWORD(_FILE), or ISPARK_MARATHON_TOKEN(_FILE).");
        }

        var group = o.Group.Trim('/');
        if (!MarathonIds.IsGroupPath(group))
        {
            throw new ArgumentException(
                $"--group must be a Marathon path of lower-case letters, digits, '-' and '.', e.g. staging-analytics or team/staging; got '{o.Group}'.");
        }

        if (string.IsNullOrWhiteSpace(o.Image))
        {
            throw new ArgumentException("The image must be set (the driver image, e.g. registry.example.com/ispark-driver:1.0).");
        }

        if (o.Executors is < 0 or > 256)
        {
            throw new ArgumentException($"Executors must be between 0 and 256; got {o.Executors.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (o.Cpus is <= 0 or > 1024)
        {
            throw new ArgumentException($"CPUs must be a positive number such as 2 or 0.5; got {o.Cpus.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (ByteSize.Parse(o.Memory, "--memory") < 1024L * 1024 * 1024)
        {
            throw new ArgumentException($"The driver task needs at least 1g of memory (Spark, the gateway and, with executors, the master); got {o.Memory}.");
        }

        _ = ByteSize.Parse(o.ExecutorMemory, "executor memory");
        if (o.ExecutorCores < 1)
        {
            throw new ArgumentException("Executor cores must be at least 1.");
        }

        foreach (var c in o.Constraints)
        {
            if (c.Count is < 2 or > 3 || c.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException($"A constraint is field:OPERATOR or field:OPERATOR:value, e.g. hostname:UNIQUE; got '{string.Join(':', c)}'.");
            }
        }

        if (o.StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The startup timeout must be positive.");
        }

        if (o.IdleTimeout != Timeout.InfiniteTimeSpan && o.IdleTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("The idle timeout must be at least 1 s (or infinite).");
        }
    }

}

/// <summary>Why a Marathon session could not start; the message says what happened and what to do (never a token or a password).</summary>
public sealed class MarathonLaunchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public MarathonLaunchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MarathonLaunchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MarathonLaunchException()
    {
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using InteractiveSpark.Core;
using InteractiveSpark.Sessions.Launch;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging.Abstractions;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>
/// Starts a Spark driver in a container of the driver image (<c>docker/driver/</c>): the gateway is the container's
/// one door (TLS with a self-signed certificate whose fingerprint the client pins, and a per-session token), Spark
/// Connect listens on loopback inside. With executors, a Spark standalone master runs in the driver container and each
/// executor in a worker container of the same image. Every container has the host's network (distinct ports per
/// session), is removed when it exits (AutoRemove: the gateway's idle timer ends a session whose notebook died, and
/// workers exit when their master is gone) and carries labels saying whose it is and since when. The session token is
/// made here and never leaves this process: the container gets only its SHA-256.
/// </summary>
public sealed partial class DockerSparkLauncher
{
    private readonly DockerSparkLauncherOptions _options;

    /// <summary>A launcher with these options.</summary>
    public DockerSparkLauncher(DockerSparkLauncherOptions? options = null)
    {
        _options = options ?? new DockerSparkLauncherOptions();
        Validate(_options);
    }

    /// <summary>The options.</summary>
    public DockerSparkLauncherOptions Options => _options;

    /// <summary>
    /// Starts the containers and waits until the gateway reports Spark ready (bounded by <see cref="DockerSparkLauncherOptions.StartupTimeout"/>).
    /// On any failure every container is removed and a <see cref="DockerSparkLaunchException"/> says why (image missing,
    /// engine unreachable, container exited with its last log lines, gateway never ready).
    /// </summary>
    /// <param name="progress">Receives each phase in a few words (for a progress line).</param>
    /// <param name="cancellationToken">Cancels the start; the containers are removed.</param>
    public async Task<DockerSparkSession> StartAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var o = _options;
        var watch = Stopwatch.StartNew();
        var endpoint = DockerSparkContainers.Endpoint(o.DockerEndpoint);
        var client = new DockerClientConfiguration(endpoint).CreateClient();
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var logger = o.LoggerFactory?.CreateLogger("InteractiveSpark.Sessions.Docker") ?? NullLogger.Instance;
        var session = new DockerSparkSession(client, sessionId, o.Name, o.Image, logger);
        try
        {
            progress?.Report($"checking image {o.Image}");
            await DockerImageCheck.EnsureAsync(
                client,
                endpoint,
                o.Image,
                "build it with docker/build-test-images, or pass --image with the driver image to use",
                (message, e) => e is null ? new DockerSparkLaunchException(message) : new DockerSparkLaunchException(message, e),
                cancellationToken).ConfigureAwait(false);

            LogImageFound(logger, sessionId, o.Name, o.Image, endpoint);

            // The session token: made here, only its hash goes to the container.
            var token = SessionToken.New();
            var tokenHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
            var gatewayPort = o.GatewayPort == 0 ? LocalSparkServer.FreePort() : o.GatewayPort;
            var sparkPort = LocalSparkServer.FreePort();
            var uiPort = LocalSparkServer.FreePort();
            var masterPort = LocalSparkServer.FreePort();
            var masterUiPort = LocalSparkServer.FreePort();
            var created = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var baseName = $"{ContainerNames.Part(o.NamePrefix, "x")}-{ContainerNames.Part(o.Name, "x")}-{sessionId}";
            Dictionary<string, string> Labels(string role)
            {
                var labels = new Dictionary<string, string>(o.Labels, StringComparer.Ordinal)
                {
                    [DockerSparkContainers.SessionLabel] = sessionId,
                    [DockerSparkContainers.OwnerLabel] = o.Owner,
                    [DockerSparkContainers.CreatedLabel] = created,
                    [DockerSparkContainers.NameLabel] = o.Name,
                    [DockerSparkContainers.PrefixLabel] = o.NamePrefix,
                    [DockerSparkContainers.RoleLabel] = role,
                };
                return labels;
            }

            string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
            var env = new List<string>
            {
                "ISPARK_GATEWAY_TOKEN_SHA256=" + tokenHash,
                "ISPARK_GATEWAY_PORT=" + Num(gatewayPort),
                "ISPARK_GATEWAY_SPARK_PORT=" + Num(sparkPort),
                "ISPARK_GATEWAY_SPARK_UI_PORT=" + Num(uiPort),
                "ISPARK_GATEWAY_IDLE_TIMEOUT=" + (o.IdleTimeout == Timeout.InfiniteTimeSpan ? "0" : Num((long)Math.Ceiling(o.IdleTimeout.TotalSeconds)) + "s"),
                // The launcher's deadline is the one users see; the gateway's own is a backstop for when nobody waits any more.
                "ISPARK_GATEWAY_SPARK_START_TIMEOUT=" + Num((long)Math.Ceiling(o.StartupTimeout.TotalSeconds) + 60) + "s",
                "ISPARK_SESSION_ID=" + sessionId,
                "ISPARK_DRIVER_MEMORY=" + DriverHeap(o),
                "ISPARK_EXECUTORS=" + Num(o.Executors),
            };
            if (!string.Equals(o.GatewayHost, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                env.Add("ISPARK_GATEWAY_HOSTNAMES=" + o.GatewayHost);
            }

            // A local session's one door is for this host's notebook only (the containers share the host's network).
            if (IsLoopback(o.GatewayHost))
            {
                env.Add("ISPARK_GATEWAY_BIND=127.0.0.1");
            }

            if (o.Executors > 0)
            {
                env.Add("ISPARK_MASTER_PORT=" + Num(masterPort));
                env.Add("ISPARK_MASTER_WEBUI_PORT=" + Num(masterUiPort));
                env.Add("ISPARK_EXECUTOR_MEMORY=" + o.ExecutorMemory);
                env.Add("ISPARK_EXECUTOR_CORES=" + Num(o.ExecutorCores));
            }

            // The --conf values and the session's Spark secrets travel as files written into the created containers,
            // never on a command line or in the container's definition.
            var security = SparkSessionSecurity.New();
            var driverFiles = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["spark.properties"] = security.Render(o.Conf, o.SparkEncryption),
                ["ui-secret"] = security.UiSecret,
            };
            var workerFiles = new Dictionary<string, string>(StringComparer.Ordinal) { ["spark.properties"] = security.Render([], o.SparkEncryption) };
            var command = new List<string> { "driver" };

            var host = new HostConfig { NetworkMode = "host", AutoRemove = true };
            if (o.Cpus is { } cpus)
            {
                host.NanoCPUs = (long)(cpus * 1e9);
            }

            if (o.Memory is { } memory)
            {
                host.Memory = ByteSize.Parse(memory, "--memory");
            }

            progress?.Report($"starting the driver container {baseName}");
            var driver = await client.Containers.CreateContainerAsync(
                new CreateContainerParameters
                {
                    Name = baseName,
                    Image = o.Image,
                    Cmd = command,
                    Env = env,
                    Labels = Labels("driver"),
                    HostConfig = host,
                },
                cancellationToken).ConfigureAwait(false);
            session.Own(driver.ID);
            session.DriverContainerId = driver.ID;
            session.DriverContainerName = baseName;
            LogDriverCreated(logger, sessionId, baseName, driver.ID, gatewayPort, o.Executors,
                o.IdleTimeout == Timeout.InfiniteTimeSpan ? "never" : Num((long)Math.Ceiling(o.IdleTimeout.TotalSeconds)) + " s");
            await ContainerSessionFiles.WriteAsync(client, driver.ID, driverFiles, cancellationToken).ConfigureAwait(false);
            var log = await ContainerLog.AttachAsync(client, driver.ID, cancellationToken).ConfigureAwait(false);
            session.Log = log;
            await client.Containers.StartContainerAsync(driver.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            session.DriverExit = WaitExitAsync(client, driver.ID);

            var workers = new List<string>();
            for (var i = 1; i <= o.Executors; i++)
            {
                progress?.Report($"starting worker container {Num(i)} of {Num(o.Executors)}");
                var workerName = $"{baseName}-worker-{Num(i)}";
                var worker = await client.Containers.CreateContainerAsync(
                    new CreateContainerParameters
                    {
                        Name = workerName,
                        Image = o.Image,
                        Cmd = ["worker"],
                        Env =
                        [
                            "ISPARK_MASTER_PORT=" + Num(masterPort),
                            "ISPARK_WORKER_CORES=" + Num(o.ExecutorCores),
                            "ISPARK_WORKER_MEMORY=" + o.ExecutorMemory,
                            "ISPARK_WORKER_MASTER_TIMEOUT=" + Num((long)Math.Ceiling(o.StartupTimeout.TotalSeconds)),
                            "ISPARK_SESSION_ID=" + sessionId,
                        ],
                        Labels = Labels("worker"),
                        HostConfig = new HostConfig { NetworkMode = "host", AutoRemove = true },
                    },
                    cancellationToken).ConfigureAwait(false);
                session.Own(worker.ID);
                workers.Add(worker.ID);
                LogWorkerCreated(logger, sessionId, i, o.Executors, workerName, worker.ID);
                await ContainerSessionFiles.WriteAsync(client, worker.ID, workerFiles, cancellationToken).ConfigureAwait(false);
                await client.Containers.StartContainerAsync(worker.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            }

            session.WorkerContainerIds = workers;
            session.ConnectionString = new SparkConnectionString { Host = o.GatewayHost, Port = gatewayPort, Token = token, UseSsl = true };

            progress?.Report($"waiting for the gateway on port {Num(gatewayPort)}");
            LogWaitingHealth(logger, sessionId, (o.StartupTimeout - watch.Elapsed).TotalSeconds, baseName, o.GatewayHost, gatewayPort);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(o.StartupTimeout - watch.Elapsed > TimeSpan.Zero ? o.StartupTimeout - watch.Elapsed : TimeSpan.Zero);
            var certificate = await WaitOrFailAsync(log.Certificate, session, "print its certificate", gatewayPort, deadline.Token, cancellationToken).ConfigureAwait(false);
            session.CertificateSha256 = certificate;

            progress?.Report($"waiting for Spark behind the gateway (port {Num(gatewayPort)})");
            session.SparkVersion = await WaitOrFailAsync(
                WaitHealthyAsync(o.GatewayHost, gatewayPort, certificate, deadline.Token), session, "report Spark ready", gatewayPort, deadline.Token, cancellationToken)
                .ConfigureAwait(false);
            LogReady(logger, sessionId, watch.Elapsed.TotalSeconds, session.SparkVersion, o.GatewayHost, gatewayPort, certificate);
            return session;
        }
        catch (Exception e)
        {
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                LogStartCancelled(logger, sessionId, o.Name, watch.Elapsed.TotalSeconds);
            }
            else
            {
                // One event, one line (every line of the file carries its session id): the container's last lines joined by " | ".
                LogStartFailed(logger, sessionId, o.Name, watch.Elapsed.TotalSeconds,
                    (e is DockerSparkLaunchException ? e.Message : $"{e.GetType().Name}: {e.Message}").ReplaceLineEndings(" | "));
            }

            // A failed start kills and removes everything at once: nothing in it is worth a graceful stop.
            await session.DisposeAsync(graceful: false).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<T> WaitOrFailAsync<T>(
        Task<T> task, DockerSparkSession session, string what, int port, CancellationToken deadline, CancellationToken cancellation)
    {
        var exit = session.DriverExit!;
        var timeout = Task.Delay(Timeout.Infinite, deadline);
        var first = await Task.WhenAny(task, exit, timeout).ConfigureAwait(false);
        if (first == task && task.IsCompletedSuccessfully)
        {
            return task.Result;
        }

        cancellation.ThrowIfCancellationRequested();
        if (first == exit || exit.IsCompleted)
        {
            // Let the last lines arrive: the log stream ends with the container.
            await session.Log!.Completion.WaitAsync(TimeSpan.FromSeconds(3), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            var code = exit.IsCompletedSuccessfully && exit.Result >= 0 ? exit.Result.ToString(CultureInfo.InvariantCulture) : "unknown (Docker removed it before it was read)";
            throw new DockerSparkLaunchException(
                $"The driver container {session.DriverContainerName} (image {_options.Image}) exited with code {code} before the gateway could {what}. Its last 20 log lines:{Environment.NewLine}{session.Log.Tail()}");
        }

        if (first == task && task.Exception is { } e)
        {
            throw new DockerSparkLaunchException(
                $"The gateway of {session.DriverContainerName} failed before it could {what}: {e.InnerException?.Message}. Its last 20 log lines:{Environment.NewLine}{session.Log!.Tail()}", e);
        }

        var portState = await PortOpenAsync(_options.GatewayHost, port).ConfigureAwait(false) ? "the port is open but Spark is not ready" : "the port never opened";
        throw new DockerSparkLaunchException(
            $"The gateway of {session.DriverContainerName} (image {_options.Image}) did not {what} within {_options.StartupTimeout.TotalSeconds:0} s on {_options.GatewayHost}:{port} ({portState}). "
            + $"Raise the startup timeout (--startup-timeout) if the machine is busy. Its last 20 log lines:{Environment.NewLine}{session.Log!.Tail()}");
    }

    private static async Task<long> WaitExitAsync(DockerClient client, string id)
    {
        try
        {
            var response = await client.Containers.WaitContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            return response.StatusCode;
        }
        catch (DockerContainerNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>Asks <c>/health</c> over TLS (pinned to the printed certificate) until it says ready; returns the Spark version.</summary>
    private static async Task<string> WaitHealthyAsync(string host, int port, string certificateSha256, CancellationToken cancellationToken)
    {
        var pin = certificateSha256.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase),
            },
        };
        // One waiting request (the gateway answers once Spark is ready, or after 20 s) instead of a poll every 100 ms:
        // the poll's TLS requests cost the gateway and this process CPU that Spark's start needed on a small host.
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(25) };
        var uri = new Uri($"https://{host}:{port.ToString(CultureInfo.InvariantCulture)}/health?wait=20");
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var root = json.RootElement;
                    if (root.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True)
                    {
                        return root.TryGetProperty("sparkVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";
                    }

                    if (root.TryGetProperty("status", out var status) && status.GetString() == "failed")
                    {
                        throw new InvalidOperationException("the gateway reports Spark failed");
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
            {
                // Not listening yet, or the port's forwarder closed the connection while the container starts.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One request timed out; try again.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

    private static async Task<bool> PortOpenAsync(string host, int port)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await tcp.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string DriverHeap(DockerSparkLauncherOptions o)
    {
        if (o.DriverMemory is { } heap)
        {
            return heap;
        }

        if (o.Memory is { } memory)
        {
            var mb = Math.Max(256, ByteSize.Parse(memory, "--memory") * 3 / 4 / (1024 * 1024));
            return mb.ToString(CultureInfo.InvariantCulture) + "m";
        }

        return "1g";
    }

    private static void Validate(DockerSparkLauncherOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Image))
        {
            throw new ArgumentException("The image must be set (e.g. ispark-driver:test, built by docker/build-test-images).");
        }

        if (o.Executors is < 0 or > 64)
        {
            throw new ArgumentException($"Executors must be between 0 and 64; got {o.Executors.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (o.Cpus is { } cpus && (cpus <= 0 || cpus > 1024))
        {
            throw new ArgumentException($"CPUs must be a positive number such as 2 or 0.5; got {cpus.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (o.Memory is { } memory && ByteSize.Parse(memory, "--memory") < 512L * 1024 * 1024)
        {
            throw new ArgumentException($"The driver container needs at least 512m of memory; got {memory}.");
        }

        _ = ByteSize.Parse(o.ExecutorMemory, "executor memory");
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

/// <summary>Why a Docker session could not start; the message says what happened and what to do (never with the token).</summary>
public sealed class DockerSparkLaunchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public DockerSparkLaunchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DockerSparkLaunchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

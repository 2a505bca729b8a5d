namespace InteractiveSpark.Sessions.Docker;

/// <summary>Options for <see cref="DockerSparkLauncher"/>: which image, how big, how many executors, how long to wait.</summary>
public sealed partial record DockerSparkLauncherOptions
{
    /// <summary>The image the tests build (<c>docker/build-test-images</c>); used when neither <see cref="Image"/> nor <c>ISPARK_DOCKER_IMAGE</c> says otherwise.</summary>
    public const string DefaultImage = "ispark-driver:test";

    /// <summary>The driver image (<c>docker/driver/Dockerfile</c>); workers use the same image. Default <c>ISPARK_DOCKER_IMAGE</c>, else <see cref="DefaultImage"/>.</summary>
    public string Image { get; init; } = Environment.GetEnvironmentVariable("ISPARK_DOCKER_IMAGE") is { Length: > 0 } image ? image : DefaultImage;

    /// <summary>The session's name (a notebook's <c>--name</c>): part of the container names and the <c>ispark.name</c> label.</summary>
    public string Name { get; init; } = "spark";

    /// <summary>The prefix of every container name and the <c>ispark.prefix</c> label, e.g. <c>staging-analytics</c>. Default <c>ispark</c>.</summary>
    public string NamePrefix { get; init; } = "ispark";

    /// <summary>CPUs the driver container may use (Docker's <c>--cpus</c>); null: no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Memory of the driver container, e.g. <c>4g</c> (Docker's <c>--memory</c>); null: no limit. The driver's heap is 3/4 of it unless <see cref="DriverMemory"/> says.</summary>
    public string? Memory { get; init; }

    /// <summary>The driver's JVM heap, e.g. <c>2g</c>; null: 3/4 of <see cref="Memory"/>, or 1g.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Executors: 0 runs Spark in the driver (<c>local[*]</c>); K &gt; 0 starts a standalone master in the driver container and K worker containers of one executor each.</summary>
    public int Executors { get; init; }

    /// <summary>Each executor's memory (<c>spark.executor.memory</c>). Default 512m.</summary>
    public string ExecutorMemory { get; init; } = "512m";

    /// <summary>Each executor's cores (one executor per worker container). Default 1.</summary>
    public int ExecutorCores { get; init; } = 1;

    /// <summary>Spark settings (<c>--conf k=v</c>) for the driver.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the containers may take until the gateway reports Spark ready. Default 180 s.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>The gateway's idle timer: no use for this long and the driver stops and its container is removed (also when the notebook was killed). Default 30 minutes; <see cref="Timeout.InfiniteTimeSpan"/>: never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The Docker engine (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2375</c>); null: <c>DOCKER_HOST</c>, else the local socket.</summary>
    public string? DockerEndpoint { get; init; }

    /// <summary>The host name the notebook uses to reach the gateway (containers use the host's network). Default <c>localhost</c>.</summary>
    public string GatewayHost { get; init; } = "localhost";

    /// <summary>The gateway's port on the host; 0 picks a free one. Spark's own ports inside are picked free as well.</summary>
    public int GatewayPort { get; init; }

    /// <summary>Extra labels for every container (the launcher's own <c>ispark.*</c> labels win).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Who started the session, for the <c>ispark.owner</c> label; default <c>user@host</c>.</summary>
    public string Owner { get; init; } = $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>Where the launcher logs its steps (the product log: image, containers, readiness, stop, failures); null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Encrypt Spark's own traffic (RPC, block transfers) and its shuffle and spill files with the session's secret
    /// (default true). Authentication stays on either way; false exists to measure what encryption costs (DockerBench).
    /// </summary>
    public bool SparkEncryption { get; init; } = true;
}

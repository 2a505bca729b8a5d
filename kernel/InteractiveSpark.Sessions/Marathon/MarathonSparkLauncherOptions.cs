namespace InteractiveSpark.Sessions.Marathon;

/// <summary>Options for <see cref="MarathonSparkLauncher"/>: which Marathon, which group, how big, how many executors, how long to wait.</summary>
public sealed partial record MarathonSparkLauncherOptions
{
    /// <summary>Marathon's address, e.g. <c>http://marathon.mesos:8080</c> (<c>--marathon</c>); no credentials in it.</summary>
    public required Uri Marathon { get; init; }

    /// <summary>How to authenticate; null: <see cref="MarathonCredentials.FromEnvironment"/> (none when nothing is set).</summary>
    public MarathonCredentials? Credentials { get; init; }

    /// <summary>The Marathon group the session's group goes under (<c>--group</c>, e.g. <c>staging-analytics</c> or <c>team/staging</c>). Default <c>ispark</c>.</summary>
    public string Group { get; init; } = "ispark";

    /// <summary>The session's name (a notebook's <c>--name</c>): part of the group id and the <c>ispark.name</c> label.</summary>
    public string Name { get; init; } = "spark";

    /// <summary>The driver image; workers use the same. Default <c>ISPARK_MARATHON_IMAGE</c>, else <c>ispark-driver:test</c>.</summary>
    public string Image { get; init; } = Environment.GetEnvironmentVariable("ISPARK_MARATHON_IMAGE") is { Length: > 0 } image ? image : "ispark-driver:test";

    /// <summary>Whether Mesos pulls the image on every start (<c>forcePullImage</c>). Default false.</summary>
    public bool ForcePullImage { get; init; }

    /// <summary>CPUs Marathon reserves for the driver task (<c>cpus</c>). Default 1.</summary>
    public double Cpus { get; init; } = 1;

    /// <summary>Memory Marathon reserves for the driver task, e.g. <c>4g</c> (<c>mem</c>). Default 2g; the driver's heap is half of it unless <see cref="DriverMemory"/> says.</summary>
    public string Memory { get; init; } = "2g";

    /// <summary>The driver's JVM heap, e.g. <c>2g</c>; null: half of <see cref="Memory"/>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Executors: 0 runs Spark in the driver (<c>local[*]</c>); K &gt; 0 runs a standalone master in the driver task and a worker app of K instances, one executor each, in the same group.</summary>
    public int Executors { get; init; }

    /// <summary>Each executor's memory (<c>spark.executor.memory</c>). Default 512m; each worker task reserves 1g more (worker JVM, overhead).</summary>
    public string ExecutorMemory { get; init; } = "512m";

    /// <summary>Each executor's cores (and CPUs of each worker task). Default 1.</summary>
    public int ExecutorCores { get; init; } = 1;

    /// <summary>Marathon placement constraints for every task, e.g. <c>["hostname", "UNIQUE"]</c> or <c>["rack", "LIKE", "r1"]</c> (<c>--constraint field:OPERATOR[:value]</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Constraints { get; init; } = [];

    /// <summary>Spark settings (<c>--conf k=v</c>) for the driver.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra labels on both apps (the launcher's own <c>ispark.*</c> labels win). Never put secrets in labels: Marathon shows them to everyone who can read it.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Who started the session, for the <c>ispark.owner</c> label; default <c>user@host</c>.</summary>
    public string Owner { get; init; } = $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>How long the deployment, the task and Spark may take until the gateway reports ready. Default 300 s.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The gateway's idle timer. Default 30 minutes; <see cref="Timeout.InfiniteTimeSpan"/>: never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The host name the notebook uses to reach the gateway; null: the driver task's host as Marathon reports it.</summary>
    public string? GatewayHost { get; init; }

    /// <summary>How long one Marathon request may take. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP handler for Marathon (e.g. one trusting the cluster's CA); null: a default one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Accept an <c>http://</c> Marathon on another host (<c>--allow-http-marathon</c>): its traffic is readable and changeable on the way.</summary>
    public bool AllowHttpMarathon { get; init; }

    /// <summary>Where the launcher logs its steps (the product log: apps, deployments, tasks, pin, readiness, removal, refusals); null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}

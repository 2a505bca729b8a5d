namespace InteractiveSpark.Jobs.Docker;

/// <summary>Options of a notebook job in a container (<c>ispark submit --launcher docker</c>).</summary>
public sealed record DockerJobOptions
{
    /// <summary>The image the project builds (<c>docker/build-job-image</c>); used unless <see cref="Image"/> or <c>ISPARK_JOB_IMAGE</c> says otherwise.</summary>
    public const string DefaultImage = "ispark-job:test";

    /// <summary>The job image (<c>docker/job/Dockerfile</c>: the driver image plus the .NET SDK and ispark, whose kernel runs the cells).</summary>
    public string Image { get; init; } = Environment.GetEnvironmentVariable("ISPARK_JOB_IMAGE") is { Length: > 0 } image ? image : DefaultImage;

    /// <summary>The job's name (container name and <c>ispark.name</c> label); default the notebook's file name without extension.</summary>
    public string? Name { get; init; }

    /// <summary>The prefix of the container name and the <c>ispark.prefix</c> label, e.g. <c>staging-analytics</c>.</summary>
    public string NamePrefix { get; init; } = "ispark";

    /// <summary>The <c>-p name=value</c> parameters (passed to <c>ispark run</c> in the container: not for secrets).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The longest one cell may run (ispark run --timeout); null: no limit.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>The longest the whole job may run before it is killed; default 1 hour.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>CPUs of the container; null: no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Memory of the container, e.g. <c>4g</c>; null: no limit.</summary>
    public string? Memory { get; init; }

    /// <summary>The master of the job's own Spark (a Spark Connect server in the container). Default <c>local[2]</c>.</summary>
    public string SparkMaster { get; init; } = "local[2]";

    /// <summary>
    /// The kernel the cells run on in the container: <c>interactivespark</c> (default: <c>ispark kernel</c>, in every job
    /// image) or <c>dotnet-interactive</c> (only in an image built with <c>docker/build-job-image --with-dotnet-interactive</c>).
    /// </summary>
    public string Kernel { get; init; } = "interactivespark";

    /// <summary>The driver heap of the job's own Spark. Default 1g.</summary>
    public string DriverMemory { get; init; } = "1g";

    /// <summary>The Docker engine; null: <c>DOCKER_HOST</c>, else the local socket.</summary>
    public string? DockerEndpoint { get; init; }

    /// <summary>Extra labels (the launcher's own <c>ispark.*</c> labels win).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the launcher writes its lines (container, start, end, removal); null: nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Who submitted the job (<c>ispark.owner</c>); default <c>user@host</c>.</summary>
    public string Owner { get; init; } = $"{Environment.UserName}@{Environment.MachineName}";
}

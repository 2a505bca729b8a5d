using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Jobs.Marathon;

/// <summary>Options of a notebook job run as a Marathon app (<c>ispark submit --launcher marathon</c>).</summary>
public sealed record MarathonJobOptions
{
    /// <summary>Marathon's address, e.g. <c>http://marathon.mesos:8080</c> (<c>--marathon</c>, else <c>ISPARK_MARATHON_URL</c>).</summary>
    public required Uri Marathon { get; init; }

    /// <summary>How to authenticate; null: <see cref="MarathonCredentials.FromEnvironment"/>.</summary>
    public MarathonCredentials? Credentials { get; init; }

    /// <summary>The Marathon group jobs go in: each job is the group <c>/{Group}/{name}-job-{id}</c> with one app, <c>job</c>.</summary>
    public string Group { get; init; } = "ispark-jobs";

    /// <summary>The job's name (<c>ispark.name</c> label and the group's name); default the notebook's file name without extension.</summary>
    public string? Name { get; init; }

    /// <summary>The job image (the agents pull it): <c>docker/job</c>, which holds the gateway, ispark and Spark.</summary>
    public string Image { get; init; } = new DockerJobOptions().Image;

    /// <summary>CPUs of the job's task. Default 1.</summary>
    public double Cpus { get; init; } = 1;

    /// <summary>Memory of the job's task (the kernel, the job's own Spark and the gateway), e.g. <c>4g</c>. Default 4g.</summary>
    public string Memory { get; init; } = "4g";

    /// <summary>The <c>-p name=value</c> parameters: injected into the notebook here and uploaded with it over TLS; never in the app definition.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The longest one cell may run (ispark run --timeout); null: no limit.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>The longest the job may run (from its upload) before its group is removed. Default 1 hour.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long Marathon may take to run the task and the job's gateway to answer. Default 5 minutes.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The kernel the cells run on in the task: <c>interactivespark</c> (default) or <c>dotnet-interactive</c> (only in an
    /// image built with <c>docker/build-job-image --with-dotnet-interactive</c>). Sent with the notebook; the task's gateway
    /// accepts only these two.
    /// </summary>
    public string Kernel { get; init; } = "interactivespark";

    /// <summary>The master of the job's own Spark (a Spark Connect server inside the task). Default <c>local[2]</c>.</summary>
    public string SparkMaster { get; init; } = "local[2]";

    /// <summary>The driver heap of the job's own Spark. Default 1g.</summary>
    public string DriverMemory { get; init; } = "1g";

    /// <summary>Marathon constraints, each <c>[field, OPERATOR]</c> or <c>[field, OPERATOR, value]</c>, e.g. <c>hostname:UNIQUE</c>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Constraints { get; init; } = [];

    /// <summary>Extra labels (the launcher's own <c>ispark.*</c> labels win).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Who submitted the job (<c>ispark.owner</c>); default <c>user@host</c>.</summary>
    public string Owner { get; init; } = $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>The address to reach the task's port at, when the agent's name (Marathon's task host) does not resolve here.</summary>
    public string? JobHost { get; init; }

    /// <summary>How long one Marathon request may take. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP handler for Marathon (e.g. with a cluster CA); null for a default one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Accept an <c>http://</c> Marathon on another host (<c>--allow-http-marathon</c>): its traffic is readable and changeable on the way.</summary>
    public bool AllowHttpMarathon { get; init; }

    /// <summary>Where detached jobs' records (with their tokens) are kept; null: <see cref="MarathonJobRecord.DefaultFolder"/>.</summary>
    public string? RecordFolder { get; init; }
}

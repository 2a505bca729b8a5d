namespace InteractiveSpark.Magics;

/// <summary>The raw values of <c>#!spark-connect</c> as the notebook gave them.</summary>
public sealed record SparkConnectValues
{
    /// <summary>
    /// The options of <c>#!spark-connect</c> and <c>#!connect spark</c> other than the name, with the help text every
    /// host shows: declared once, here.
    /// </summary>
    public static IReadOnlyList<MagicOption> Options { get; } =
    [
        new("--url", "An existing Spark Connect server: sc://host:15002, with /;token=... if it needs one"),
        new("--launcher", "Starts a server: local (a process on this machine, from --spark-home or SPARK_HOME), docker (a driver container behind its TLS gateway) or marathon (the driver as a Marathon app inside the cluster)")
        {
            Completions = ["local", "docker", "marathon"],
        },
        new("--spark-home", "The Spark 4.x home a local server runs from (default: SPARK_HOME)"),
        new("--master", "The Spark master of a local server (default local[2])"),
        new("--driver-memory", "The driver's memory of a local server, e.g. 2g"),
        new("--conf", "A Spark setting for a server the notebook starts, key=value; repeatable") { MaxOccurrences = 100 },
        new("--startup-timeout", "Seconds to wait for the server to start and answer (default 120)"),
        new("--image", "The driver image of a Docker session (default ISPARK_DOCKER_IMAGE, else ispark-driver:test)"),
        new("--cpus", "CPUs of the driver container, e.g. 2"),
        new("--memory", "Memory of the driver container, e.g. 4g"),
        new("--executors", "Executors of a Docker session: worker containers of a Spark standalone cluster (default 0: Spark runs in the driver)"),
        new("--idle-timeout", "A Docker session stops by itself after this long unused, e.g. 30m (default), 2h, 0 = never"),
        new("--prefix", "The name prefix of a Docker session's containers, e.g. staging-analytics (default ispark)"),
        new("--marathon", "Marathon's address for --launcher marathon, e.g. https://marathon.mesos:8443 (default ISPARK_MARATHON_URL); credentials from ISPARK_MARATHON_USER/_PASSWORD(_FILE) or ISPARK_MARATHON_TOKEN(_FILE)"),
        new("--allow-http-marathon", "Accept a plain http:// Marathon on another host: its credentials, the session's app definition and Marathon's answers cross the network unencrypted") { IsFlag = true },
        new("--group", "The Marathon group the session's apps go under, e.g. staging-analytics (default ispark)"),
        new("--constraint", "A Marathon placement constraint for every task, field:OPERATOR[:value], e.g. hostname:UNIQUE; repeatable") { MaxOccurrences = 20 },
        new("--label", "An extra label on the session's Marathon apps or containers, key=value (never a secret); repeatable") { MaxOccurrences = 20 },
        new("--keep-alive", "The session outlives this kernel (a restart, a crash, a sleeping laptop): #!spark-connect --name N --attach takes it over later; its driver stops after --idle-timeout unused (local: 10m by default)") { IsFlag = true },
        new("--attach", "Takes over the session of this --name that an earlier kernel left (its temp views, settings and cached data are there) instead of starting one; #!spark-sessions lists them") { IsFlag = true },
        new("--fork", "A new session cloned from the open session of this name, on its driver (nothing starts): it begins with that session's settings, temp views, functions and artifacts, then goes its own way; --conf sets its own settings. #!spark-stop ends only the fork; stopping the session it came from ends the fork too")
        {
            IsSessionName = true,
        },
    ];

    /// <summary>
    /// The values of a typed line, <c>#!spark-connect --name N ...</c> or <c>#!connect spark --kernel-name N ...</c>, for a
    /// host that reads magic lines itself. <paramref name="csharpValue"/> resolves <c>@csharp:NAME</c> values.
    /// </summary>
    public static SparkConnectValues FromLine(string line, Func<string, (bool Found, object? Value)>? csharpValue = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var connect = line.TrimStart().StartsWith("#!connect", StringComparison.Ordinal);
        var nameOption = connect ? "--kernel-name" : "--name";
        var flags = Options.Where(o => o.IsFlag).Select(o => o.Name).ToArray();
        var parsed = MagicLine.Parse(line, connect ? 2 : 1, flags, csharpValue);
        string? One(string option) => parsed.Value(option);
        IReadOnlyList<string>? Many(string option) => parsed.Values(option);
        return new SparkConnectValues
        {
            Name = One(nameOption), Url = One("--url"), Launcher = One("--launcher"), SparkHome = One("--spark-home"), Master = One("--master"),
            DriverMemory = One("--driver-memory"), Conf = Many("--conf"), StartupTimeout = One("--startup-timeout"),
            Image = One("--image"), Cpus = One("--cpus"), Memory = One("--memory"), Executors = One("--executors"),
            IdleTimeout = One("--idle-timeout"), Prefix = One("--prefix"), Marathon = One("--marathon"),
            AllowHttpMarathon = parsed.Flag("--allow-http-marathon"),
            Group = One("--group"), Constraints = Many("--constraint"), Labels = Many("--label"),
            KeepAlive = parsed.Flag("--keep-alive"), Attach = parsed.Flag("--attach"), Fork = One("--fork"),
            UnclosedQuote = parsed.UnclosedQuote,
            StrayWords = parsed.StrayWords,
            EmptyOptions = parsed.OptionsWithoutValue,
            UnknownOptions = parsed.UnknownOptions(Options.Select(o => o.Name).Append(nameOption)),
            RepeatedOptions = [.. parsed.Words.Where(w => w == nameOption || Options.Any(o => o.Name == w && o.MaxOccurrences == 1))
                .GroupBy(w => w, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)],
        };
    }

    /// <summary>Options given more than once that take one value (<c>--launcher local --launcher docker</c>).</summary>
    public IReadOnlyList<string> RepeatedOptions { get; init; } = [];

    /// <summary>Options on the line that the magic does not have, as typed.</summary>
    public IReadOnlyList<string> UnknownOptions { get; init; } = [];

    /// <summary>Words on the line that are neither options nor their values.</summary>
    public IReadOnlyList<string> StrayWords { get; init; } = [];

    /// <summary>Options given without a value, as typed (e.g. <c>--spark-home</c>).</summary>
    public IReadOnlyList<string> EmptyOptions { get; init; } = [];

    /// <summary>Whether the directive's line has a quote that is never closed (then nothing else is trusted).</summary>
    public bool UnclosedQuote { get; init; }

    /// <summary><c>--name</c> (or <c>--kernel-name</c> with <c>#!connect spark</c>).</summary>
    public string? Name { get; init; }

    /// <summary><c>--url</c>.</summary>
    public string? Url { get; init; }

    /// <summary><c>--launcher</c>.</summary>
    public string? Launcher { get; init; }

    /// <summary><c>--spark-home</c>.</summary>
    public string? SparkHome { get; init; }

    /// <summary><c>--master</c>.</summary>
    public string? Master { get; init; }

    /// <summary><c>--driver-memory</c>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary><c>--conf</c>, each <c>k=v</c>.</summary>
    public IReadOnlyList<string>? Conf { get; init; }

    /// <summary><c>--startup-timeout</c> in seconds.</summary>
    public string? StartupTimeout { get; init; }

    /// <summary><c>--image</c>.</summary>
    public string? Image { get; init; }

    /// <summary><c>--cpus</c>.</summary>
    public string? Cpus { get; init; }

    /// <summary><c>--memory</c>.</summary>
    public string? Memory { get; init; }

    /// <summary><c>--executors</c>.</summary>
    public string? Executors { get; init; }

    /// <summary><c>--idle-timeout</c>.</summary>
    public string? IdleTimeout { get; init; }

    /// <summary><c>--prefix</c>.</summary>
    public string? Prefix { get; init; }

    /// <summary><c>--marathon</c>.</summary>
    public string? Marathon { get; init; }

    /// <summary><c>--allow-http-marathon</c> (a flag).</summary>
    public bool AllowHttpMarathon { get; init; }

    /// <summary><c>--group</c>.</summary>
    public string? Group { get; init; }

    /// <summary><c>--constraint</c>, each <c>field:OPERATOR[:value]</c>.</summary>
    public IReadOnlyList<string>? Constraints { get; init; }

    /// <summary><c>--label</c>, each <c>k=v</c>.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary><c>--keep-alive</c> (a flag).</summary>
    public bool KeepAlive { get; init; }

    /// <summary><c>--attach</c> (a flag).</summary>
    public bool Attach { get; init; }

    /// <summary><c>--fork</c>: the name of the open session to clone.</summary>
    public string? Fork { get; init; }
}

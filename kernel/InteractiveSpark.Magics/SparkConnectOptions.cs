using System.Globalization;
using InteractiveSpark.Core;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Magics;

/// <summary>
/// The validated options of <c>#!spark-connect</c> (and <c>#!connect spark</c>). <see cref="Parse"/> turns the raw
/// directive values into these, or into one <see cref="SparkMagicException"/> that says what to change.
/// </summary>
public sealed record SparkConnectOptions
{
    /// <summary>The longest value of one <c>--conf</c> setting (it travels on a command line).</summary>
    public const int MaxConfValueLength = 64 * 1024;

    /// <summary>The longest session name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The default time a launcher may take to start its server.</summary>
    public static readonly TimeSpan DefaultStartupTimeout = SessionLaunch.DefaultStartupTimeout;

    /// <summary>The session's name: the C# variable that holds it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the server comes from (with <see cref="Attach"/> or <see cref="Fork"/>: the recorded or forked session's own launcher decides; this is <see cref="SparkLauncherKind.Url"/>).</summary>
    public required SparkLauncherKind Launcher { get; init; }

    /// <summary><c>--attach</c>: take over the recorded session of this name that an earlier kernel left, instead of starting one.</summary>
    public bool Attach { get; init; }

    /// <summary>
    /// <c>--fork</c>: the name of the open session this one is cloned from, on its driver (with <see cref="Conf"/> as the
    /// fork's own session settings); null for a session that is started or attached.
    /// </summary>
    public string? Fork { get; init; }

    /// <summary><c>--keep-alive</c>: the session outlives this kernel; leaving the kernel detaches from it instead of stopping it.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>The server to connect to (with <see cref="SparkLauncherKind.Url"/>).</summary>
    public SparkConnectionString? Url { get; init; }

    /// <summary>The Spark home of a local server; null: SPARK_HOME or the repository's engines.</summary>
    public string? SparkHome { get; init; }

    /// <summary>The Spark master of a local server (<c>local[2]</c> unless set).</summary>
    public string? Master { get; init; }

    /// <summary>The driver's JVM heap of a local server, e.g. <c>2g</c>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Spark settings given with <c>--conf k=v</c>.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the launcher and the handshake may take.</summary>
    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>The driver image of a Docker session (<c>--image</c>); null: the launcher's default.</summary>
    public string? Image { get; init; }

    /// <summary>CPUs of the driver container (<c>--cpus</c>); null: no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Memory of the driver container (<c>--memory</c>, e.g. <c>4g</c>); null: no limit.</summary>
    public string? Memory { get; init; }

    /// <summary>Executors of a Docker session (<c>--executors</c>): worker containers of a standalone cluster; 0 runs Spark in the driver.</summary>
    public int Executors { get; init; }

    /// <summary>The driver's idle timer (<c>--idle-timeout</c>): unused this long, it stops and its containers go; null: the launcher's default (30 minutes).</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The container name prefix (<c>--prefix</c>, e.g. <c>staging-analytics</c>); null: <c>ispark</c>.</summary>
    public string? Prefix { get; init; }

    /// <summary>Marathon's address (<c>--marathon</c>, or <c>ISPARK_MARATHON_URL</c>) of a Marathon session.</summary>
    public Uri? Marathon { get; init; }

    /// <summary>The Marathon group (<c>--group</c>); null: <c>ispark</c>.</summary>
    public string? Group { get; init; }

    /// <summary>Accept a plain <c>http://</c> Marathon on another host (<c>--allow-http-marathon</c>).</summary>
    public bool AllowHttpMarathon { get; init; }

    /// <summary>Marathon placement constraints (<c>--constraint field:OPERATOR[:value]</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Constraints { get; init; } = [];

    /// <summary>Extra labels (<c>--label k=v</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The launch these options describe: the session's name and its launcher's settings.</summary>
    public SessionLaunch ToLaunch()
    {
        SparkLauncherOptions launcher = Launcher switch
        {
            SparkLauncherKind.Url => new ExistingServerOptions(Url!),
            SparkLauncherKind.Local => new LocalSparkServerOptions
            {
                SparkHome = SparkHome,
                Master = Master ?? "local[2]",
                DriverMemory = DriverMemory ?? "2g",
                Conf = Conf,
                StartupTimeout = StartupTimeout,
                KeepAlive = KeepAlive,
                IdleTimeout = IdleTimeout ?? TimeSpan.FromMinutes(10),
            },
            SparkLauncherKind.Docker => new DockerSparkLauncherOptions
            {
                Name = Name,
                NamePrefix = Prefix ?? "ispark",
                Cpus = Cpus,
                Memory = Memory,
                DriverMemory = DriverMemory,
                Executors = Executors,
                Conf = Conf,
                StartupTimeout = StartupTimeout,
                IdleTimeout = IdleTimeout ?? TimeSpan.FromMinutes(30),
            } is var docker && Image is { } image ? docker with { Image = image } : docker,
            _ => MarathonOptions(),
        };
        return new SessionLaunch { Name = Name, Launcher = launcher, ConnectTimeout = StartupTimeout, KeepAlive = KeepAlive };
    }

    private MarathonSparkLauncherOptions MarathonOptions()
    {
        var defaults = new MarathonSparkLauncherOptions { Marathon = Marathon! };
        return defaults with
        {
            Image = Image ?? defaults.Image,
            Name = Name,
            Group = Group ?? defaults.Group,
            Cpus = Cpus ?? defaults.Cpus,
            Memory = Memory ?? defaults.Memory,
            DriverMemory = DriverMemory,
            Executors = Executors,
            Constraints = Constraints,
            Labels = Labels,
            Conf = Conf,
            StartupTimeout = StartupTimeout,
            IdleTimeout = IdleTimeout ?? defaults.IdleTimeout,
            AllowHttpMarathon = AllowHttpMarathon,
        };
    }

    /// <summary>Validates the raw values of the directive. Throws <see cref="SparkMagicException"/> with what to do.</summary>
    public static SparkConnectOptions Parse(SparkConnectValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.UnclosedQuote)
        {
            throw new SparkMagicException("This line has a quote (\") that is never closed: close it, or remove it, and run the cell again.");
        }

        if (values.StrayWords.Count > 0)
        {
            throw new SparkMagicException(
                $"Unexpected '{MagicText.Shown(values.StrayWords[0])}' on the line: every value follows its option, as in --name dev --launcher local (#!spark-connect -h lists them).");
        }

        if (values.UnknownOptions.Count > 0)
        {
            throw new SparkMagicException(
                $"Unknown option {MagicText.Shown(values.UnknownOptions[0])}: #!spark-connect takes --name and {string.Join(", ", SparkConnectValues.Options.Select(o => o.Name))} (#!spark-connect -h says what each does).");
        }

        if (values.RepeatedOptions.Count > 0)
        {
            throw new SparkMagicException($"{values.RepeatedOptions[0]} is given more than once: give it once (only --conf, --constraint and --label repeat).");
        }

        if (values.EmptyOptions.Count > 0)
        {
            throw new SparkMagicException(
                $"{string.Join(", ", values.EmptyOptions)} needs a value (run #!spark-connect -h for the options).");
        }

        var name = values.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new SparkMagicException("Give the session a name: --name dev (it becomes the C# variable that holds the session).");
        }

        if (name.Length > MaxNameLength)
        {
            throw new SparkMagicException(
                $"'{MagicText.Shown(name)}' is too long for a session name (it names a C# variable, a kernel and containers): use at most {MaxNameLength} characters, e.g. --name dev.");
        }

        if (!CSharpNames.IsVariableName(name))
        {
            throw new SparkMagicException(
                $"'{MagicText.Shown(name)}' cannot be a session name: the name becomes a C# variable, so use letters, digits and _ (not starting with a digit, not a C# keyword), e.g. --name dev.");
        }

        if (values.Fork is not null)
        {
            return ParseFork(name, values);
        }

        if (values.Attach)
        {
            return ParseAttach(name, values);
        }

        var launcherText = values.Launcher?.Trim();
        var url = values.Url?.Trim();
        SparkLauncherKind launcher;
        if (string.IsNullOrEmpty(launcherText))
        {
            if (string.IsNullOrEmpty(url))
            {
                throw new SparkMagicException(
                    "Say where Spark runs: --url sc://host:15002 for an existing Spark Connect server, --launcher local to start one on this machine, --launcher docker to start one in a container, or --launcher marathon to start one in the cluster.");
            }

            launcher = SparkLauncherKind.Url;
        }
        else
        {
            launcher = launcherText.ToLowerInvariant() switch
            {
                "local" => SparkLauncherKind.Local,
                "docker" => SparkLauncherKind.Docker,
                "url" => SparkLauncherKind.Url,
                "marathon" => SparkLauncherKind.Marathon,
                _ => throw new SparkMagicException($"Unknown launcher '{MagicText.Shown(launcherText)}': use --launcher local, docker or marathon, or --url sc://host:port."),
            };
        }

        if (launcher != SparkLauncherKind.Url && !string.IsNullOrEmpty(url))
        {
            throw new SparkMagicException($"Use either --url (an existing server) or --launcher {launcher.ToString().ToLowerInvariant()} (a new one), not both.");
        }

        if (launcher != SparkLauncherKind.Local)
        {
            foreach (var (option, value) in new[] { ("--spark-home", values.SparkHome), ("--master", values.Master) })
            {
                if (!string.IsNullOrWhiteSpace(value) && launcher is SparkLauncherKind.Docker or SparkLauncherKind.Marathon)
                {
                    throw new SparkMagicException(
                        $"{option} applies to --launcher local; a {launcher} session runs the Spark of its image (--image) with --executors workers.");
                }
            }
        }

        if (launcher is not (SparkLauncherKind.Docker or SparkLauncherKind.Marathon))
        {
            foreach (var (option, value) in new[]
                     {
                         ("--image", values.Image), ("--cpus", values.Cpus), ("--memory", values.Memory), ("--executors", values.Executors),
                         ("--idle-timeout", launcher == SparkLauncherKind.Local && values.KeepAlive ? null : values.IdleTimeout),
                     })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    throw new SparkMagicException(option == "--idle-timeout" && launcher == SparkLauncherKind.Local
                        ? "--idle-timeout applies to a local server with --keep-alive (a local server otherwise ends with its kernel)."
                        : $"{option} applies to a driver container (--launcher docker or marathon).");
                }
            }
        }

        if (launcher != SparkLauncherKind.Docker && !string.IsNullOrWhiteSpace(values.Prefix))
        {
            throw new SparkMagicException(launcher == SparkLauncherKind.Marathon
                ? "--prefix names Docker containers; a Marathon session goes under --group (e.g. --group staging-analytics)."
                : "--prefix applies to a driver container (--launcher docker).");
        }

        if (launcher != SparkLauncherKind.Marathon)
        {
            foreach (var (option, value) in new[] { ("--marathon", values.Marathon), ("--group", values.Group), ("--constraint", values.Constraints?.FirstOrDefault()) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    throw new SparkMagicException($"{option} applies to --launcher marathon.");
                }
            }
        }

        Uri? marathon = null;
        if (launcher == SparkLauncherKind.Marathon)
        {
            var text = Blank(values.Marathon) ?? Blank(Environment.GetEnvironmentVariable("ISPARK_MARATHON_URL"));
            if (text is null)
            {
                throw new SparkMagicException("--launcher marathon needs Marathon's address: --marathon http://marathon.mesos:8080 (or set ISPARK_MARATHON_URL).");
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out marathon) || marathon.Scheme is not ("http" or "https"))
            {
                throw new SparkMagicException($"--marathon takes Marathon's address, such as http://marathon.mesos:8080; got '{(text.Contains('@', StringComparison.Ordinal) ? "(a URL with credentials)" : text)}'.");
            }

            if (marathon.UserInfo.Length > 0)
            {
                throw new SparkMagicException(
                    "Put no credentials in --marathon (they would stay in the notebook): set ISPARK_MARATHON_USER and ISPARK_MARATHON_PASSWORD(_FILE), or ISPARK_MARATHON_TOKEN(_FILE), before starting Jupyter.");
            }

            try
            {
                MarathonClient.RequireHttps(marathon, values.AllowHttpMarathon);
            }
            catch (ArgumentException e)
            {
                throw new SparkMagicException(e.Message);
            }
        }

        var constraints = new List<IReadOnlyList<string>>();
        foreach (var c in values.Constraints ?? [])
        {
            var parts = c.Split(':', 3);
            if (parts.Length < 2 || parts.Any(string.IsNullOrWhiteSpace))
            {
                throw new SparkMagicException($"--constraint takes field:OPERATOR or field:OPERATOR:value, e.g. hostname:UNIQUE or rack:LIKE:r1; got '{MagicText.Shown(c)}'.");
            }

            constraints.Add(parts);
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in values.Labels ?? [])
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new SparkMagicException($"--label takes key=value, e.g. --label cost-center=analytics; got '{MagicText.Shown(pair)}'.");
            }

            labels[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        double? cpus = null;
        if (!string.IsNullOrWhiteSpace(values.Cpus))
        {
            if (!double.TryParse(values.Cpus.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || !double.IsFinite(c) || c <= 0 || c > 1024)
            {
                throw new SparkMagicException($"--cpus takes a positive number such as 2 or 0.5; got '{MagicText.Shown(values.Cpus.Trim())}'.");
            }

            cpus = c;
        }

        string? memory = null;
        if (!string.IsNullOrWhiteSpace(values.Memory))
        {
            memory = values.Memory.Trim();
            if (!ByteSize.TryParse(memory, out var memoryBytes) || memoryBytes < 512L * 1024 * 1024)
            {
                throw new SparkMagicException($"--memory takes a size of at least 512m, such as 4g; got '{MagicText.Shown(memory)}'.");
            }
        }

        var executors = 0;
        if (!string.IsNullOrWhiteSpace(values.Executors)
            && (!int.TryParse(values.Executors.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out executors) || executors > 64))
        {
            throw new SparkMagicException($"--executors takes a whole number from 0 to 64; got '{MagicText.Shown(values.Executors.Trim())}'.");
        }

        TimeSpan? idle = null;
        if (!string.IsNullOrWhiteSpace(values.IdleTimeout))
        {
            var text = values.IdleTimeout.Trim();
            if (!Duration.TryParse(text, out var parsed))
            {
                throw new SparkMagicException($"--idle-timeout takes a duration such as 90s, 30m or 2h (0 = never); got '{MagicText.Shown(text)}'.");
            }

            idle = parsed;
            if (idle == TimeSpan.Zero && launcher == SparkLauncherKind.Local)
            {
                throw new SparkMagicException("A local server with --keep-alive needs an --idle-timeout it stops after (e.g. 30m), not 0: nothing else would ever stop it.");
            }

            if (idle == TimeSpan.Zero)
            {
                idle = Timeout.InfiniteTimeSpan;
            }
            else if (idle < TimeSpan.FromSeconds(5))
            {
                throw new SparkMagicException($"--idle-timeout must be at least 5s (or 0 for never); got '{MagicText.Shown(text)}'.");
            }
        }

        if (launcher == SparkLauncherKind.Url && string.IsNullOrEmpty(url))
        {
            throw new SparkMagicException("--launcher url needs --url sc://host:15002.");
        }

        SparkConnectionString? connectionString = null;
        if (launcher == SparkLauncherKind.Url)
        {
            try
            {
                connectionString = SparkConnectionString.Parse(url!);
            }
            catch (FormatException e)
            {
                // SparkConnectionString's messages never show the token.
                throw new SparkMagicException($"--url: {e.Message}");
            }

            foreach (var (option, value) in new[] { ("--spark-home", values.SparkHome), ("--master", values.Master), ("--driver-memory", values.DriverMemory) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    throw new SparkMagicException($"{option} applies to a server this notebook starts (--launcher local), not to --url.");
                }
            }
        }

        var timeout = DefaultStartupTimeout;
        if (values.StartupTimeout is not null)
        {
            // Given but empty ("") is a mistake too, not "the default".
            var text = values.StartupTimeout.Trim();
            if (!Duration.TryParse(text, out var startup) || startup < TimeSpan.FromSeconds(1) || startup > TimeSpan.FromHours(1))
            {
                throw new SparkMagicException($"--startup-timeout takes a duration between 1s and 1h, such as 180, 180s or 3m; got '{MagicText.Shown(text)}'.");
            }

            timeout = startup;
        }

        var conf = ParseConf(values.Conf);

        if (launcher == SparkLauncherKind.Url && conf.Count > 0)
        {
            throw new SparkMagicException(
                "--conf applies to a server this notebook starts (--launcher local or docker). For a running server, set session settings in C#: await N.Conf.SetAsync(key, value).");
        }

        return new SparkConnectOptions
        {
            Name = name,
            Launcher = launcher,
            Url = connectionString,
            SparkHome = Blank(values.SparkHome),
            Master = Blank(values.Master),
            DriverMemory = Blank(values.DriverMemory),
            Conf = conf,
            StartupTimeout = timeout,
            Image = Blank(values.Image),
            Cpus = cpus,
            Memory = memory,
            Executors = executors,
            IdleTimeout = idle,
            Prefix = Blank(values.Prefix),
            Marathon = marathon,
            AllowHttpMarathon = values.AllowHttpMarathon,
            Group = Blank(values.Group),
            Constraints = constraints,
            Labels = labels,
            KeepAlive = values.KeepAlive,
        };

        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    /// <summary>The <c>--conf k=v</c> settings, checked: a name Spark could have, a value of bounded length.</summary>
    private static Dictionary<string, string> ParseConf(IReadOnlyList<string>? pairs)
    {
        var conf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || string.IsNullOrWhiteSpace(pair[..eq]))
            {
                throw new SparkMagicException($"--conf takes key=value, e.g. --conf spark.sql.shuffle.partitions=8; got '{MagicText.Shown(pair)}'.");
            }

            // Spark's setting names are dotted words; a quote or a space in one is a typing slip (an unclosed quote).
            if (!System.Text.RegularExpressions.Regex.IsMatch(pair[..eq].Trim(), @"^[A-Za-z0-9_.\-\[\]]+$"))
            {
                throw new SparkMagicException($"--conf: '{MagicText.Shown(pair[..eq].Trim())}' is not a Spark setting name (letters, digits, '.', '_', '-'), e.g. --conf spark.sql.shuffle.partitions=8.");
            }

            if (pair.Length - eq - 1 > MaxConfValueLength)
            {
                throw new SparkMagicException(
                    $"--conf {MagicText.Shown(pair[..eq].Trim())}: the value has {pair.Length - eq - 1:N0} characters; a setting takes at most {MaxConfValueLength:N0}.");
            }

            conf[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        return conf;
    }

    /// <summary>
    /// <c>--fork</c> takes only the name and <c>--conf</c> (the fork's own session settings): the fork runs on the driver of
    /// the session it comes from, so nothing is started and no launcher option applies.
    /// </summary>
    private static SparkConnectOptions ParseFork(string name, SparkConnectValues values)
    {
        var parent = values.Fork!.Trim();
        if (!CSharpNames.IsVariableName(parent))
        {
            throw new SparkMagicException($"--fork takes the name of a session open in this notebook, e.g. --fork dev; got '{MagicText.Shown(parent)}'.");
        }

        if (parent == name)
        {
            throw new SparkMagicException($"--fork {parent} names the new session itself: give the fork its own name, e.g. --name {name}_fork --fork {parent}.");
        }

        if (values.Attach)
        {
            throw new SparkMagicException("Use --attach (take over a session an earlier kernel left) or --fork (clone a session open here), not both.");
        }

        if (values.KeepAlive)
        {
            throw new SparkMagicException(
                $"A fork ends with this kernel and with the session it comes from: give --keep-alive to that session instead (#!spark-connect --name {parent} ... --keep-alive); remove it here.");
        }

        var others = new (string Option, bool Given)[]
        {
            ("--url", values.Url is not null), ("--launcher", values.Launcher is not null), ("--spark-home", values.SparkHome is not null),
            ("--master", values.Master is not null), ("--driver-memory", values.DriverMemory is not null), ("--startup-timeout", values.StartupTimeout is not null),
            ("--image", values.Image is not null), ("--cpus", values.Cpus is not null), ("--memory", values.Memory is not null),
            ("--executors", values.Executors is not null), ("--idle-timeout", values.IdleTimeout is not null), ("--prefix", values.Prefix is not null),
            ("--marathon", values.Marathon is not null), ("--allow-http-marathon", values.AllowHttpMarathon), ("--group", values.Group is not null),
            ("--constraint", values.Constraints is { Count: > 0 }), ("--label", values.Labels is { Count: > 0 }),
        };
        if (others.FirstOrDefault(o => o.Given).Option is { } given)
        {
            throw new SparkMagicException(
                $"--fork runs the new session on the driver of {parent}, so nothing starts: remove {given} (a fork takes only --name, --fork and --conf, its own session settings).");
        }

        return new SparkConnectOptions { Name = name, Launcher = SparkLauncherKind.Url, Fork = parent, Conf = ParseConf(values.Conf) };
    }

    /// <summary>
    /// <c>--attach</c> takes only the name (and <c>--startup-timeout</c>, how long reaching the server may take): the
    /// session keeps the launcher and settings it was started with.
    /// </summary>
    private static SparkConnectOptions ParseAttach(string name, SparkConnectValues values)
    {
        var others = new (string Option, bool Given)[]
        {
            ("--url", values.Url is not null), ("--launcher", values.Launcher is not null), ("--spark-home", values.SparkHome is not null),
            ("--master", values.Master is not null), ("--driver-memory", values.DriverMemory is not null), ("--conf", values.Conf is { Count: > 0 }),
            ("--image", values.Image is not null), ("--cpus", values.Cpus is not null), ("--memory", values.Memory is not null),
            ("--executors", values.Executors is not null), ("--idle-timeout", values.IdleTimeout is not null), ("--prefix", values.Prefix is not null),
            ("--marathon", values.Marathon is not null), ("--allow-http-marathon", values.AllowHttpMarathon), ("--group", values.Group is not null),
            ("--constraint", values.Constraints is { Count: > 0 }), ("--label", values.Labels is { Count: > 0 }), ("--keep-alive", values.KeepAlive),
        };
        if (others.FirstOrDefault(o => o.Given).Option is { } given)
        {
            throw new SparkMagicException(
                $"--attach takes only --name (and --startup-timeout): the session keeps the launcher and settings it was started with; remove {given}.");
        }

        var timeout = DefaultStartupTimeout;
        if (values.StartupTimeout is not null)
        {
            var text = values.StartupTimeout.Trim();
            if (!Duration.TryParse(text, out var startup) || startup < TimeSpan.FromSeconds(1) || startup > TimeSpan.FromHours(1))
            {
                throw new SparkMagicException($"--startup-timeout takes a duration between 1s and 1h, such as 30s or 2m; got '{MagicText.Shown(text)}'.");
            }

            timeout = startup;
        }

        return new SparkConnectOptions { Name = name, Launcher = SparkLauncherKind.Url, Attach = true, StartupTimeout = timeout };
    }
}

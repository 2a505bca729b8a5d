using System.Text.Json;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Connection;
using Microsoft.DotNet.Interactive.Directives;

namespace InteractiveSpark.Interactive;

/// <summary>The options <c>#!spark-connect</c> and <c>#!connect spark</c> share (not the name).</summary>
internal static class SparkConnectParameters
{
    public static IEnumerable<KernelDirectiveParameter> Create() =>
    [
        new("--url", "An existing Spark Connect server: sc://host:15002, with /;token=... if it needs one") { TypeHint = "text" },
        new KernelDirectiveParameter("--launcher", "Starts a server: local (a process on this machine, from --spark-home or SPARK_HOME) or docker (a driver container behind its TLS gateway)")
            .AddCompletions(() => ["local", "docker"]),
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
    ];
}

/// <summary>
/// The values of <c>#!spark-connect</c>, bound by .NET Interactive from the directive's parameters (<c>--driver-memory</c>
/// binds to <see cref="DriverMemory"/>, and so on).
/// </summary>
public sealed class SparkConnectCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>.</summary>
    public string? Name { get; set; }

    /// <summary><c>--url</c>.</summary>
    public string? Url { get; set; }

    /// <summary><c>--launcher</c>.</summary>
    public string? Launcher { get; set; }

    /// <summary><c>--spark-home</c>.</summary>
    public string? SparkHome { get; set; }

    /// <summary><c>--master</c>.</summary>
    public string? Master { get; set; }

    /// <summary><c>--driver-memory</c>.</summary>
    public string? DriverMemory { get; set; }

    /// <summary><c>--conf</c> as bound when given once (see <see cref="RepeatedParameter"/> for repeats).</summary>
    public JsonElement? Conf { get; set; }

    /// <summary><c>--startup-timeout</c>.</summary>
    public string? StartupTimeout { get; set; }

    /// <summary><c>--image</c>.</summary>
    public string? Image { get; set; }

    /// <summary><c>--cpus</c>.</summary>
    public string? Cpus { get; set; }

    /// <summary><c>--memory</c>.</summary>
    public string? Memory { get; set; }

    /// <summary><c>--executors</c>.</summary>
    public string? Executors { get; set; }

    /// <summary><c>--idle-timeout</c>.</summary>
    public string? IdleTimeout { get; set; }

    /// <summary><c>--prefix</c>.</summary>
    public string? Prefix { get; set; }

    internal SparkConnectValues ToValues() => new()
    {
        Name = Name, Url = Url, Launcher = Launcher, SparkHome = SparkHome, Master = Master, DriverMemory = DriverMemory,
        Conf = RepeatedParameter.Values(this, SparkConnectDirective.Name, "--name", Name, "--conf") ?? SparkConnectCommandValues.Strings(Conf),
        StartupTimeout = StartupTimeout,
        Image = Image, Cpus = Cpus, Memory = Memory, Executors = Executors, IdleTimeout = IdleTimeout, Prefix = Prefix,
    };
}

/// <summary>The values of <c>#!connect spark --kernel-name N ...</c>.</summary>
/// <param name="connectedKernelName">The session's name (<c>--kernel-name</c>).</param>
public sealed class ConnectSparkCommand(string connectedKernelName) : ConnectKernelCommand(connectedKernelName)
{
    /// <summary><c>--url</c>.</summary>
    public string? Url { get; set; }

    /// <summary><c>--launcher</c>.</summary>
    public string? Launcher { get; set; }

    /// <summary><c>--spark-home</c>.</summary>
    public string? SparkHome { get; set; }

    /// <summary><c>--master</c>.</summary>
    public string? Master { get; set; }

    /// <summary><c>--driver-memory</c>.</summary>
    public string? DriverMemory { get; set; }

    /// <summary><c>--conf</c> as bound when given once (see <see cref="RepeatedParameter"/> for repeats).</summary>
    public JsonElement? Conf { get; set; }

    /// <summary><c>--startup-timeout</c>.</summary>
    public string? StartupTimeout { get; set; }

    /// <summary><c>--image</c>.</summary>
    public string? Image { get; set; }

    /// <summary><c>--cpus</c>.</summary>
    public string? Cpus { get; set; }

    /// <summary><c>--memory</c>.</summary>
    public string? Memory { get; set; }

    /// <summary><c>--executors</c>.</summary>
    public string? Executors { get; set; }

    /// <summary><c>--idle-timeout</c>.</summary>
    public string? IdleTimeout { get; set; }

    /// <summary><c>--prefix</c>.</summary>
    public string? Prefix { get; set; }

    internal SparkConnectValues ToValues() => new()
    {
        Name = ConnectedKernelName, Url = Url, Launcher = Launcher, SparkHome = SparkHome, Master = Master, DriverMemory = DriverMemory,
        Conf = RepeatedParameter.Values(this, "#!connect spark", "--kernel-name", ConnectedKernelName, "--conf") ?? SparkConnectCommandValues.Strings(Conf),
        StartupTimeout = StartupTimeout,
        Image = Image, Cpus = Cpus, Memory = Memory, Executors = Executors, IdleTimeout = IdleTimeout, Prefix = Prefix,
    };
}

internal static class SparkConnectCommandValues
{
    public static IReadOnlyList<string>? Strings(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()).ToArray(),
        { } single => [single.ToString()],
    };
}

/// <summary><c>#!spark-connect --name N (--url sc://... | --launcher local | --launcher docker) ...</c>: declared here, handled by <see cref="SparkConnectHandler"/>.</summary>
internal static class SparkConnectDirective
{
    public const string Name = "#!spark-connect";

    public static KernelActionDirective Create()
    {
        var directive = new KernelActionDirective(Name)
        {
            Description = "Connects to Spark (an existing Spark Connect server, or one it starts) and declares a C# variable holding the session",
        };
        directive.Parameters.Add(new KernelDirectiveParameter("--name", "The session's name: the C# variable that will hold it") { Required = true });
        foreach (var parameter in SparkConnectParameters.Create())
        {
            directive.Parameters.Add(parameter);
        }

        return directive;
    }
}

/// <summary><c>#!connect spark --kernel-name N ...</c>: the way .NET Interactive's own data kernels connect; same handler.</summary>
internal sealed class ConnectSparkDirective : ConnectKernelDirective<ConnectSparkCommand>
{
    private readonly SparkConnectHandler handler;

    public ConnectSparkDirective(SparkConnectHandler handler)
        : base("spark", "Connects to Spark (an existing Spark Connect server, or one it starts) and declares a C# variable holding the session")
    {
        this.handler = handler;
        foreach (var parameter in SparkConnectParameters.Create())
        {
            Parameters.Add(parameter);
        }
    }

    public override async Task<IEnumerable<Kernel>> ConnectKernelsAsync(ConnectSparkCommand connectCommand, KernelInvocationContext context)
    {
        // The session and its C# variable are made by the shared handler; the kernel returned here is the `#!N` Spark SQL
        // kernel, which .NET Interactive adds to the notebook (as it does for its own data kernels).
        var name = connectCommand.ConnectedKernelName;
        if (!await handler.ConnectAsync(connectCommand, connectCommand.ToValues(), context, addSqlKernel: false).ConfigureAwait(false))
        {
            return [];
        }

        var root = (context.HandlingKernel ?? Kernel.Root)?.RootKernel as CompositeKernel;
        return root?.FindKernelByName(name) is SparkSqlKernel ? [] : [new SparkSqlKernel(name, handler.Sessions.Registry)];
    }
}

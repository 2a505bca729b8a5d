using System.Text.Json;
using System.Text.Json.Serialization;
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
        new KernelDirectiveParameter("--launcher", "Starts a server: local (a process on this machine, from --spark-home or SPARK_HOME), docker (a driver container behind its TLS gateway) or marathon (the driver as a Marathon app inside the cluster)")
            .AddCompletions(() => ["local", "docker", "marathon"]),
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
        new("--marathon", "Marathon's address for --launcher marathon, e.g. http://marathon.mesos:8080 (default ISPARK_MARATHON_URL); credentials from ISPARK_MARATHON_USER/_PASSWORD(_FILE) or ISPARK_MARATHON_TOKEN(_FILE)") { TypeHint = "text" },
        new("--allow-http-marathon", "Accept a plain http:// Marathon on another host: its credentials, the session's app definition and Marathon's answers cross the network unencrypted") { Flag = true },
        new("--group", "The Marathon group the session's apps go under, e.g. staging-analytics (default ispark)"),
        new("--constraint", "A Marathon placement constraint for every task, field:OPERATOR[:value], e.g. hostname:UNIQUE; repeatable") { MaxOccurrences = 20 },
        new("--label", "An extra label on the session's Marathon apps or containers, key=value (never a secret); repeatable") { MaxOccurrences = 20 },
    ];
}

/// <summary>
/// The values of <c>#!spark-connect</c>, bound by .NET Interactive from the directive's parameters. Only the name is a
/// property; every other option lands in <see cref="Options"/> (by its name: <c>--driver-memory</c> as
/// <c>driverMemory</c>), so an option is declared once, in <see cref="SparkConnectParameters"/>, and read once, in
/// <see cref="SparkConnectCommandValues.From"/>.
/// </summary>
public sealed class SparkConnectCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Every other option, as .NET Interactive bound it.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Options { get; set; }

    internal SparkConnectValues ToValues() => SparkConnectCommandValues.From(this, SparkConnectDirective.Name, "--name", Name, Options);
}

/// <summary>The values of <c>#!connect spark --kernel-name N ...</c> (the options as in <see cref="SparkConnectCommand"/>).</summary>
/// <param name="connectedKernelName">The session's name (<c>--kernel-name</c>).</param>
public sealed class ConnectSparkCommand(string connectedKernelName) : ConnectKernelCommand(connectedKernelName)
{
    /// <summary>Every option but the name, as .NET Interactive bound it.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Options { get; set; }

    internal SparkConnectValues ToValues() => SparkConnectCommandValues.From(this, "#!connect spark", "--kernel-name", ConnectedKernelName, Options);
}

internal static class SparkConnectCommandValues
{
    /// <summary>The raw values from the bound options; repeatable ones (<c>--conf</c>, <c>--constraint</c>, <c>--label</c>) from the directive's line.</summary>
    public static SparkConnectValues From(KernelCommand command, string directive, string nameParameter, string? name, IReadOnlyDictionary<string, JsonElement>? options)
    {
        // Keys as bound ("driverMemory", "driver-memory" or "--driver-memory"): compared without dashes and case.
        var byKey = (options ?? new Dictionary<string, JsonElement>()).ToDictionary(kv => kv.Key.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), kv => kv.Value);
        string? One(string option) => byKey.TryGetValue(option.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), out var v) ? Strings(v)?.LastOrDefault() : null;
        IReadOnlyList<string>? Many(string option) => RepeatedParameter.Values(command, directive, nameParameter, name, option)
            ?? (byKey.TryGetValue(option.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), out var v) ? Strings(v) : null);
        return new SparkConnectValues
        {
            Name = name, Url = One("--url"), Launcher = One("--launcher"), SparkHome = One("--spark-home"), Master = One("--master"),
            DriverMemory = One("--driver-memory"), Conf = Many("--conf"), StartupTimeout = One("--startup-timeout"),
            Image = One("--image"), Cpus = One("--cpus"), Memory = One("--memory"), Executors = One("--executors"),
            IdleTimeout = One("--idle-timeout"), Prefix = One("--prefix"),
            Marathon = One("--marathon"),
            AllowHttpMarathon = byKey.TryGetValue("allowhttpmarathon", out var allowHttp) && allowHttp.ValueKind == JsonValueKind.True,
            Group = One("--group"), Constraints = Many("--constraint"), Labels = Many("--label"),
            UnclosedQuote = RepeatedParameter.HasUnclosedQuote(command, directive),
            StrayWords = RepeatedParameter.StrayWords(command, directive),
            // An option written without its value (`--spark-home` at the end of the line) arrives as "", not as absent.
            EmptyOptions = (options ?? new Dictionary<string, JsonElement>()).Where(kv => kv.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                                             && (Strings(kv.Value) ?? []).All(string.IsNullOrWhiteSpace)
                                             && (Strings(kv.Value) ?? []).Count > 0)
                .Select(kv => kv.Key)
                .Concat(RepeatedParameter.OptionsWithoutValue(command, directive))
                .Select(SparkConnectOptions.OptionName).Distinct().ToArray(),
        };
    }

    public static IReadOnlyList<string>? Strings(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()).ToArray(),
        { } single => [single.ToString()],
    };
}

/// <summary><c>#!spark-connect --name N (--url sc://... | --launcher local | --launcher docker | --launcher marathon) ...</c>: declared here, handled by <see cref="SparkConnectHandler"/>.</summary>
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
    private readonly SparkConnectHandler _handler;

    public ConnectSparkDirective(SparkConnectHandler handler)
        : base("spark", "Connects to Spark (an existing Spark Connect server, or one it starts) and declares a C# variable holding the session")
    {
        _handler = handler;
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
        if (!await _handler.ConnectAsync(connectCommand, connectCommand.ToValues(), context, addSqlKernel: false).ConfigureAwait(false))
        {
            return [];
        }

        var root = (context.HandlingKernel ?? Kernel.Root)?.RootKernel as CompositeKernel;
        return root?.FindKernelByName(name) is SparkSqlKernel ? [] : [new SparkSqlKernel(name, _handler.Sessions.Registry)];
    }
}

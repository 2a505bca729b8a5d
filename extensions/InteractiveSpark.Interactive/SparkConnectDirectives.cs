using System.Text.Json;
using System.Text.Json.Serialization;
using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Connection;
using Microsoft.DotNet.Interactive.Directives;

namespace InteractiveSpark.Interactive;

/// <summary>The options <c>#!spark-connect</c> and <c>#!connect spark</c> share (not the name).</summary>
internal static class SparkConnectParameters
{
    /// <summary>The options declared once in kernel/ (<see cref="SparkConnectValues.Options"/>), as .NET Interactive parameters.</summary>
    /// <remarks><paramref name="sessionNames"/> completes the options whose value is an open session's name (<c>--fork</c>).</remarks>
    public static IEnumerable<KernelDirectiveParameter> Create(Func<IEnumerable<string>> sessionNames) => SparkConnectValues.Options.Select(option =>
    {
        // URLs hold ':' and '/': the parser must take them as text, not as a kernel or value reference.
        var parameter = option.Name is "--url" or "--marathon"
            ? new KernelDirectiveParameter(option.Name, option.Description) { Flag = option.IsFlag, MaxOccurrences = option.MaxOccurrences, TypeHint = "text" }
            : new KernelDirectiveParameter(option.Name, option.Description) { Flag = option.IsFlag, MaxOccurrences = option.MaxOccurrences };
        return option.IsSessionName ? parameter.AddCompletions(sessionNames)
            : option.Completions.Count > 0 ? parameter.AddCompletions(() => option.Completions)
            : parameter;
    });
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
    /// <summary>The raw values from the bound options; repeatable ones (<c>--conf</c>, <c>--constraint</c>, <c>--label</c>) and the line's mistakes from the directive's line (<see cref="DirectiveLine"/>).</summary>
    public static SparkConnectValues From(KernelCommand command, string directive, string nameParameter, string? name, IReadOnlyDictionary<string, JsonElement>? options)
    {
        // Keys as bound ("driverMemory", "driver-memory" or "--driver-memory"): compared without dashes and case.
        var byKey = (options ?? new Dictionary<string, JsonElement>()).ToDictionary(kv => kv.Key.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), kv => kv.Value);
        var line = DirectiveLine.Find(command, directive, nameParameter, name, SparkConnectValues.Options.Where(o => o.IsFlag).Select(o => o.Name));
        string? One(string option) => byKey.TryGetValue(option.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), out var v) ? Strings(v)?.LastOrDefault() : null;
        IReadOnlyList<string>? Many(string option) => line is not null
            ? line.Values(option)
            : byKey.TryGetValue(option.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), out var v) ? Strings(v) : null;
        return new SparkConnectValues
        {
            Name = name, Url = One("--url"), Launcher = One("--launcher"), SparkHome = One("--spark-home"), Master = One("--master"),
            DriverMemory = One("--driver-memory"), Conf = Many("--conf"), StartupTimeout = One("--startup-timeout"),
            Image = One("--image"), Cpus = One("--cpus"), Memory = One("--memory"), Executors = One("--executors"),
            IdleTimeout = One("--idle-timeout"), Prefix = One("--prefix"),
            Marathon = One("--marathon"),
            AllowHttpMarathon = byKey.TryGetValue("allowhttpmarathon", out var allowHttp) && allowHttp.ValueKind == JsonValueKind.True,
            KeepAlive = byKey.TryGetValue("keepalive", out var keepAlive) && keepAlive.ValueKind == JsonValueKind.True,
            Attach = byKey.TryGetValue("attach", out var attach) && attach.ValueKind == JsonValueKind.True,
            Fork = One("--fork"),
            Group = One("--group"), Constraints = Many("--constraint"), Labels = Many("--label"),
            UnclosedQuote = line?.UnclosedQuote ?? false,
            StrayWords = line?.StrayWords ?? [],
            // An option written without its value (`--spark-home` at the end of the line) arrives as "", not as absent.
            EmptyOptions = (options ?? new Dictionary<string, JsonElement>()).Where(kv => kv.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                                             && (Strings(kv.Value) ?? []).All(string.IsNullOrWhiteSpace)
                                             && (Strings(kv.Value) ?? []).Count > 0)
                .Select(kv => kv.Key)
                .Concat(line?.OptionsWithoutValue ?? [])
                .Select(MagicLine.OptionName).Distinct().ToArray(),
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

    public static KernelActionDirective Create(Func<IEnumerable<string>> sessionNames)
    {
        var directive = new KernelActionDirective(Name)
        {
            Description = "Connects to Spark (an existing Spark Connect server, or one it starts) and declares a C# variable holding the session",
        };
        directive.Parameters.Add(new KernelDirectiveParameter("--name", "The session's name: the C# variable that will hold it") { Required = true });
        foreach (var parameter in SparkConnectParameters.Create(sessionNames))
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
        foreach (var parameter in SparkConnectParameters.Create(() => handler.Sessions.All.Select(s => s.Name)))
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

using System.Reflection;
using System.Runtime.CompilerServices;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;

namespace InteractiveSpark.Interactive;

/// <summary>
/// Loads InteractiveSpark into a .NET Interactive kernel: the package's <c>interactive-extensions/dotnet/extension.dib</c>
/// calls <see cref="LoadAsync"/> when a notebook runs <c>#r "nuget: InteractiveSpark.Interactive"</c>.
/// </summary>
public static class SparkKernelExtension
{
    private static readonly ConditionalWeakTable<CompositeKernel, NotebookSparkSessions> Loaded = new();

    /// <summary>The package version, as the load line shows it.</summary>
    public static string Version { get; } =
        typeof(SparkKernelExtension).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The one line printed on load.</summary>
    public static string LoadedMessage =>
        $"InteractiveSpark {Version} loaded: added #!spark-connect --name N (--url sc://host:port | --launcher local | --launcher docker | --launcher marathon --marathon URL), #!connect spark --kernel-name N, #!spark-sessions, #!spark-stop --name N, #!spark-ui --name N, #!spark-logs --name N, #!kafka-sample --bootstrap B --topic T, #!kafka-stream --session N --topic T; a session N adds a Spark SQL kernel #!N; DataFrames and rows display as paged tables (await df.DisplayAsync() shows progress).";

    /// <summary>Registers the magics on the notebook's root kernel and prints one line saying what it added.</summary>
    public static Task LoadAsync(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var root = kernel as CompositeKernel ?? kernel.RootKernel as CompositeKernel
            ?? throw new ArgumentException("InteractiveSpark loads into a notebook's composite kernel.", nameof(kernel));
        string? logProblem = null;
        lock (Loaded)
        {
            if (Loaded.TryGetValue(root, out _))
            {
                KernelInvocationContext.Current?.DisplayAs($"InteractiveSpark {Version} is already loaded.", "text/plain");
                return Task.CompletedTask;
            }

            // Code cells can then name the library's types (`SparkSession dev`, `using InteractiveSpark.SparkConnect;`), and the
            // handler can declare variables of those types, however the package was loaded (#r nuget, or a dll path).
            foreach (var csharp in root.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>())
            {
                csharp.AddAssemblyReferences(
                    new[] { typeof(SparkSession), typeof(LocalSparkServer), typeof(SparkKernelExtension), typeof(Rendering.TablePreview) }.Select(t => t.Assembly.Location));
            }

            var sessions = new NotebookSparkSessions();
            logProblem = sessions.LogProblem;
            Loaded.Add(root, sessions);
            root.RegisterForDisposal(sessions);
            var handler = new SparkConnectHandler(sessions);
            root.AddDirective<SparkConnectCommand>(
                SparkConnectDirective.Create(() => sessions.All.Select(s => s.Name)),
                (command, context) => handler.ConnectAsync(command, command.ToValues(), context));
            root.AddConnectDirective(new ConnectSparkDirective(handler));
            SparkSessionMagics.Add(root, sessions);
            SparkToolMagics.Add(root, sessions);
            KafkaMagics.Add(root, sessions);
            SparkFormatters.Register();
            MlChartFormatters.Register();
        }

        KernelInvocationContext.Current?.DisplayAs(LoadedMessage, "text/plain");
        if (logProblem is not null)
        {
            KernelInvocationContext.Current?.DisplayAs(logProblem, "text/plain");
        }

        return Task.CompletedTask;
    }

    /// <summary>The sessions a notebook kernel opened (for the other magics and for tests).</summary>
    internal static NotebookSparkSessions? SessionsOf(Kernel kernel) =>
        (kernel as CompositeKernel ?? kernel.RootKernel as CompositeKernel) is { } root && Loaded.TryGetValue(root, out var s) ? s : null;
}

using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The one handler behind <c>#!spark-connect</c> and <c>#!connect spark</c>: validates the options, starts the server
/// when asked (local process or Docker container), connects, declares the C# variable, and reports progress in one line that ends as
/// "name: Spark version, where, session id, UI".
/// </summary>
internal sealed class SparkConnectHandler(NotebookSparkSessions sessions)
{
    /// <summary>The notebook's sessions.</summary>
    public NotebookSparkSessions Sessions => sessions;

    /// <summary>Connects; when <paramref name="addSqlKernel"/> is true also adds the session's <c>#!N</c> SQL kernel to the root kernel.</summary>
    public async Task<bool> ConnectAsync(KernelCommand command, SparkConnectValues values, KernelInvocationContext context, bool addSqlKernel = true)
    {
        SparkConnectOptions options;
        try
        {
            options = SparkConnectOptions.Parse(values);
        }
        catch (SparkMagicException e)
        {
            context.Fail(command, message: e.Message);
            return false;
        }

        var csharp = FindCSharpKernel(context);
        if (csharp is null)
        {
            context.Fail(command, message: "#!spark-connect needs the C# kernel (to declare the session's variable); this notebook has none.");
            return false;
        }

        var root = (context.HandlingKernel ?? Kernel.Root)?.RootKernel as CompositeKernel;
        var existing = root?.FindKernelByName(options.Name);
        if (existing is not null and not SparkSqlKernel)
        {
            context.Fail(command, message: $"'{options.Name}' is already the name of the {existing.Name} kernel in this notebook; choose another --name.");
            return false;
        }

        if (!sessions.Registry.TryReserve(options.Name))
        {
            context.Fail(command, message: $"A Spark session named '{options.Name}' is already open in this notebook; choose another --name.");
            return false;
        }

        // Launcher lines of this connect carry the session's name; the client's own lines its session id.
        using var logScope = InteractiveSpark.Logging.ProductLog.BeginSession(options.Name);
        var progress = new ProgressLine(context, options.Name);
        LocalSparkServer? server = null;
        IAsyncDisposable? container = null;
        SparkSession? session = null;
        try
        {
            var cancellation = context.CancellationToken;
            SparkConnectionString connectionString;
            string where;
            string? uiUrl = null;
            var sessionOptions = SparkSessionOptions.Default;
            if (options.Launcher is SparkLauncher.Docker or SparkLauncher.Marathon)
            {
                var gateway = await StartBehindGatewayAsync(options, new InlineProgress(p => progress.Phase(p)), cancellation).ConfigureAwait(false);
                container = gateway;
                connectionString = gateway.ConnectionString;
                sessionOptions = gateway.SessionOptions;
                where = gateway.Description;
                uiUrl = gateway.UiUri.ToString();
            }
            else if (options.Launcher == SparkLauncher.Local)
            {
                var master = options.Master ?? "local[2]";
                progress.Phase($"starting a local Spark Connect server (master {master})");
                server = await LocalSparkServer.StartAsync(
                    new LocalSparkServerOptions
                    {
                        SparkHome = options.SparkHome,
                        Master = master,
                        DriverMemory = options.DriverMemory ?? "2g",
                        Conf = options.Conf,
                        StartupTimeout = options.StartupTimeout,
                        LoggerFactory = sessions.LoggerFactory,
                    },
                    cancellation).ConfigureAwait(false);
                connectionString = server.ConnectionString;
                where = $"local process {server.ProcessId.ToString(CultureInfo.InvariantCulture)} ({master})";
                uiUrl = server.UiPort is { } ui ? $"http://localhost:{ui.ToString(CultureInfo.InvariantCulture)}" : null;
            }
            else
            {
                connectionString = options.Url!;
                where = $"sc://{connectionString.Host}:{connectionString.Port.ToString(CultureInfo.InvariantCulture)}{(connectionString.UseSsl ? " (TLS)" : "")}";
            }

            progress.Phase($"connecting to sc://{connectionString.Host}:{connectionString.Port.ToString(CultureInfo.InvariantCulture)}");
            session = await SparkSession.ConnectAsync(
                connectionString,
                sessionOptions with { ConnectTimeout = options.StartupTimeout, LoggerFactory = sessions.LoggerFactory },
                cancellation).ConfigureAwait(false);
            var version = await session.VersionAsync(cancellation).ConfigureAwait(false);
            uiUrl ??= await AdvertisedUiAsync(session, connectionString, cancellation).ConfigureAwait(false);

            await csharp.SetValueAsync(options.Name, session, typeof(SparkSession)).ConfigureAwait(false);
            sessions.Registry.Complete(new OpenSparkSession(
                options.Name, options.Launcher.ToString().ToLowerInvariant(), where, version, session, server, uiUrl, container));
            if (addSqlKernel && root is not null && existing is null)
            {
                // The `#!N` Spark SQL kernel. After #!spark-stop and a new connect under the same name, the kernel that
                // exists already finds the new session by name.
                root.Add(new SparkSqlKernel(options.Name, sessions.Registry));
            }

            progress.Done(
                $"{options.Name}: Spark {version}, {where}, session {session.SessionId}, "
                + (uiUrl is null ? "no Spark UI advertised" : $"Spark UI {uiUrl}"));
            return true;
        }
        catch (Exception e)
        {
            sessions.Registry.Release(options.Name);
            progress.Failed();
            await StopQuietlyAsync(session, server, container).ConfigureAwait(false);
            context.Fail(command, message: Describe(e, options));
            return false;
        }
    }

    /// <summary>Starts a driver behind the gateway with the launcher the options name (Docker or Marathon).</summary>
    private Task<IGatewaySession> StartBehindGatewayAsync(SparkConnectOptions options, IProgress<string> progress, CancellationToken cancellation)
    {
        if (options.Launcher == SparkLauncher.Docker)
        {
            var launcher = new DockerSparkLauncher(new DockerSparkLauncherOptions
            {
                Image = options.Image ?? new DockerSparkLauncherOptions().Image,
                Name = options.Name,
                NamePrefix = options.Prefix ?? "ispark",
                Cpus = options.Cpus,
                Memory = options.Memory,
                DriverMemory = options.DriverMemory,
                Executors = options.Executors,
                Conf = options.Conf,
                StartupTimeout = options.StartupTimeout,
                IdleTimeout = options.IdleTimeout ?? TimeSpan.FromMinutes(30),
                LoggerFactory = sessions.LoggerFactory,
            });
            return Started(launcher.StartAsync(progress, cancellation));
        }

        var defaults = new MarathonSparkLauncherOptions { Marathon = options.Marathon! };
        var marathon = new MarathonSparkLauncher(defaults with
        {
            Image = options.Image ?? defaults.Image,
            Name = options.Name,
            Group = options.Group ?? defaults.Group,
            Cpus = options.Cpus ?? defaults.Cpus,
            Memory = options.Memory ?? defaults.Memory,
            DriverMemory = options.DriverMemory,
            Executors = options.Executors,
            Constraints = options.Constraints,
            Labels = options.Labels,
            Conf = options.Conf,
            StartupTimeout = options.StartupTimeout,
            IdleTimeout = options.IdleTimeout ?? defaults.IdleTimeout,
            LoggerFactory = sessions.LoggerFactory,
        });
        return Started(marathon.StartAsync(progress, cancellation));

        static async Task<IGatewaySession> Started<T>(Task<T> start) where T : IGatewaySession => await start.ConfigureAwait(false);
    }

    private static string Describe(Exception e, SparkConnectOptions options) => e switch
    {
        OperationCanceledException => $"{options.Name}: cancelled; nothing was left running.",
        SparkException or InvalidOperationException or SparkMagicException or TimeoutException => $"{options.Name}: {e.Message}",
        _ => $"{options.Name}: {e.GetType().Name}: {e.Message}",
    };

    /// <summary>The UI of a server the notebook did not start, from its settings: http://host:spark.ui.port, or null.</summary>
    private static async Task<string?> AdvertisedUiAsync(SparkSession session, SparkConnectionString connection, CancellationToken cancellation)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var enabled = await session.Conf.GetAsync("spark.ui.enabled", "true", timeout.Token).ConfigureAwait(false);
            var port = await session.Conf.GetAsync("spark.ui.port", "4040", timeout.Token).ConfigureAwait(false);
            return string.Equals(enabled, "true", StringComparison.OrdinalIgnoreCase) && int.TryParse(port, CultureInfo.InvariantCulture, out var p) && p > 0
                ? $"http://{connection.Host}:{p.ToString(CultureInfo.InvariantCulture)}"
                : null;
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException)
        {
            return null; // The line then says no UI is advertised; the session itself works.
        }
    }

    private static async Task StopQuietlyAsync(SparkSession? session, LocalSparkServer? server, IAsyncDisposable? container)
    {
        try
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The connect already failed; that error is the one to show.
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            if (container is not null)
            {
                await container.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reports progress on the calling thread (Progress&lt;T&gt; would post to a synchronization context).</summary>
    private sealed class InlineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    private static CSharpKernel? FindCSharpKernel(KernelInvocationContext context)
    {
        var root = (context.HandlingKernel ?? Kernel.Root)?.RootKernel;
        return root?.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>().FirstOrDefault();
    }

    /// <summary>One line in the cell that shows the current phase and the time spent, updated in place.</summary>
    private sealed class ProgressLine : IDisposable
    {
        private readonly string name;
        private readonly DisplayedValue display;
        private readonly Stopwatch watch = Stopwatch.StartNew();
        private readonly Timer timer;
        private readonly Lock gate = new();
        private string phase = "starting";
        private bool finished;

        public ProgressLine(KernelInvocationContext context, string name)
        {
            this.name = name;
            display = KernelInvocationContextExtensions.Display(context, $"{name}: {phase}…", "text/plain");
            timer = new Timer(_ => Refresh(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }

        public void Phase(string text)
        {
            lock (gate)
            {
                phase = text;
            }

            Refresh();
        }

        public void Done(string line) => Finish(line);

        public void Failed() => Finish($"{name}: failed after {Elapsed()} (see below)");

        public void Dispose() => timer.Dispose();

        private void Finish(string line)
        {
            lock (gate)
            {
                finished = true;
                timer.Dispose();
                display.Update(line);
            }
        }

        private void Refresh()
        {
            lock (gate)
            {
                if (!finished)
                {
                    display.Update($"{name}: {phase}… {Elapsed()}");
                }
            }
        }

        private string Elapsed() => $"{watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
    }
}

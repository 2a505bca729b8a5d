using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.Magics;
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
    private int _hinted;

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

        var parent = options.Fork is { } forkOf ? sessions.Registry.Find(forkOf) : null;
        if (options.Fork is not null && parent is null)
        {
            sessions.Registry.Release(options.Name);
            context.Fail(command, message: MagicText.NoSessionToFork(options.Fork, sessions.All.Select(s => s.Name)));
            return false;
        }

        // The first connect of a kernel names the sessions an earlier kernel left (cheap: records and process ids only).
        var hint = !options.Attach && parent is null && Interlocked.Exchange(ref _hinted, 1) == 0
            ? OpenSparkSession.AttachableHint(SessionRecordStore.Default, sessions.All.Select(s => s.Name).Append(options.Name))
            : null;

        // Launcher lines of this connect carry the session's name; the client's own lines its session id.
        using var logScope = InteractiveSpark.Logging.ProductLog.BeginSession(options.Name);
        var progress = new ProgressLine(context, options.Name, parent is not null ? $"forking {parent.Name}" : options.Attach ? "attaching" : "starting");
        try
        {
            var open = parent is not null
                ? await parent.ForkAsync(options.Name, options.Conf, context.CancellationToken).ConfigureAwait(false)
                : options.Attach
                ? await OpenSparkSession.AttachAsync(options.Name, SessionRecordStore.Default, options.StartupTimeout, sessions.LoggerFactory, context.CancellationToken)
                    .ConfigureAwait(false)
                : await OpenSparkSession.OpenAsync(
                    options.ToLaunch(), new InlineProgress(p => progress.Phase(p)), sessions.LoggerFactory, context.CancellationToken, SessionRecordStore.Default)
                    .ConfigureAwait(false);
            try
            {
                await csharp.SetValueAsync(options.Name, open.Session, typeof(SparkSession)).ConfigureAwait(false);
            }
            catch
            {
                await (open.IsAttached ? open.DetachAsync() : open.StopAsync()).ConfigureAwait(false);
                throw;
            }

            sessions.Registry.Complete(open);
            if (addSqlKernel && root is not null && existing is null)
            {
                // The `#!N` Spark SQL kernel. After #!spark-stop and a new connect under the same name, the kernel that
                // exists already finds the new session by name.
                root.Add(new SparkSqlKernel(options.Name, sessions.Registry));
            }

            progress.Done(open.ForkedFrom is not null ? open.ForkedLine()
                : open.IsAttached
                ? string.Join('\n', open.AttachedLines())
                : $"{options.Name}: Spark {open.SparkVersion}, {open.Where}, session {open.Session.SessionId}, "
                  + (open.UiUri is { } ui ? $"Spark UI {ui}" : "no Spark UI advertised"));
            if (hint is not null)
            {
                KernelInvocationContextExtensions.Display(context, hint, "text/plain");
            }

            return true;
        }
        catch (Exception e)
        {
            sessions.Registry.Release(options.Name);
            progress.Failed();
            context.Fail(command, message: MagicText.ConnectFailed(options.Name, e));
            return false;
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
        private readonly string _name;
        private readonly DisplayedValue _display;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly Timer _timer;
        private readonly Lock _gate = new();
        private string _phase;
        private bool _finished;

        public ProgressLine(KernelInvocationContext context, string name, string phase)
        {
            _name = name;
            _phase = phase;
            _display = KernelInvocationContextExtensions.Display(context, $"{name}: {_phase}…", "text/plain");
            _timer = new Timer(_ => Refresh(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }

        public void Phase(string text)
        {
            lock (_gate)
            {
                _phase = text;
            }

            Refresh();
        }

        public void Done(string line) => Finish(line);

        public void Failed() => Finish($"{_name}: failed after {Elapsed()} (see below)");

        public void Dispose() => _timer.Dispose();

        private void Finish(string line)
        {
            lock (_gate)
            {
                _finished = true;
                _timer.Dispose();
                _display.Update(line);
            }
        }

        private void Refresh()
        {
            lock (_gate)
            {
                if (!_finished)
                {
                    _display.Update($"{_name}: {_phase}… {Elapsed()}");
                }
            }
        }

        private string Elapsed() => $"{_watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
    }
}

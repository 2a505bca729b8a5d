using System.Text;
using InteractiveSpark.Jupyter.Display;
using InteractiveSpark.Magics;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// The magics of a cell on this kernel, as the .NET Interactive extension has them, so that a notebook written for one
/// host runs on the other: <c>#!spark-connect</c> / <c>#!connect spark</c> (options parsed and validated by
/// kernel/InteractiveSpark.Magics, the same code the extension calls, so every mistake reads the same), <c>#!NAME</c>
/// cells in Spark SQL on the session NAME, <c>#!spark-sessions</c>, <c>#!spark-stop</c>, <c>#!csharp</c>, and the tool and
/// Kafka magics (<c>SparkMagicCells.Tools.cs</c>). Magic lines
/// come first in a cell; what follows them is C#. A magic this kernel does not have is one line saying so.
/// </summary>
internal sealed partial class SparkMagicCells(CSharpCells cells, ILoggerFactory? loggerFactory)
{
    /// <summary>How long a SQL cell runs before its progress line appears (fast queries show none).</summary>
    private static readonly TimeSpan ShowProgressAfter = TimeSpan.FromSeconds(1);

    private readonly HashSet<string> _everConnected = new(StringComparer.Ordinal);
    private int _hinted;

    /// <summary>The sessions the cells opened; stopped with the kernel.</summary>
    public SparkSessionRegistry Registry { get; } = new();

    /// <summary>Where sessions are recorded for a later <c>--attach</c> (ISPARK_SESSIONS_DIR, else the state folder).</summary>
    private static SessionRecordStore Records => SessionRecordStore.Default;

    /// <summary>
    /// The cell's C# with its leading magic lines blanked (line numbers stay those of the cell), or null for a SQL cell
    /// (<c>#!NAME</c> of a session) whose text is not C# at all.
    /// </summary>
    public string? CSharpPart(string code)
    {
        var lines = Lines(code);
        var i = 0;
        for (; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length > 0 && !line.StartsWith("#!", StringComparison.Ordinal))
            {
                break;
            }

            if (IsSqlMagic(MagicWord(line)))
            {
                return null;
            }
        }

        return i == 0 ? code : CSharpFrom(lines, i);
    }

    /// <summary>Runs the cell's magics and then its C#; null when the cell has no magic (it is plain C#).</summary>
    public async Task<CellOutcome?> TryExecuteAsync(string code, ICellOutput output, CancellationToken cancellation)
    {
        var lines = Lines(code);
        var i = 0;
        var any = false;
        for (; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith("#!", StringComparison.Ordinal))
            {
                break;
            }

            any = true;
            var magic = MagicWord(line);
            if (magic is "#!csharp" or "#!c#" or "#!C#")
            {
                i++;
                break;
            }

            if (IsSqlMagic(magic))
            {
                return await SqlAsync(magic[2..], line, string.Join('\n', lines.Skip(i + 1)), output, cancellation).ConfigureAwait(false);
            }

            var outcome = magic switch
            {
                "#!spark-connect" => await ConnectAsync(line, output, cancellation).ConfigureAwait(false),
                "#!connect" when MagicLine.Tokenize(line) is [_, "spark", ..] => await ConnectAsync(line, output, cancellation).ConfigureAwait(false),
                "#!connect" => Refused("#!connect on this kernel connects Spark: #!connect spark --kernel-name dev --launcher local (or use #!spark-connect)."),
                "#!spark-sessions" => await SessionsAsync(line, output, cancellation).ConfigureAwait(false),
                "#!spark-stop" => await StopAsync(line, output).ConfigureAwait(false),
                SparkUiMagic.Name => await UiAsync(line, output, cancellation).ConfigureAwait(false),
                SparkLogsMagic.Name => await LogsAsync(line, output, cancellation).ConfigureAwait(false),
                KafkaSampleMagic.Name => await KafkaSampleAsync(line, output, cancellation).ConfigureAwait(false),
                KafkaStreamMagic.Name => await KafkaStreamAsync(line, output, cancellation).ConfigureAwait(false),
                "#!set" => await SetAsync(line, output, cancellation).ConfigureAwait(false),
                "#!share" => Share(line),
                _ => Refused(
                    $"Unknown magic {MagicText.Shown(magic)}: this kernel has #!spark-connect, #!connect spark, #!spark-sessions, #!spark-stop, #!spark-ui, #!spark-logs, #!kafka-sample, #!kafka-stream, #!set, #!share, #!csharp, and #!NAME for SQL on an open session NAME."),
            };
            if (outcome.ErrorName is not null)
            {
                return outcome;
            }
        }

        if (!any)
        {
            return null;
        }

        var csharp = CSharpFrom(lines, i);
        return string.IsNullOrWhiteSpace(csharp) ? CellOutcome.Ok : await cells.RunCSharpAsync(csharp, output, cancellation).ConfigureAwait(false);
    }

    private static string[] Lines(string code) => code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    /// <summary>The cell from line <paramref name="first"/> on, the lines before it blank: compile errors keep the cell's line numbers.</summary>
    private static string CSharpFrom(string[] lines, int first) => new string('\n', first) + string.Join('\n', lines.Skip(first));

    private static string MagicWord(string line)
    {
        var end = line.IndexOfAny([' ', '\t']);
        return end < 0 ? line : line[..end];
    }

    private bool IsSqlMagic(string magic) => magic.Length > 2 && (Registry.Contains(magic[2..]) || _everConnected.Contains(magic[2..]));

    private async Task<CellOutcome> ConnectAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        var words = MagicLine.Tokenize(line);
        if (words.Any(w => w is "-h" or "--help" or "-?"))
        {
            output.Stream("stdout", Help());
            return CellOutcome.Ok;
        }

        SparkConnectOptions options;
        try
        {
            options = SparkConnectOptions.Parse(SparkConnectValues.FromLine(line, cells.Variable));
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }

        if (!Registry.TryReserve(options.Name))
        {
            return Refused($"A Spark session named '{options.Name}' is already open in this notebook; choose another --name.");
        }

        var parent = options.Fork is { } forkOf ? Registry.Find(forkOf) : null;
        if (options.Fork is not null && parent is null)
        {
            Registry.Release(options.Name);
            return Refused(MagicText.NoSessionToFork(options.Fork, Registry.All.Select(s => s.Name)));
        }

        // The first connect of a kernel names the sessions an earlier kernel left (cheap: records and process ids only).
        var hint = !options.Attach && parent is null && Interlocked.Exchange(ref _hinted, 1) == 0
            ? OpenSparkSession.AttachableHint(Records, Registry.All.Select(s => s.Name).Append(options.Name))
            : null;

        // Launcher lines of this connect carry the session's name; the client's own lines its session id.
        using var logScope = Logging.ProductLog.BeginSession(options.Name);
        using var progress = new CellProgress(output, options.Name, TimeSpan.Zero);
        progress.Report(parent is not null ? $"forking {parent.Name}" : options.Attach ? "attaching" : "starting");
        try
        {
            var open = parent is not null
                ? await parent.ForkAsync(options.Name, options.Conf, cancellation).ConfigureAwait(false)
                : options.Attach
                ? await OpenSparkSession.AttachAsync(options.Name, Records, options.StartupTimeout, loggerFactory, cancellation).ConfigureAwait(false)
                : await OpenSparkSession.OpenAsync(options.ToLaunch(), progress, loggerFactory, cancellation, Records).ConfigureAwait(false);
            var declared = await cells.DeclareAsync(options.Name, open.Session, "global::InteractiveSpark.SparkConnect.SparkSession", cancellation).ConfigureAwait(false);
            if (declared.ErrorName is not null)
            {
                await (open.IsAttached ? open.DetachAsync() : open.StopAsync()).ConfigureAwait(false);
                Registry.Release(options.Name);
                progress.Finish($"{options.Name}: failed after {progress.Elapsed} (see below)", always: true);
                return declared;
            }

            Registry.Complete(open);
            _everConnected.Add(options.Name);
            progress.Finish(
                open.ForkedFrom is not null ? open.ForkedLine()
                : open.IsAttached
                    ? string.Join('\n', open.AttachedLines())
                    : $"{options.Name}: Spark {open.SparkVersion}, {open.Where}, session {open.Session.SessionId}, "
                      + (open.UiUri is { } ui ? $"Spark UI {ui}" : "no Spark UI advertised"),
                always: true);
            if (hint is not null)
            {
                output.Stream("stdout", hint + "\n");
            }

            return CellOutcome.Ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Registry.Release(options.Name);
            progress.Finish($"{options.Name}: failed after {progress.Elapsed} (see below)", always: true);
            return e is OperationCanceledException
                ? CellOutcome.Error("Interrupted", MagicText.ConnectFailed(options.Name, e))
                : Refused(MagicText.ConnectFailed(options.Name, e));
        }
    }

    private async Task<CellOutcome> SqlAsync(string name, string line, string sql, ICellOutput output, CancellationToken cancellation)
    {
        var magic = MagicLine.Parse(line);
        if (magic.UnclosedQuote || magic.StrayWords.Count > 0 || magic.OptionsWithoutValue.Count > 0 || magic.UnknownOptions(["--name"]).Count > 0)
        {
            return Refused($"#!{name} takes one option, --name x: it keeps the shown rows as the C# variable x (e.g. #!{name} --name sales).");
        }

        var resultName = magic.Value("--name");
        if (resultName is not null && !CSharpNames.IsVariableName(resultName))
        {
            return Refused($"'{MagicText.Shown(resultName)}' cannot be a C# variable name: use letters, digits and _ (not starting with a digit, not a keyword), e.g. --name sales.");
        }

        var open = Registry.Find(name);
        if (open is null)
        {
            return Refused($"The Spark session '{name}' is not open (it was stopped, or its connect failed); open it again with #!spark-connect --name {name} ...");
        }

        // #!set lines at the top of a SQL cell give it C# values as named parameters, as on the extension.
        var sqlLines = Lines(sql);
        var first = 0;
        for (; first < sqlLines.Length && (sqlLines[first].Trim().Length == 0 || sqlLines[first].TrimStart().StartsWith("#!set", StringComparison.Ordinal)); first++)
        {
            if (sqlLines[first].Trim().Length > 0)
            {
                var set = await SqlParameterAsync(name, sqlLines[first].Trim(), output, cancellation).ConfigureAwait(false);
                if (set.ErrorName is not null)
                {
                    return set;
                }
            }
        }

        sql = string.Join('\n', sqlLines.Skip(first)).Trim();
        if (sql.Length == 0)
        {
            return CellOutcome.Ok;
        }

        var parameters = SqlParameters.UsedBy(sql, _sqlParameters.GetValueOrDefault(name) ?? []);

        using var use = open.Use();
        using var progress = new CellProgress(output, name, ShowProgressAfter);
        TablePreview preview;
        try
        {
            var df = parameters.Count == 0
                ? await open.Session.SqlAsync(sql, cancellation).ConfigureAwait(false)
                : await open.Session.SqlAsync(sql, parameters, cancellation).ConfigureAwait(false);
            preview = await TablePreview.FetchAsync(df, DisplayFormatters.DataFrameRows, new ExecutionOptions { Progress = progress }, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            var message = $"{name}: cancelled after {progress.Elapsed}: the Spark operation is interrupted on the server.";

            // The error says it all; a progress line already shown only stops counting.
            progress.Finish($"{name}: interrupted after {progress.Elapsed}", always: false);
            return CellOutcome.Error("Interrupted", message);
        }
        catch (SparkException e)
        {
            progress.Finish($"{name}: failed after {progress.Elapsed}", always: false);
            return Refused($"{name}: {SparkErrorText.Describe(e)}", "SparkError");
        }

        progress.Finish($"{name}: done in {progress.Elapsed}", always: false);
        if (resultName is not null)
        {
            // A public list type: the client's collected rows are an internal column-backed list a script cannot name.
            var declared = await cells.DeclareAsync(resultName, preview.Rows.ToList(), "global::System.Collections.Generic.List<global::InteractiveSpark.SparkConnect.Row>", cancellation)
                .ConfigureAwait(false);
            if (declared.ErrorName is not null)
            {
                return declared;
            }
        }

        output.Result(DisplayFormatters.Format(preview, cancellation));
        return CellOutcome.Ok;
    }

    private async Task<CellOutcome> SessionsAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        var magic = MagicLine.Parse(line);
        var name = magic.Value("--name") ?? magic.StrayWords.FirstOrDefault();
        if (magic.UnknownOptions(["--name"]).Count > 0 || magic.StrayWords.Count > (magic.Value("--name") is null ? 1 : 0))
        {
            return Refused("#!spark-sessions takes at most a session's name: #!spark-sessions, or #!spark-sessions --name dev.");
        }

        IReadOnlyList<OpenSparkSession> shown = Registry.All;
        var left = await OpenSparkSession.ListAttachableAsync(Records, Registry.All.Select(s => s.Name), cancellation).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(name))
        {
            left = [.. left.Where(s => s.Record.Name == name.Trim())];
            shown = Registry.Find(name.Trim()) is { } one ? [one] : [];
            if (shown.Count == 0 && left.Count == 0)
            {
                return Refused(MagicText.NoSuchSession(name.Trim(), Registry.All.Select(s => s.Name)));
            }
        }

        var now = DateTimeOffset.Now;
        var html = (shown.Count > 0 || left.Count == 0 ? SessionsTable.ToHtml(shown, now) : "") + AttachableSessionsTable.ToHtml(left);
        var text = string.Join("\n\n", new[] { shown.Count > 0 || left.Count == 0 ? SessionsTable.ToText(shown, now) : "", AttachableSessionsTable.ToText(left) }.Where(t => t.Length > 0));
        output.Display(MimeBundle.Html(html, text));
        return CellOutcome.Ok;
    }

    private async Task<CellOutcome> StopAsync(string line, ICellOutput output)
    {
        var magic = MagicLine.Parse(line);
        var name = magic.Value("--name")?.Trim();
        if (string.IsNullOrEmpty(name) || magic.StrayWords.Count > 0 || magic.UnknownOptions(["--name"]).Count > 0)
        {
            return Refused("#!spark-stop takes the session's name: #!spark-stop --name dev (#!spark-sessions lists them).");
        }

        var open = Registry.Remove(name);
        if (open is null)
        {
            return Refused(MagicText.NoSuchSession(name, Registry.All.Select(s => s.Name)));
        }

        // Its forks run on its driver: they end with it.
        var forks = Registry.RemoveForks(open);
        var stopped = MagicText.Stopped(open, forks); // before the stop: what the driver owns is read from it
        try
        {
            await open.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or IOException or InvalidOperationException or OperationCanceledException or TimeoutException)
        {
            return Refused($"{name}: stopping failed ({e.Message}); the server, if any, was killed.");
        }

        output.Display(MimeBundle.Text(stopped));
        return CellOutcome.Ok;
    }

    private static string Help()
    {
        var text = new StringBuilder("#!spark-connect --name NAME (--url sc://host:port | --launcher local|docker|marathon | --attach | --fork SESSION) [options]\n")
            .Append("  --name  The session's name: the C# variable that will hold it\n");
        foreach (var option in SparkConnectValues.Options)
        {
            text.Append("  ").Append(option.Name).Append("  ").Append(option.Description).Append('\n');
        }

        return text.ToString();
    }

    private static CellOutcome Refused(string message, string name = "MagicError") => CellOutcome.Error(name, message);
}

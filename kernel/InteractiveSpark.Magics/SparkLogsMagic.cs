using System.Globalization;
using System.Text;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;

namespace InteractiveSpark.Magics;

/// <summary>
/// <c>#!spark-logs --name N [--driver | --executor K] [--tail 200] [--grep REGEX] [--follow] [--max-duration 10m]</c>:
/// the last lines of a session's driver or executor log, only those matching, or new lines as they come.
/// </summary>
public sealed class SparkLogsMagic
{
    /// <summary>The magic as typed.</summary>
    public const string Name = "#!spark-logs";

    /// <summary>What it does, as front ends describe it.</summary>
    public const string Description = "Shows a Spark session's driver or executor log: the last lines, only those matching a pattern, or new lines as they come";

    /// <summary>How long <c>--follow</c> runs unless <c>--max-duration</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxFollow = TimeSpan.FromMinutes(10);

    // A followed log is shown at most this often: a busy log must not flood the notebook with updates.
    private static readonly TimeSpan UpdateEvery = TimeSpan.FromMilliseconds(250);

    private SparkLogsMagic(string session, SessionLogRequest request, bool follow, TimeSpan maxFollow)
    {
        Session = session;
        Request = request;
        Follow = follow;
        MaxFollow = maxFollow;
    }

    /// <summary>The options, declared once for every host.</summary>
    public static IReadOnlyList<MagicOption> Options { get; } =
    [
        new("--name", "The session") { IsRequired = true, IsSessionName = true },
        new("--driver", "The driver's log (the default)") { IsFlag = true },
        new("--executor", "An executor's log, by its id (0, 1, ...)"),
        new("--tail", "How many of the last (matching) lines (default 200)"),
        new("--grep", "Only lines matching this .NET regular expression"),
        new("--follow", "Keep showing new lines until the cell is interrupted") { IsFlag = true },
        new("--max-duration", "How long --follow runs at most, e.g. 30s, 10m (default), 1h"),
    ];

    /// <summary>The usage line of <c>-h</c>.</summary>
    public static string Usage => $"{Name} --name N [--driver | --executor K] [--tail 200] [--grep REGEX] [--follow [--max-duration 10m]]";

    /// <summary>The session whose log is read.</summary>
    public string Session { get; }

    /// <summary>Which log, how many lines, which ones.</summary>
    public SessionLogRequest Request { get; }

    /// <summary>Whether new lines keep coming until the cell is interrupted or <see cref="MaxFollow"/>.</summary>
    public bool Follow { get; }

    /// <summary>How long <see cref="Follow"/> runs at most.</summary>
    public TimeSpan MaxFollow { get; }

    /// <summary>Reads the magic's values; a mistake is a <see cref="SparkMagicException"/> that says what to change.</summary>
    public static SparkLogsMagic Parse(IMagicValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var session = values.Value("--name")?.Trim() ?? "";
        if (session.Length == 0)
        {
            throw new SparkMagicException($"{Name} needs --name, the session whose log to show.");
        }

        var executor = values.Value("--executor")?.Trim();
        if (values.Flag("--driver") && executor is not null)
        {
            throw new SparkMagicException($"{Name} takes --driver or --executor K, not both.");
        }

        var tail = 200;
        if (values.Value("--tail") is { } t && (!int.TryParse(t.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail > SessionLogRequest.MaxTail))
        {
            throw new SparkMagicException($"--tail takes a number of lines from 0 to {SessionLogRequest.MaxTail.ToString(CultureInfo.InvariantCulture)} (got '{MagicText.Shown(t)}').");
        }

        var maxFollow = values.Value("--max-duration") is { } d ? MagicValues.Duration(d, "--max-duration") : DefaultMaxFollow;
        var request = new SessionLogRequest { Tail = tail, Grep = values.Value("--grep"), Executor = executor };
        try
        {
            request.Validate();
        }
        catch (SessionToolException e)
        {
            throw new SparkMagicException(e.Message, e);
        }

        return new SparkLogsMagic(session, request, values.Flag("--follow"), maxFollow);
    }

    /// <summary>The session's logs, or a <see cref="SparkMagicException"/> when the notebook did not start its server.</summary>
    public static ISessionLogs LogsOf(OpenSparkSession open)
    {
        ArgumentNullException.ThrowIfNull(open);
        return open.Logs()
            ?? throw new SparkMagicException($"{open.Name} was opened with --url: the notebook did not start its server, so it cannot read its logs (look where that server runs).");
    }

    /// <summary>The last lines asked for; a log that cannot be read is a <see cref="SparkMagicException"/>.</summary>
    public async Task<string> ReadAsync(ISessionLogs logs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(logs);
        try
        {
            return Text(await logs.ReadAsync(Request, cancellation).ConfigureAwait(false), null);
        }
        catch (SessionToolException e)
        {
            throw new SparkMagicException(e.Message, e);
        }
    }

    /// <summary>
    /// Shows new lines through <paramref name="show"/> (the latest window, at most every 250 ms) until the log ends,
    /// <paramref name="cancellation"/> (the cell is interrupted) or <see cref="MaxFollow"/>; the last text says which.
    /// </summary>
    public async Task FollowAsync(ISessionLogs logs, Action<string> show, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(show);
        var keep = Math.Max(Request.Tail, 500);
        var window = new Queue<string>();
        void Show(string status)
        {
            try
            {
                show(Text(window.ToArray(), status));
            }
            catch (ObjectDisposedException)
            {
                // The cell ended (interrupted) meanwhile.
            }
        }

        Show("following...");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(MaxFollow);
        var lastUpdate = DateTime.UtcNow;
        var ended = "the log ended (the server exited)";
        try
        {
            await using var lines = logs.FollowAsync(Request, limit.Token).GetAsyncEnumerator(limit.Token);
            while (true)
            {
                bool more;
                try
                {
                    more = await lines.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    more = false;
                }

                if (!more)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        ended = "stopped: the cell was interrupted";
                    }
                    else if (limit.IsCancellationRequested)
                    {
                        ended = $"stopped after --max-duration {ProgressText.Duration(MaxFollow)}";
                    }

                    break;
                }

                window.Enqueue(lines.Current);
                while (window.Count > keep)
                {
                    window.Dequeue();
                }

                if (DateTime.UtcNow - lastUpdate >= UpdateEvery)
                {
                    Show("following... (interrupt the cell to stop)");
                    lastUpdate = DateTime.UtcNow;
                }
            }
        }
        catch (SessionToolException e)
        {
            throw new SparkMagicException(e.Message, e);
        }

        Show(ended);
    }

    private string Text(IReadOnlyCollection<string> lines, string? status)
    {
        var sb = new StringBuilder();
        var which = Request.Executor is { } k ? $"executor {k}" : "driver";
        sb.Append(CultureInfo.InvariantCulture, $"{Session}: {which} log, {lines.Count} line{(lines.Count == 1 ? "" : "s")}")
            .Append(Request.Grep is { Length: > 0 } g ? $" matching /{g}/" : "")
            .Append(status is null ? "" : " - " + status)
            .Append('\n');
        foreach (var line in lines)
        {
            sb.Append(line).Append('\n');
        }

        return sb.ToString();
    }
}

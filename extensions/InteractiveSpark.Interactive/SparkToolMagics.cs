using System.Globalization;
using System.Net;
using System.Text;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary><c>#!spark-ui --name N</c>, bound by .NET Interactive.</summary>
public sealed class SparkUiCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>.</summary>
    public string? Name { get; set; }
}

/// <summary><c>#!spark-logs --name N [--driver | --executor K] [--tail 200] [--grep REGEX] [--follow] [--max-duration 10m]</c>, bound by .NET Interactive.</summary>
public sealed class SparkLogsCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>.</summary>
    public string? Name { get; set; }

    /// <summary><c>--driver</c> (the default).</summary>
    public bool Driver { get; set; }

    /// <summary><c>--executor</c>: an executor id.</summary>
    public string? Executor { get; set; }

    /// <summary><c>--tail</c>: how many of the last lines (default 200).</summary>
    public string? Tail { get; set; }

    /// <summary><c>--grep</c>: a .NET regular expression.</summary>
    public string? Grep { get; set; }

    /// <summary><c>--follow</c>: keep showing new lines until the cell is interrupted.</summary>
    public bool Follow { get; set; }

    /// <summary><c>--max-duration</c>: how long <c>--follow</c> runs at most (default 10m).</summary>
    public string? MaxDuration { get; set; }
}

/// <summary><c>#!spark-ui</c> and <c>#!spark-logs</c>: declared here; the work is done by <see cref="SessionTools"/> in InteractiveSpark.Sessions.</summary>
internal static class SparkToolMagics
{
    public const string UiName = "#!spark-ui";
    public const string LogsName = "#!spark-logs";
    public static readonly TimeSpan DefaultMaxFollow = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan UpdateEvery = TimeSpan.FromMilliseconds(250);

    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        var ui = new KernelActionDirective(UiName) { Description = "Shows a link to a Spark session's UI (for a Docker session, a one-time login link through its gateway)" };
        ui.Parameters.Add(new KernelDirectiveParameter("--name", "The session") { Required = true }.AddCompletions(() => sessions.All.Select(s => s.Name)));
        root.AddDirective<SparkUiCommand>(ui, (command, context) => UiAsync(command, context, sessions));

        var logs = new KernelActionDirective(LogsName) { Description = "Shows a Spark session's driver or executor log: the last lines, only those matching a pattern, or new lines as they come" };
        logs.Parameters.Add(new KernelDirectiveParameter("--name", "The session") { Required = true }.AddCompletions(() => sessions.All.Select(s => s.Name)));
        logs.Parameters.Add(new KernelDirectiveParameter("--driver", "The driver's log (the default)") { Flag = true });
        logs.Parameters.Add(new KernelDirectiveParameter("--executor", "An executor's log, by its id (0, 1, ...)"));
        logs.Parameters.Add(new KernelDirectiveParameter("--tail", "How many of the last (matching) lines (default 200)"));
        logs.Parameters.Add(new KernelDirectiveParameter("--grep", "Only lines matching this .NET regular expression"));
        logs.Parameters.Add(new KernelDirectiveParameter("--follow", "Keep showing new lines until the cell is interrupted") { Flag = true });
        logs.Parameters.Add(new KernelDirectiveParameter("--max-duration", "How long --follow runs at most, e.g. 30s, 10m (default), 1h"));
        root.AddDirective<SparkLogsCommand>(logs, (command, context) => LogsAsync(command, context, sessions));
    }

    private static OpenSparkSession? Find(KernelCommand command, string? name, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        name = name?.Trim() ?? "";
        if (sessions.Registry.Find(name) is { } open)
        {
            return open;
        }

        context.Fail(command, message: MagicText.NoSuchSession(name, sessions.All.Select(s => s.Name)));
        return null;
    }

    private static async Task UiAsync(SparkUiCommand command, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        if (Find(command, command.Name, context, sessions) is not { } open)
        {
            return;
        }

        if (open.Ui() is not { } ui)
        {
            context.Fail(command, message: $"{open.Name}: its server ({open.Where}) did not advertise a Spark UI.");
            return;
        }

        SessionUiLink link;
        try
        {
            link = await ui.GetLinkAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (SessionToolException e)
        {
            context.Fail(command, message: e.Message);
            return;
        }

        var url = link.Uri.ToString();
        var note = link.ExpiresIn is { } ttl
            ? $" (one-time login link: it expires in {Minutes(ttl)} and works once; run #!spark-ui again for a new one)"
            : "";
        var html = $"<a href=\"{WebUtility.HtmlEncode(url)}\" target=\"_blank\" rel=\"noopener\">Spark UI of {WebUtility.HtmlEncode(open.Name)}</a>{WebUtility.HtmlEncode(note)}";
        context.Publish(new DisplayedValueProduced(
            null,
            command,
            [new FormattedValue("text/html", html), new FormattedValue(PlainTextFormatter.MimeType, $"Spark UI of {open.Name}: {url}{note}")]));
    }

    private static string Minutes(TimeSpan ttl) =>
        ttl.TotalSeconds % 60 == 0 && ttl.TotalMinutes >= 1
            ? $"{ttl.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minute{(ttl.TotalMinutes == 1 ? "" : "s")}"
            : $"{ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds";

    private static async Task LogsAsync(SparkLogsCommand command, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        if (Find(command, command.Name, context, sessions) is not { } open)
        {
            return;
        }

        if (!TryRequest(command, out var request, out var maxFollow, out var error))
        {
            context.Fail(command, message: error);
            return;
        }

        if (open.Logs() is not { } logs)
        {
            context.Fail(command, message: $"{open.Name} was opened with --url: the notebook did not start its server, so it cannot read its logs (look where that server runs).");
            return;
        }

        try
        {
            if (!command.Follow)
            {
                var lines = await logs.ReadAsync(request, context.CancellationToken).ConfigureAwait(false);
                context.Publish(new DisplayedValueProduced(null, command, [new FormattedValue(PlainTextFormatter.MimeType, Text(open.Name, request, lines, null))]));
                return;
            }

            await FollowAsync(command, context, open.Name, logs, request, maxFollow).ConfigureAwait(false);
        }
        catch (SessionToolException e)
        {
            context.Fail(command, message: e.Message);
        }
    }

    private static async Task FollowAsync(
        SparkLogsCommand command, KernelInvocationContext context, string name, ISessionLogs logs, SessionLogRequest request, TimeSpan maxFollow)
    {
        var keep = Math.Max(request.Tail, 500);
        var window = new Queue<string>();
        var displayed = KernelInvocationContextExtensions.Display(context, Text(name, request, [], "following..."), PlainTextFormatter.MimeType);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        limit.CancelAfter(maxFollow);
        var lastUpdate = DateTime.UtcNow;
        void Show(string status)
        {
            try
            {
                displayed.Update(Text(name, request, window.ToArray(), status));
            }
            catch (ObjectDisposedException)
            {
                // The cell ended (interrupted) meanwhile.
            }
        }

        await using var lines = logs.FollowAsync(request, limit.Token).GetAsyncEnumerator(limit.Token);
        var ended = "the log ended (the server exited)";
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
                if (context.CancellationToken.IsCancellationRequested)
                {
                    ended = "stopped: the cell was interrupted";
                }
                else if (limit.IsCancellationRequested)
                {
                    ended = $"stopped after --max-duration {ProgressText.Duration(maxFollow)}";
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

        Show(ended);
    }

    private static string Text(string name, SessionLogRequest request, IReadOnlyCollection<string> lines, string? status)
    {
        var sb = new StringBuilder();
        var which = request.Executor is { } k ? $"executor {k}" : "driver";
        sb.Append(CultureInfo.InvariantCulture, $"{name}: {which} log, {lines.Count} line{(lines.Count == 1 ? "" : "s")}")
            .Append(request.Grep is { Length: > 0 } g ? $" matching /{g}/" : "")
            .Append(status is null ? "" : " - " + status)
            .Append('\n');
        foreach (var line in lines)
        {
            sb.Append(line).Append('\n');
        }

        return sb.ToString();
    }

    internal static bool TryRequest(SparkLogsCommand command, out SessionLogRequest request, out TimeSpan maxFollow, out string error)
    {
        request = new SessionLogRequest();
        maxFollow = DefaultMaxFollow;
        error = "";
        if (command.Driver && command.Executor is not null)
        {
            error = "#!spark-logs takes --driver or --executor K, not both.";
            return false;
        }

        var tail = 200;
        if (command.Tail is { } t && (!int.TryParse(t.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail > SessionLogRequest.MaxTail))
        {
            error = $"--tail takes a number of lines from 0 to {SessionLogRequest.MaxTail.ToString(CultureInfo.InvariantCulture)} (got '{t}').";
            return false;
        }

        if (command.MaxDuration is { } d && !TryDuration(d, out maxFollow))
        {
            error = $"--max-duration takes a duration such as 30s, 10m or 1h (got '{d}').";
            return false;
        }

        request = new SessionLogRequest { Tail = tail, Grep = command.Grep, Executor = command.Executor?.Trim() };
        try
        {
            request.Validate();
        }
        catch (SessionToolException e)
        {
            error = e.Message;
            return false;
        }

        return true;
    }

    private static bool TryDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        duration = default;
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1..] : "s";
        var number = unit == "s" && text.Length > 0 && !char.IsLetter(text[^1]) ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        duration = unit switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.Zero,
        };
        return duration > TimeSpan.Zero;
    }
}

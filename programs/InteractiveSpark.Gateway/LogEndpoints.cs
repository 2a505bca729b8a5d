using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Gateway;

/// <summary>
/// <c>/logs/driver</c> and <c>/logs/executor/{id}</c>: the last lines of a log file (<c>tail</c>, default 200),
/// only those matching <c>grep</c> (a .NET regular expression) when given, then with <c>follow=true</c> new lines as
/// they are written, until the client goes away. Plain UTF-8 text.
/// </summary>
/// <remarks>
/// With <see cref="GatewayOptions.MasterUi"/>, executor logs come from the Spark workers that run them
/// (<see cref="WorkerLogs"/>): executors in other containers or on other hosts; otherwise from a local work folder.
/// </remarks>
/// <para>
/// A search (<c>grep</c>) is bounded: it matches in linear time (.NET's non-backtracking engine: no pattern can make
/// one line slow), at most <see cref="GatewayOptions.MaxConcurrentGreps"/> run at once (following ones included; more
/// are answered 429), and the scan of what the file already holds stops after <see cref="GatewayOptions.GrepTimeBudget"/>
/// with a last line that says so.
/// </para>
internal sealed class LogEndpoints(GatewayOptions options, WorkerLogs workers) : IDisposable
{
    /// <summary>How the last line of a search cut short by its time budget begins.</summary>
    public const string GrepStoppedNote = "[ispark-gateway] grep stopped";

    /// <summary>How much of a remote executor log one read fetches (the tail is cut from it).</summary>
    private const int RemoteChunk = 1024 * 1024;

    private const int MaxTail = 100_000;
    private static readonly Regex SafeName = new("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);
    private readonly SemaphoreSlim _greps = new(options.MaxConcurrentGreps, options.MaxConcurrentGreps);

    /// <inheritdoc />
    public void Dispose() => _greps.Dispose();

    public Task DriverAsync(HttpContext context)
    {
        if (options.DriverLog is null)
        {
            return TextAsync(context, StatusCodes.Status404NotFound, "This gateway has no driver log (start it with --driver-log, or with a Spark command).");
        }

        return ServeAsync(context, options.DriverLog);
    }

    public Task ExecutorListAsync(HttpContext context)
    {
        if (workers.Enabled)
        {
            return RemoteListAsync(context);
        }

        if (options.ExecutorLogsDir is not { } root || !Directory.Exists(root))
        {
            return TextAsync(context, StatusCodes.Status404NotFound, "This gateway has no executor logs (no Spark standalone work folder configured or present).");
        }

        var sb = new StringBuilder();
        foreach (var app in Directory.EnumerateDirectories(root, "app-*").OrderByDescending(Directory.GetLastWriteTimeUtc))
        {
            foreach (var executor in Directory.EnumerateDirectories(app).OrderBy(d => d, StringComparer.Ordinal))
            {
                sb.Append(Path.GetFileName(app)).Append('/').Append(Path.GetFileName(executor)).Append('\n');
            }
        }

        return TextAsync(context, StatusCodes.Status200OK, sb.ToString());
    }

    public Task ExecutorAsync(HttpContext context, string id)
    {
        if (workers.Enabled)
        {
            return RemoteExecutorAsync(context, id);
        }

        if (options.ExecutorLogsDir is not { } root || !Directory.Exists(root))
        {
            return TextAsync(context, StatusCodes.Status404NotFound, "This gateway has no executor logs (no Spark standalone work folder configured or present).");
        }

        var stream = context.Request.Query["stream"].ToString() is { Length: > 0 } s ? s : "stderr";
        var appName = context.Request.Query["app"].ToString();
        if (!SafeName.IsMatch(id) || stream is not ("stderr" or "stdout") || (appName.Length > 0 && !SafeName.IsMatch(appName)))
        {
            return TextAsync(context, StatusCodes.Status400BadRequest, "Executor id and app are names (letters, digits, . _ -); stream is stderr or stdout.");
        }

        var apps = appName.Length > 0
            ? [Path.Combine(root, appName)]
            : Directory.EnumerateDirectories(root, "app-*").OrderByDescending(Directory.GetLastWriteTimeUtc).ToList();
        var file = apps.Select(app => Path.Combine(app, id, stream)).FirstOrDefault(File.Exists);
        if (file is null)
        {
            return TextAsync(context, StatusCodes.Status404NotFound, $"No {stream} for executor {id} under {root} (GET /logs/executor lists what there is).");
        }

        return ServeAsync(context, file);
    }

    private async Task ServeAsync(HttpContext context, string path)
    {
        if (await ParseQueryAsync(context).ConfigureAwait(false) is not var (tail, grep, follow))
        {
            return;
        }

        if (!await TryEnterGrepAsync(context, grep).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await ServeFileAsync(context, path, tail, grep, follow).ConfigureAwait(false);
        }
        finally
        {
            ExitGrep(grep);
        }
    }

    private async Task ServeFileAsync(HttpContext context, string path, int tail, Regex? grep, bool follow)
    {

        if (!File.Exists(path))
        {
            if (!follow)
            {
                await TextAsync(context, StatusCodes.Status404NotFound, "The log file does not exist yet.").ConfigureAwait(false);
                return;
            }
        }

        var ct = context.RequestAborted;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            long position = 0;
            var ring = new Queue<string>(Math.Min(tail, 4096));
            string? stopped = null;
            if (File.Exists(path))
            {
                using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(fs, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var lines = 0;
                while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                {
                    if (tail > 0 && Matches(grep, line))
                    {
                        ring.Enqueue(line);
                        if (ring.Count > tail)
                        {
                            ring.Dequeue();
                        }
                    }

                    if (grep is not null && ++lines % 256 == 0 && System.Diagnostics.Stopwatch.GetElapsedTime(started) > options.GrepTimeBudget)
                    {
                        stopped = string.Create(CultureInfo.InvariantCulture,
                            $"{GrepStoppedNote} after {options.GrepTimeBudget.TotalSeconds:0.###} s, {fs.Position / 1024} of {fs.Length / 1024} KiB read: the lines above are the last matches before that point. Narrow the search (a shorter file, or follow=true for new lines).");
                        break;
                    }
                }

                position = fs.Length;
            }

            foreach (var line in ring)
            {
                await writer.WriteAsync(line.AsMemory(), ct).ConfigureAwait(false);
                await writer.WriteAsync('\n').ConfigureAwait(false);
            }

            if (stopped is not null)
            {
                await writer.WriteAsync((stopped + "\n").AsMemory(), ct).ConfigureAwait(false);
            }

            await writer.FlushAsync(ct).ConfigureAwait(false);
            if (!follow)
            {
                return;
            }

            try
            {
                await FollowAsync(path, position, grep, writer, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client went away: that is how a follow ends.
            }
        }
    }

    /// <summary>tail, grep and follow from the query string; null (after answering 400) when one is wrong.</summary>
    private static async Task<(int Tail, Regex? Grep, bool Follow)?> ParseQueryAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var tail = 200;
        if (query["tail"].ToString() is { Length: > 0 } tailText
            && (!int.TryParse(tailText, NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail > MaxTail))
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, $"tail must be a number of lines from 0 to {MaxTail}.").ConfigureAwait(false);
            return null;
        }

        Regex? grep = null;
        if (query["grep"].ToString() is { Length: > 0 } pattern)
        {
            try
            {
                grep = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (ArgumentException e)
            {
                await TextAsync(context, StatusCodes.Status400BadRequest, "grep is not a valid regular expression: " + e.Message).ConfigureAwait(false);
                return null;
            }
            catch (NotSupportedException)
            {
                await TextAsync(context, StatusCodes.Status400BadRequest,
                    "grep matches in linear time: backreferences, lookarounds, atomic groups and conditionals are not supported.").ConfigureAwait(false);
                return null;
            }
        }

        return (tail, grep, query["follow"].ToString() is "true" or "1" or "yes");
    }

    private async Task RemoteListAsync(HttpContext context)
    {
        IReadOnlyList<WorkerLogs.Executor> executors;
        try
        {
            executors = await workers.ListAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            await TextAsync(context, StatusCodes.Status502BadGateway, $"The Spark master at {options.MasterUi!.Authority} did not list its workers: {e.Message}").ConfigureAwait(false);
            return;
        }

        var sb = new StringBuilder();
        foreach (var e in executors)
        {
            sb.Append(e.AppId).Append('/').Append(e.Id).Append(e.Finished ? " (finished)" : "").Append('\n');
        }

        await TextAsync(context, StatusCodes.Status200OK, sb.ToString()).ConfigureAwait(false);
    }

    private async Task RemoteExecutorAsync(HttpContext context, string id)
    {
        var stream = context.Request.Query["stream"].ToString() is { Length: > 0 } s ? s : "stderr";
        var appName = context.Request.Query["app"].ToString();
        if (!SafeName.IsMatch(id) || stream is not ("stderr" or "stdout") || (appName.Length > 0 && !SafeName.IsMatch(appName)))
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, "Executor id and app are names (letters, digits, . _ -); stream is stderr or stdout.").ConfigureAwait(false);
            return;
        }

        if (await ParseQueryAsync(context).ConfigureAwait(false) is not var (tail, grep, follow))
        {
            return;
        }

        if (!await TryEnterGrepAsync(context, grep).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await ServeRemoteAsync(context, id, appName, stream, tail, grep, follow).ConfigureAwait(false);
        }
        finally
        {
            ExitGrep(grep);
        }
    }

    private async Task ServeRemoteAsync(HttpContext context, string id, string appName, string stream, int tail, Regex? grep, bool follow)
    {
        var ct = context.RequestAborted;
        WorkerLogs.Executor? executor;
        string text;
        long end;
        try
        {
            var executors = await workers.ListAsync(ct).ConfigureAwait(false);
            executor = executors.FirstOrDefault(e => e.Id == id && (appName.Length == 0 || e.AppId == appName));
            if (executor is null)
            {
                await TextAsync(context, StatusCodes.Status404NotFound,
                    $"No executor {id} on the workers of the Spark master at {options.MasterUi!.Authority} (GET /logs/executor lists what there is).").ConfigureAwait(false);
                return;
            }

            (text, end, var length) = await workers.ReadAsync(executor, stream, null, RemoteChunk, ct).ConfigureAwait(false);
            if (end - text.Length > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var first and >= 0)
            {
                text = text[(first + 1)..]; // the chunk began inside a line
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            await TextAsync(context, StatusCodes.Status502BadGateway, $"Could not read executor {id}'s {stream} from its Spark worker: {e.Message}").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var complete = text.EndsWith('\n') ? text : text[..(text.LastIndexOf('\n') + 1)];
            var partial = text[complete.Length..];
            var lines = complete.Split('\n', StringSplitOptions.None).SkipLast(1).Where(l => Matches(grep, l)).ToList();
            foreach (var line in tail == 0 ? [] : lines.Skip(Math.Max(0, lines.Count - tail)))
            {
                await writer.WriteAsync((line + "\n").AsMemory(), ct).ConfigureAwait(false);
            }

            await writer.FlushAsync(ct).ConfigureAwait(false);
            if (!follow)
            {
                return;
            }

            // Follow: read on from where the last read ended, every half second, until the client goes away.
            var position = end - System.Text.Encoding.UTF8.GetByteCount(partial);
            var carry = partial;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    await Task.Delay(500, ct).ConfigureAwait(false);
                    (var more, var newEnd, _) = await workers.ReadAsync(executor, stream, position + System.Text.Encoding.UTF8.GetByteCount(carry), RemoteChunk, ct).ConfigureAwait(false);
                    if (more.Length == 0)
                    {
                        continue;
                    }

                    var all = carry + more;
                    var cut = all.LastIndexOf('\n') + 1;
                    foreach (var line in all[..cut].Split('\n').SkipLast(1).Where(l => Matches(grep, l)))
                    {
                        await writer.WriteAsync((line + "\n").AsMemory(), ct).ConfigureAwait(false);
                    }

                    position = newEnd - System.Text.Encoding.UTF8.GetByteCount(all[cut..]);
                    carry = all[cut..];
                    await writer.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                // The client went away (how a follow ends), or the worker did (the executor's host is gone).
            }
        }
    }

    /// <summary>Takes a search slot (none needed without grep); false, after answering 429, when all are taken.</summary>
    private async Task<bool> TryEnterGrepAsync(HttpContext context, Regex? grep)
    {
        if (grep is null || _greps.Wait(0))
        {
            return true;
        }

        context.Response.Headers.RetryAfter = "5";
        await TextAsync(context, StatusCodes.Status429TooManyRequests,
            $"{options.MaxConcurrentGreps} log searches (grep) are running on this gateway already, following ones included; retry when one ends.").ConfigureAwait(false);
        return false;
    }

    private void ExitGrep(Regex? grep)
    {
        if (grep is not null)
        {
            _greps.Release();
        }
    }

    private static async Task FollowAsync(string path, long position, Regex? grep, StreamWriter writer, CancellationToken ct)
    {
        var partial = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (!ct.IsCancellationRequested)
        {
            if (File.Exists(path))
            {
                using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (fs.Length < position)
                {
                    position = 0; // truncated or replaced: start over
                    partial.Clear();
                }

                fs.Position = position;
                int read;
                var wrote = false;
                while ((read = await fs.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    position += read;
                    var n = decoder.GetChars(buffer, 0, read, chars, 0);
                    for (var i = 0; i < n; i++)
                    {
                        if (chars[i] == '\n')
                        {
                            var line = partial.ToString().TrimEnd('\r');
                            partial.Clear();
                            if (Matches(grep, line))
                            {
                                await writer.WriteAsync(line.AsMemory(), ct).ConfigureAwait(false);
                                await writer.WriteAsync('\n').ConfigureAwait(false);
                                wrote = true;
                            }
                        }
                        else
                        {
                            partial.Append(chars[i]);
                        }
                    }
                }

                if (wrote)
                {
                    await writer.FlushAsync(ct).ConfigureAwait(false);
                }
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    // Linear-time matching (NonBacktracking): no timeout needed per line.
    private static bool Matches(Regex? grep, string line) => grep is null || grep.IsMatch(line);

    private static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.EndsWith('\n') || text.Length == 0 ? text : text + "\n", context.RequestAborted);
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Receive mode (<see cref="GatewayOptions.SessionFilesDir"/>): how a Marathon task gets its session's secrets (the
/// Spark secret, the UI secret, the user's <c>--conf</c> values) without any of them being in its app definition,
/// its environment or a command line. Marathon cannot copy files into a task, and whoever may read the app may read
/// everything in it; so the task's entrypoint first runs the gateway in this mode: it listens on the task's port, answers
/// the launcher's pin challenge like any session gateway, and takes <c>PUT /session/files</c>, behind the session token
/// (which only the launcher has: the task has its SHA-256), over the connection the launcher pinned. It writes each file
/// 0600 into the folder and exits 0; the entrypoint then starts Spark with them. No files within the Spark start timeout:
/// exit 1, and the task ends.
/// </summary>
internal sealed partial class SessionFilesEndpoint(
    GatewayOptions options, GatewayState state, IHostApplicationLifetime lifetime, ILogger<SessionFilesEndpoint> logger) : IHostedService, IDisposable
{
    /// <summary>What /health reports while the gateway waits for the files.</summary>
    public const string AwaitingStatus = "awaiting-session-files";

    /// <summary>What /health reports once the files arrived, until this gateway has stopped (Spark's gateway comes next on the port).</summary>
    public const string ReceivedStatus = "session-files-received";

    /// <summary>The settings of a session are a few KB; far above that is not a session's settings.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    private static readonly Regex FileName = new("^[a-z][a-z0-9.-]{0,63}$", RegexOptions.CultureInvariant);

    private readonly Lock _gate = new();
    private bool _received;
    private CancellationTokenSource? _timer;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new CancellationTokenSource();
        var wait = options.SparkStartTimeout;
        _ = Task.Delay(wait, _timer.Token).ContinueWith(
            t =>
            {
                if (!t.IsCanceled)
                {
                    LogNoFiles(logger, wait.TotalSeconds);
                    state.Fail(1, $"no session settings from the launcher within {wait.TotalSeconds:0} s");
                    lifetime.StopApplication();
                }
            },
            TaskScheduler.Default);
        LogWaiting(logger, options.SessionFilesDir!);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Cancel();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    /// <summary><c>PUT /session/files</c> with <c>{"files": {"NAME": "TEXT", ...}}</c>: writes them, once, and ends the gateway.</summary>
    public async Task<IResult> PutAsync(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        Dictionary<string, string>? files = null;
        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("files", out var f) && f.ValueKind == JsonValueKind.Object)
            {
                files = [];
                foreach (var file in f.EnumerateObject())
                {
                    if (!FileName.IsMatch(file.Name) || file.Value.ValueKind != JsonValueKind.String)
                    {
                        files = null;
                        break;
                    }

                    files[file.Name] = file.Value.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            files = null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Text($"413 Payload Too Large: a session's settings are at most {MaxBodyBytes / 1024} KiB.\n", statusCode: 413);
        }

        if (files is null || files.Count == 0)
        {
            return Results.Text("400 Bad Request: expected JSON {\"files\": {\"name\": \"text\", ...}} (names of a-z, 0-9, '.', '-').\n", statusCode: 400);
        }

        lock (_gate)
        {
            if (_received)
            {
                return Results.Text("409 Conflict: this task already has its session settings.\n", statusCode: 409);
            }

            _received = true;
        }

        var folder = options.SessionFilesDir!;
        if (OperatingSystem.IsWindows())
        {
            return Results.Text("501 Not Implemented: receive mode runs in the driver image (Linux).\n", statusCode: 501);
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var (name, text) in files)
        {
            // Created 0600 from the start (no window in which another user could open it), replaced whole.
            var path = Path.Combine(folder, name);
            File.Delete(path);
            await using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), context.RequestAborted).ConfigureAwait(false);
        }

        LogReceived(logger, files.Count, folder);
        _timer?.Cancel();
        state.StopReason = "session settings received";
        // After the answer has gone out: the launcher waits for the next gateway (Spark's) on the same port.
        context.Response.OnCompleted(() =>
        {
            lifetime.StopApplication();
            return Task.CompletedTask;
        });
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for this session's settings from the launcher (into {Folder})")]
    private static partial void LogWaiting(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Received {Count} session file(s) into {Folder}")]
    private static partial void LogReceived(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "No session settings from the launcher within {Seconds:0} s: exiting")]
    private static partial void LogNoFiles(ILogger logger, double seconds);
}

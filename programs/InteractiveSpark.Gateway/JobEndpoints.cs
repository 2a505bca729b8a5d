using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Job mode (<see cref="GatewayOptions.JobDir"/>): the gateway of a Marathon job task. Marathon restarts an app whose
/// task exits and offers no way to copy files into or out of a task, so the task does not run the notebook on its own:
/// it waits, behind the gateway's TLS port and token, for the submitter to upload it. Then it runs
/// <c>ispark run in/NOTEBOOK --spark local ...</c> once, writes its output to <c>out/STEM.log</c>, and serves the
/// progress, the state with the exit code, and the files of <c>out/</c> until the submitter removes the app. A task that
/// Marathon restarted is a new gateway in a new container: it waits again and never re-runs anything.
/// Endpoints (all behind the token): <c>POST /job/start</c>, <c>GET /job/status</c>, <c>GET /job/log?offset=N</c>,
/// <c>GET /job/files</c>, <c>GET /job/files/{name}</c>.
/// </summary>
internal sealed partial class JobEndpoints(GatewayOptions options, GatewayConsole console, ILogger<JobEndpoints> logger) : IHostedService
{
    /// <summary>The most one <c>/job/log</c> answer carries; the client asks again from where it got to.</summary>
    private const int LogChunk = 1024 * 1024;

    private static readonly Regex NotebookName = new(@"^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}\.(ipynb|dib)$", RegexOptions.CultureInvariant);
    private static readonly Regex FileName = new("^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$", RegexOptions.CultureInvariant);

    // Values go to ispark's own options as separate arguments (no shell); still, nothing that could read as an option.
    private static readonly Regex SparkValue = new(@"^[A-Za-z0-9][A-Za-z0-9\[\]\*:/._-]{0,100}$", RegexOptions.CultureInvariant);

    private readonly Lock _gate = new();
    private readonly Lock _logGate = new();
    private string _state = "waiting";
    private int? _exitCode;
    private string? _notebook;
    private Process? _process;
    private StreamWriter? _log;
    private string? _logPath;

    private string InFolder => Path.Combine(options.JobDir!, "in");

    private string OutFolder => Path.Combine(options.JobDir!, "out");

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(InFolder);
        Directory.CreateDirectory(OutFolder);
        LogWaiting(logger, options.JobDir!);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            try
            {
                if (_process is { HasExited: false } p)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>POST /job/start</c> with <c>{"notebook": NAME, "content": TEXT, "timeoutSeconds", "sparkMaster", "sparkDriverMemory", "kernel"}</c>:
    /// runs it, once. Without <c>kernel</c>, ispark run's default kernel (interactivespark).
    /// </summary>
    public async Task<IResult> StartJobAsync(HttpContext context)
    {
        // One notebook, bounded: Kestrel's default (30 MB) is not a decision, and an upload is read whole into memory.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxJobUploadBytes;
        }

        var tooLarge = Results.Text(
            $"413 Payload Too Large: this job task takes a notebook of at most {options.MaxJobUploadBytes / 1024 / 1024} MiB (the gateway's --max-job-upload).\n", statusCode: 413);
        if (context.Request.ContentLength > options.MaxJobUploadBytes)
        {
            return tooLarge;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }

        var name = Text(body, "notebook");
        var content = Text(body, "content");
        var master = Text(body, "sparkMaster") ?? "local[2]";
        var memory = Text(body, "sparkDriverMemory") ?? "1g";
        var kernel = Text(body, "kernel");
        double? timeout = body?["timeoutSeconds"] is JsonValue t && t.TryGetValue<double>(out var seconds) && seconds > 0 ? seconds : null;
        if (name is null || content is null || !NotebookName.IsMatch(name) || !SparkValue.IsMatch(master) || !SparkValue.IsMatch(memory)
            || kernel is not (null or "interactivespark" or "dotnet-interactive"))
        {
            return Results.Text("400 Bad Request: expected JSON {\"notebook\": \"NAME.ipynb|.dib\", \"content\": \"...\"} (and sparkMaster, sparkDriverMemory, timeoutSeconds, kernel: interactivespark or dotnet-interactive).\n", statusCode: 400);
        }

        lock (_gate)
        {
            if (_state != "waiting")
            {
                return Results.Text($"409 Conflict: this job task already ran a notebook ({_state}); a job runs once.\n", statusCode: 409);
            }

            _state = "running";
            _notebook = name;
        }

        var stem = Path.GetFileNameWithoutExtension(name);
        var input = Path.Combine(InFolder, name);
        await File.WriteAllTextAsync(input, content, context.RequestAborted).ConfigureAwait(false);
        _logPath = Path.Combine(OutFolder, stem + ".log");
        _log = new StreamWriter(new FileStream(_logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

        var psi = new ProcessStartInfo(options.JobCommand)
        {
            WorkingDirectory = options.JobDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "run", input, "-o", Path.Combine(OutFolder, stem + ".out.ipynb"), "--kernel-log", Path.Combine(OutFolder, "kernel.log"),
            "--spark", "local", "--spark-master", master, "--spark-driver-memory", memory,
        ];
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        if (kernel is not null)
        {
            psi.ArgumentList.Add("--kernel");
            psi.ArgumentList.Add(kernel);
        }

        if (timeout is { } cellTimeout)
        {
            psi.ArgumentList.Add("--timeout");
            psi.ArgumentList.Add(cellTimeout.ToString("0.###", CultureInfo.InvariantCulture));
        }

        // The gateway's configuration (the token hash among it) is none of the notebook's business.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("ISPARK_GATEWAY_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            WriteLine($"ispark job: cannot start '{options.JobCommand}': {e.Message}");
            End(4);
            process.Dispose();
            return Results.Text($"500: cannot start '{options.JobCommand}' in the job image: {e.Message}\n", statusCode: 500);
        }

        lock (_gate)
        {
            _process = process;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(logger, name, process.Id);
        _ = Task.Run(async () =>
        {
            // WaitForExitAsync also waits for the end of both output streams: the log is complete when the state says ended.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            End(process.ExitCode);
        }, CancellationToken.None);
        return Results.Json(StatusJson(), statusCode: 202);
    }

    /// <summary><c>GET /job/status</c>: <c>{"state": "waiting|running|ended", "exitCode", "logBytes", "notebook"}</c>.</summary>
    public IResult Status() => Results.Text(StatusJson().ToJsonString(), "application/json");

    /// <summary><c>GET /job/log?offset=N</c>: the job's output from byte N (at most 1 MB; ask again from where it ended).</summary>
    public async Task LogAsync(HttpContext context)
    {
        _ = long.TryParse(context.Request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        if (_logPath is not { } path || !File.Exists(path))
        {
            return;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (offset >= file.Length)
        {
            return;
        }

        file.Position = offset;
        var buffer = new byte[(int)Math.Min(LogChunk, file.Length - offset)];
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>GET /job/files</c>: the names of the files in <c>out/</c> (executed notebook, logs).</summary>
    public IResult Files()
    {
        IEnumerable<string> names = Directory.Exists(OutFolder)
            ? Directory.EnumerateFiles(OutFolder).Select(Path.GetFileName).OfType<string>().Where(n => FileName.IsMatch(n) && !n.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];
        return Results.Text(new JsonArray(names.Select(n => (JsonNode)n).ToArray()).ToJsonString(), "application/json");
    }

    /// <summary><c>GET /job/files/{name}</c>: one file of <c>out/</c> (plain names only: nothing outside it).</summary>
    public IResult OutputFile(string name)
    {
        var path = Path.Combine(OutFolder, name);
        if (!FileName.IsMatch(name) || !File.Exists(path))
        {
            return Results.Text($"404: no file '{(name.Length > 64 ? name[..64] : name)}' in the job's output (GET /job/files lists them).\n", statusCode: 404);
        }

        return Results.Stream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), "application/octet-stream");
    }

    private JsonObject StatusJson()
    {
        lock (_gate)
        {
            long bytes = 0;
            if (_logPath is { } path && File.Exists(path))
            {
                bytes = new FileInfo(path).Length;
            }

            return new JsonObject
            {
                ["state"] = _state,
                ["exitCode"] = _exitCode,
                ["logBytes"] = bytes,
                ["notebook"] = _notebook,
            };
        }
    }

    private void End(int exitCode)
    {
        lock (_logGate)
        {
            _log?.Flush();
        }

        lock (_gate)
        {
            _exitCode = exitCode;
            _state = "ended";
        }

        LogEnded(logger, exitCode);
    }

    private void OnLine(object? sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            WriteLine(e.Data);
        }
    }

    private void WriteLine(string line)
    {
        lock (_logGate)
        {
            _log?.WriteLine(line);
            // Also the task's own output (Marathon keeps it in the Mesos sandbox): ispark run prints no secret.
            console.Error.WriteLine(line);
        }
    }

    private static string? Text(JsonObject? body, string key) =>
        body?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job mode in {Folder}: waiting for a notebook (POST /job/start); nothing runs until one is uploaded")]
    private static partial void LogWaiting(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job started: {Notebook} (process {ProcessId})")]
    private static partial void LogStarted(ILogger logger, string notebook, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job ended with exit code {ExitCode}; results kept until the job is removed")]
    private static partial void LogEnded(ILogger logger, int exitCode);
}

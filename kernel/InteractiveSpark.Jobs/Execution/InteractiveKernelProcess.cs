using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using InteractiveSpark.Core;

namespace InteractiveSpark.Jobs.Execution;

/// <summary>
/// The installed <c>dotnet-interactive</c> tool, run as <c>dotnet-interactive stdio</c> and driven through its JSON
/// protocol: one command envelope a line on stdin (<c>{"token", "commandType": "SubmitCode", "command": {...}}</c>), one
/// event envelope a line on stdout. The kernel runs out of this process so that kernel/ never loads the .NET Interactive
/// packages (deprecated upstream); the tool is the same kernel Jupyter and VS Code use. Owns the process: dispose quits
/// it (Quit command, then SIGTERM, then kill), so that the notebook's sessions are stopped by the kernel's own disposal.
/// </summary>
public sealed class InteractiveKernelProcess : INotebookKernel
{
    private readonly Process _process;
    private readonly TextWriter? _log;
    private readonly object _logLock = new();
    private readonly ConcurrentDictionary<string, Submission> _submissions = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _stderr = new();
    private readonly Task _readOut;
    private readonly Task _readErr;
    private int _nextToken;
    private bool _disposed;
    private volatile bool _abandoned;

    private InteractiveKernelProcess(Process process, TextWriter? log)
    {
        _process = process;
        _log = log;
        _readOut = Task.Run(ReadEventsAsync);
        _readErr = Task.Run(ReadErrorsAsync);
    }

    /// <summary>The kernel process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the kernel process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the kernel and waits for its KernelReady event.
    /// </summary>
    /// <param name="options">Which tool, where, with which environment, how long to wait.</param>
    /// <param name="cancellationToken">Cancels the start (the process is killed).</param>
    /// <exception cref="KernelStartException">The tool is missing, exited, or did not get ready in time; the message says what to do.</exception>
    public static async Task<InteractiveKernelProcess> StartAsync(KernelProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tool = options.ToolPath ?? FindTool() ?? throw new KernelStartException(MissingTool);
        var workingDirectory = options.WorkingDirectory ?? System.Environment.CurrentDirectory;
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        // No --http-port: the stdio kernel then opens no port at all.
        foreach (var arg in new[] { "stdio", "--default-kernel", "csharp", "--working-dir", workingDirectory })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in options.Environment)
        {
            psi.Environment[key] = value;
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new KernelStartException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KernelStartException($"Cannot run {tool}: {e.Message}. Install the dotnet-interactive tool (.ci/install-notebook-tools) or set ISPARK_DOTNET_INTERACTIVE.");
        }

        var kernel = new InteractiveKernelProcess(process, options.Log);
        try
        {
            var exited = process.WaitForExitAsync(cancellationToken);
            var ready = await Task.WhenAny(kernel._ready.Task, exited, Task.Delay(options.StartTimeout, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (ready != kernel._ready.Task)
            {
                var why = process.HasExited
                    ? $"exited with code {process.ExitCode} before it was ready"
                    : $"was not ready within {options.StartTimeout.TotalSeconds:0} s";
                throw new KernelStartException($"The kernel ({tool} stdio) {why}. Its last output:\n{kernel.StderrTail()}");
            }

            return kernel;
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Submits code and streams every event of it (and of the commands it starts) to <paramref name="onEvent"/> until it
    /// succeeds or fails. Cancelling sends the kernel a Cancel command and returns at once (the kernel may go on running
    /// the code: dispose the kernel to stop it).
    /// </summary>
    public async Task<KernelCommandResult> SubmitCodeAsync(string code, string? kernelName, Action<KernelEvent> onEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(onEvent);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var token = $"ispark-{Interlocked.Increment(ref _nextToken)}";
        var submission = new Submission(onEvent);
        _submissions[token] = submission;
        try
        {
            var command = new JsonObject { ["code"] = code };
            if (kernelName is not null)
            {
                command["targetKernelName"] = kernelName;
            }

            await SendAsync(new JsonObject { ["token"] = token, ["commandType"] = "SubmitCode", ["command"] = command }).ConfigureAwait(false);
            var exited = _process.WaitForExitAsync(CancellationToken.None);
            var done = await Task.WhenAny(submission.Result.Task, exited, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            if (done == submission.Result.Task)
            {
                return await submission.Result.Task.ConfigureAwait(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // The kernel may be stuck in the cell: quitting then waits less for it.
                _abandoned = true;
                await TrySendAsync(new JsonObject { ["token"] = token + "-cancel", ["commandType"] = "Cancel", ["command"] = new JsonObject() }).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            throw new KernelExitedException($"The kernel exited (code {_process.ExitCode}) while running the cell. Its last output:\n{StderrTail()}");
        }
        finally
        {
            _submissions.TryRemove(token, out _);
        }
    }

    /// <summary>Quits the kernel: the Quit command (the kernel disposes itself, which stops the sessions the notebook opened), then SIGTERM, then kill.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            await TrySendAsync(new JsonObject { ["token"] = "ispark-quit", ["commandType"] = "Quit", ["command"] = new JsonObject() }).ConfigureAwait(false);
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            if (!await WaitExitAsync(TimeSpan.FromSeconds(_abandoned ? 3 : 15)).ConfigureAwait(false) && !OperatingSystem.IsWindows())
            {
                Terminate(_process.Id);
                await WaitExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }

            if (!_process.HasExited)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                await WaitExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }

        await Task.WhenAny(Task.WhenAll(_readOut, _readErr), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>The last lines the kernel wrote to stderr.</summary>
    public string StderrTail(int lines = 20)
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? "  (nothing)" : string.Join('\n', _stderr.TakeLast(lines).Select(l => "  " + l));
        }
    }

    private async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SendAsync(JsonObject envelope)
    {
        var line = envelope.ToJsonString();
        Log("> ", line);
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    private async Task TrySendAsync(JsonObject envelope)
    {
        try
        {
            await SendAsync(envelope).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The kernel is gone already.
        }
    }

    private async Task ReadEventsAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Log("< ", line);
                var e = KernelEvent.Parse(line);
                if (e is null)
                {
                    continue;
                }

                if (e.Type == "KernelReady")
                {
                    _ready.TrySetResult();
                    continue;
                }

                if (e.CommandToken is not { } token)
                {
                    continue;
                }

                // Events of child commands (the kernel splits a cell, or the cell sends commands) carry "parent.N".
                var root = token.Split('.')[0];
                if (!_submissions.TryGetValue(root, out var submission))
                {
                    continue;
                }

                submission.OnEvent(e);
                if (token == root && e.Type is "CommandSucceeded" or "CommandFailed")
                {
                    submission.Result.TrySetResult(new KernelCommandResult(e.Type == "CommandSucceeded", e.Message));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task ReadErrorsAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Log("! ", line);
                lock (_stderr)
                {
                    _stderr.Enqueue(line);
                    while (_stderr.Count > 200)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private void Log(string prefix, string line)
    {
        if (_log is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.Write(DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
            _log.Write(' ');
            _log.Write(prefix);
            _log.WriteLine(Redact(line));
            _log.Flush();
        }
    }

    /// <summary>
    /// A log line without secrets: the kernel echoes commands with their arguments resolved (a <c>--url @csharp:x</c>
    /// becomes the URL, token included), so every line goes through the product's redaction first. It also masks the
    /// protocol's own command tokens ("token": "ispark-3"), which are not secrets; the log stays readable by its order.
    /// </summary>
    internal static string Redact(string line) => SessionToken.Redact(line);

    /// <summary>The tool: ISPARK_DOTNET_INTERACTIVE, else ~/.dotnet/tools/dotnet-interactive, else PATH's.</summary>
    /// <summary>What to do when the tool is nowhere: one line, also for a job image built without it.</summary>
    internal const string MissingTool =
        "The dotnet-interactive tool is not installed here (not in ~/.dotnet/tools nor on PATH, ISPARK_DOTNET_INTERACTIVE unset): "
        + "--kernel interactivespark (the default) needs none; for --kernel dotnet-interactive install it with "
        + "`dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001` (.ci/install-notebook-tools does), or, for a job, "
        + "pass --image with a job image built by docker/build-job-image --with-dotnet-interactive.";

    internal static string? FindTool()
    {
        if (Environment.GetEnvironmentVariable("ISPARK_DOTNET_INTERACTIVE") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var name = OperatingSystem.IsWindows() ? "dotnet-interactive.exe" : "dotnet-interactive";
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidates = new[] { Path.Combine(home, ".dotnet", "tools", name) }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, name)));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>SIGTERM through kill(1): .NET's Process.Kill sends only SIGKILL, which would skip the kernel's disposal.</summary>
    private static void Terminate(int pid)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1): Process.Kill follows.
        }
    }

    private sealed class Submission(Action<KernelEvent> onEvent)
    {
        public TaskCompletionSource<KernelCommandResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnEvent(KernelEvent e) => onEvent(e);
    }
}

/// <summary>Options for <see cref="InteractiveKernelProcess.StartAsync"/>.</summary>
public sealed record KernelProcessOptions
{
    /// <summary>The dotnet-interactive executable; null: ISPARK_DOTNET_INTERACTIVE, ~/.dotnet/tools, PATH.</summary>
    public string? ToolPath { get; init; }

    /// <summary>The kernel's working folder (a notebook's relative paths start here); null: the notebook's folder (<see cref="NotebookRunner"/>), else the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables added to this process's for the kernel.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the kernel may take to report ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Receives every line sent and received (the --kernel-log file); null: none.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>The kernel could not be started.</summary>
public sealed class KernelStartException(string message) : Exception(message);

/// <summary>The kernel exited while a command ran.</summary>
public sealed class KernelExitedException(string message) : Exception(message);

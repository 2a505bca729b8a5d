using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using InteractiveSpark.Jupyter.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace InteractiveSpark.Jobs.Execution;

/// <summary>
/// The InteractiveSpark kernel (<c>ispark kernel</c>) run as Jupyter runs it (a connection file with a fresh key, five
/// ports on loopback) and driven over the Jupyter messaging protocol: execute_request on shell, the cell's outputs from
/// iopub, interrupt and shutdown on control. Owns the process: dispose shuts it down (its sessions stop), then kills it.
/// </summary>
public sealed class JupyterKernelProcess : INotebookKernel
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly Process _process;
    private readonly string _connectionFile;
    private readonly MessageSigner _signer;
    private readonly DealerSocket _shell;
    private readonly SubscriberSocket _iopub;
    private readonly DealerSocket _control;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly Queue<string> _stderr = new();
    private readonly TextWriter? _log;
    private bool _disposed;

    private JupyterKernelProcess(Process process, string connectionFile, ConnectionInfo connection, TextWriter? log)
    {
        _process = process;
        _log = log;
        _connectionFile = connectionFile;
        _signer = new MessageSigner(connection.Key);
        _shell = new DealerSocket(connection.Address(connection.ShellPort));
        _iopub = new SubscriberSocket(connection.Address(connection.IopubPort));
        _iopub.SubscribeToAnyTopic();
        _control = new DealerSocket(connection.Address(connection.ControlPort));
    }

    /// <summary>
    /// Starts <paramref name="command"/> (the kernel's argv without its connection file, e.g. <c>ispark kernel</c>) in
    /// <paramref name="options"/>' folder and environment, and waits until it answers kernel_info.
    /// </summary>
    /// <exception cref="KernelStartException">It exited or did not answer within the start timeout; the message has its last output.</exception>
    public static async Task<JupyterKernelProcess> StartAsync(IReadOnlyList<string> command, KernelProcessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        var connection = new ConnectionInfo
        {
            ShellPort = FreePort(), IopubPort = FreePort(), StdinPort = FreePort(), ControlPort = FreePort(), HeartbeatPort = FreePort(),
            Key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(),
            KernelName = "interactivespark-csharp",
        };

        // The key signs every message: the file is the owner's alone, and removed with the kernel.
        var file = Path.Combine(Path.GetTempPath(), $"ispark-kernel-{Guid.NewGuid():N}.json");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(file, fileOptions))
        {
            await JsonSerializer.SerializeAsync(stream, connection, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in command.Skip(1).Concat(["-f", file]))
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in options.Environment)
        {
            psi.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new KernelStartException($"the InteractiveSpark kernel ({command[0]}) did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            File.Delete(file);
            throw new KernelStartException($"the InteractiveSpark kernel ({command[0]}) did not start: {e.Message}");
        }

        var kernel = new JupyterKernelProcess(process, file, connection, options.Log);
        process.OutputDataReceived += (_, e) => kernel.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => kernel.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await kernel.WaitReadyAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);

            // The first cell pays for Roslyn's first compilation (seconds on a busy machine): a silent cell pays it here,
            // inside the start timeout, so that --timeout measures the notebook's own cells.
            using var warm = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            warm.CancelAfter(options.StartTimeout);
            await Task.Run(() => kernel.Execute("0", _ => { }, warm.Token, silent: true), CancellationToken.None).ConfigureAwait(false);
            return kernel;
        }
        catch
        {
            await kernel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<KernelCommandResult> SubmitCodeAsync(string code, string? kernelName, Action<KernelEvent> onEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(onEvent);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A cell of another kernel in a .NET Interactive notebook (a #!N SQL cell saved with its kernel name) is that magic here.
        if (kernelName is not null && kernelName is not ("csharp" or "C#" or "c#"))
        {
            code = $"#!{kernelName}\n{code}";
        }

        return Task.Run(() => Execute(code, onEvent, cancellationToken), CancellationToken.None);
    }

    /// <summary>Shuts the kernel down (it stops the sessions it opened), then kills it if it is still there.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            Send(_control, "shutdown_request", new JsonObject { ["restart"] = false });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        _shell.Dispose();
        _iopub.Dispose();
        _control.Dispose();
        _process.Dispose();
        File.Delete(_connectionFile);
    }

    private KernelCommandResult Execute(string code, Action<KernelEvent> onEvent, CancellationToken cancellationToken, bool silent = false)
    {
        Log("> execute_request " + code);
        var request = Send(_shell, "execute_request", new JsonObject
        {
            ["code"] = code, ["silent"] = silent, ["store_history"] = !silent, ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = false, ["stop_on_error"] = true,
        });
        JsonObject? reply = null;
        var idle = false;
        string? error = null;
        while (reply is null || !idle)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Send(_control, "interrupt_request", new JsonObject());
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (_process.HasExited)
            {
                throw new KernelExitedException($"The kernel exited (code {_process.ExitCode}) while running the cell. Its last output:\n{Tail()}");
            }

            if (Receive(_iopub) is { } message && (string?)message.ParentHeader["msg_id"] == request.MsgId)
            {
                var content = message.Content;
                switch (message.MsgType)
                {
                    case "status":
                        idle = (string?)content["execution_state"] == "idle";
                        break;
                    case "stream":
                        onEvent(Event((string?)content["name"] == "stderr" ? "StandardErrorValueProduced" : "StandardOutputValueProduced",
                            new JsonObject { ["text/plain"] = (string?)content["text"] ?? "" }, null));
                        break;
                    case "display_data":
                        onEvent(Event("DisplayedValueProduced", content["data"] as JsonObject, (string?)content["transient"]?["display_id"]));
                        break;
                    case "update_display_data":
                        onEvent(Event("DisplayedValueUpdated", content["data"] as JsonObject, (string?)content["transient"]?["display_id"]));
                        break;
                    case "execute_result":
                        onEvent(Event("ReturnValueProduced", content["data"] as JsonObject, null));
                        break;
                    case "error":
                        error = $"{(string?)content["ename"]}: {(string?)content["evalue"]}";
                        break;
                }
            }

            if (reply is null && Receive(_shell, TimeSpan.Zero) is { } shellMessage && (string?)shellMessage.ParentHeader["msg_id"] == request.MsgId)
            {
                reply = shellMessage.Content;
            }
        }

        Log($"< execute_reply {(string?)reply["status"]}{(error is null ? "" : ": " + error)}");
        return (string?)reply["status"] == "ok"
            ? new KernelCommandResult(true, null)
            : new KernelCommandResult(false, error ?? $"{(string?)reply["ename"]}: {(string?)reply["evalue"]}");
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new KernelStartException($"The InteractiveSpark kernel exited (code {_process.ExitCode}) while starting. Its last output:\n{Tail()}");
            }

            var info = Send(_shell, "kernel_info_request", new JsonObject());
            var asked = Stopwatch.StartNew();
            while (asked.Elapsed < TimeSpan.FromSeconds(2))
            {
                if (await Task.Run(() => Receive(_shell), CancellationToken.None).ConfigureAwait(false) is { } reply && (string?)reply.ParentHeader["msg_id"] == info.MsgId)
                {
                    // Let the iopub subscription settle before the first cell, or its first outputs could be missed.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }

        throw new KernelStartException($"The InteractiveSpark kernel did not answer within {timeout.TotalSeconds:0} s (--start-timeout). Its last output:\n{Tail()}");
    }

    private JupyterMessage Send(NetMQSocket socket, string type, JsonObject content)
    {
        var message = JupyterMessage.Create(type, content, null, _session);
        socket.SendMultipartMessage(MessageWire.ToFrames(message, _signer));
        return message;
    }

    private JupyterMessage? Receive(NetMQSocket socket, TimeSpan? wait = null)
    {
        NetMQMessage? frames = null;
        return socket.TryReceiveMultipartMessage(wait ?? Poll, ref frames) ? MessageWire.FromFrames(frames!, _signer, out _) : null;
    }

    private static KernelEvent Event(string type, JsonObject? data, string? displayId)
    {
        var values = new JsonArray([.. (data ?? []).Select(kv => (JsonNode?)new JsonObject
        {
            ["mimeType"] = kv.Key,
            ["value"] = kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : kv.Value?.ToJsonString() ?? "",
        })]);
        var body = new JsonObject { ["formattedValues"] = values };
        if (displayId is not null)
        {
            body["valueId"] = displayId;
        }

        return new KernelEvent(type, body, null);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Log("! " + line);
        lock (_stderr)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > 40)
            {
                _stderr.Dequeue();
            }
        }
    }

    /// <summary>One line of the kernel log (<c>--kernel-log</c>): what was sent and how it ended, and the kernel's own output; tokens masked.</summary>
    private void Log(string line)
    {
        if (_log is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Write(DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
            _log.Write(' ');
            _log.WriteLine(InteractiveKernelProcess.Redact(line));
            _log.Flush();
        }
    }

    private string Tail()
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? "  (nothing)" : string.Join('\n', _stderr.TakeLast(20).Select(l => "  " + l));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

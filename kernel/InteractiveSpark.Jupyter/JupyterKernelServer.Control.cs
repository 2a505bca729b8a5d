using System.Text.Json.Nodes;
using InteractiveSpark.Jupyter.Protocol;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jupyter;

/// <summary>The control channel (answered at once, even while a cell runs) and the stdin channel's replies.</summary>
public sealed partial class JupyterKernelServer
{
    private readonly Lock _inputGate = new();
    private TaskCompletionSource<string>? _pendingInput;

    /// <summary>Interrupts the running cell, as interrupt_request does (the kernel program calls it on SIGINT).</summary>
    public async Task InterruptAsync()
    {
        _logger.LogInformation("Interrupt");
        try
        {
            _currentCell?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The cell ended meanwhile: nothing to interrupt.
        }

        lock (_inputGate)
        {
            _pendingInput?.TrySetCanceled();
        }

        await _language.InterruptAsync().ConfigureAwait(false);
    }

    private async Task HandleControlAsync(JupyterMessage request)
    {
        switch (request.MsgType)
        {
            case "interrupt_request":
                await InterruptAsync().ConfigureAwait(false);
                Reply(Channel.Control, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                Shutdown(Channel.Control, request);
                break;
            case "kernel_info_request":
                Reply(Channel.Control, request, "kernel_info_reply", KernelInfo());
                break;
            default:
                _logger.LogWarning("Unsupported control message {MsgType}", request.MsgType);
                break;
        }
    }

    private void Shutdown(Channel channel, JupyterMessage request)
    {
        var restart = (bool?)request.Content["restart"] ?? false;
        Reply(channel, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
        _shutdown.TrySetResult(restart);
    }

    /// <summary>Asks the front end for input on the stdin channel, on behalf of the execute request <paramref name="parent"/>.</summary>
    internal async Task<string> RequestInputAsync(JupyterMessage parent, string prompt, bool password, CancellationToken cancellation)
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_inputGate)
        {
            _pendingInput = pending;
        }

        Reply(Channel.Stdin, parent, "input_request", new JsonObject { ["prompt"] = prompt, ["password"] = password });
        using var onCancel = cancellation.Register(() => pending.TrySetCanceled(cancellation));
        return await pending.Task.ConfigureAwait(false);
    }

    private void ReceiveInput(JupyterMessage reply)
    {
        if (reply.MsgType != "input_reply")
        {
            return;
        }

        lock (_inputGate)
        {
            _pendingInput?.TrySetResult((string?)reply.Content["value"] ?? "");
            _pendingInput = null;
        }
    }
}

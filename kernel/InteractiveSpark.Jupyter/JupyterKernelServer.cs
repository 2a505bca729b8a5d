using System.Text.Json.Nodes;
using System.Threading.Channels;
using InteractiveSpark.Jupyter.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetMQ;
using NetMQ.Sockets;

namespace InteractiveSpark.Jupyter;

/// <summary>
/// A Jupyter kernel: binds the five sockets of a connection file, answers shell requests one at a time (cells run in
/// order) and control requests at once (an interrupt reaches a running cell), publishes status and outputs on iopub and
/// echoes heartbeats. All socket I/O happens on one poller thread (NetMQ sockets are not thread-safe); handlers post what
/// they send through a queue.
/// </summary>
public sealed partial class JupyterKernelServer : IAsyncDisposable
{
    private readonly ConnectionInfo _connection;
    private readonly IKernelLanguage _language;
    private readonly MessageSigner _signer;
    private readonly ILogger _logger;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly Channel<JupyterMessage> _shellRequests = System.Threading.Channels.Channel.CreateUnbounded<JupyterMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NetMQQueue<(Channel Socket, NetMQMessage Frames)> _outbox = new();
    private readonly TaskCompletionSource<bool> _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RouterSocket _shell = new();
    private readonly RouterSocket _control = new();
    private readonly RouterSocket _stdin = new();
    private readonly PublisherSocket _iopub = new();
    private readonly ResponseSocket _heartbeat = new();
    private NetMQPoller? _poller;
    private Thread? _heartbeatThread;
    private volatile bool _stopping;

    /// <summary>A kernel for <paramref name="connection"/> running <paramref name="language"/>.</summary>
    public JupyterKernelServer(ConnectionInfo connection, IKernelLanguage language, KernelIdentity? identity = null, ILogger? logger = null)
    {
        _connection = connection;
        _language = language;
        _signer = new MessageSigner(connection.Key);
        _logger = logger ?? NullLogger.Instance;
        Identity = identity ?? KernelIdentity.Default;
    }

    /// <summary>What kernel_info_reply says of this kernel.</summary>
    public KernelIdentity Identity { get; }

    /// <summary>The sockets a message goes out on.</summary>
    private enum Channel
    {
        Shell,
        Control,
        Stdin,
        Iopub,
    }

    /// <summary>Binds the sockets and serves until a shutdown_request (or <paramref name="cancellation"/>); returns whether a restart was asked.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellation = default)
    {
        Bind();
        _poller = new NetMQPoller { _shell, _control, _stdin, _outbox };
        _shell.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Shell);
        _control.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Control);
        _stdin.ReceiveReady += (_, e) => Receive(e.Socket, Channel.Stdin);
        _outbox.ReceiveReady += (_, e) => Send(e.Queue);
        _poller.RunAsync("jupyter-sockets");
        _heartbeatThread = new Thread(Heartbeat) { IsBackground = true, Name = "jupyter-heartbeat" };
        _heartbeatThread.Start();
        _logger.LogInformation("Jupyter kernel listening on {Ip} (shell {Shell}, control {Control})", _connection.Ip, _connection.ShellPort, _connection.ControlPort);
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, null);

        var shellLoop = Task.Run(ServeShellAsync, CancellationToken.None);
        using var onCancel = cancellation.Register(() => _shutdown.TrySetResult(false));
        var restart = await _shutdown.Task.ConfigureAwait(false);
        _shellRequests.Writer.TryComplete();
        _currentCell?.Cancel();
        await Task.WhenAny(shellLoop, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        await _language.ShutdownAsync(restart).ConfigureAwait(false);
        return restart;
    }

    private void Bind()
    {
        try
        {
            _shell.Bind(_connection.Address(_connection.ShellPort));
            _control.Bind(_connection.Address(_connection.ControlPort));
            _stdin.Bind(_connection.Address(_connection.StdinPort));
            _iopub.Bind(_connection.Address(_connection.IopubPort));
            _heartbeat.Bind(_connection.Address(_connection.HeartbeatPort));
        }
        catch (NetMQException e)
        {
            throw new KernelStartException($"cannot listen on {_connection.Ip} at the connection file's ports ({e.Message}); is another kernel using them?", e);
        }
    }

    private void Receive(NetMQSocket socket, Channel channel)
    {
        var frames = new NetMQMessage();
        if (!socket.TryReceiveMultipartMessage(ref frames))
        {
            return;
        }

        var message = MessageWire.FromFrames(frames, _signer, out var problem);
        if (message is null)
        {
            _logger.LogWarning("Dropped {Problem} on {Channel}", problem, channel);
            return;
        }

        switch (channel)
        {
            case Channel.Shell:
                _shellRequests.Writer.TryWrite(message);
                break;
            case Channel.Control:
                _ = Task.Run(() => HandleControlAsync(message));
                break;
            case Channel.Stdin:
                ReceiveInput(message);
                break;
        }
    }

    private void Send(NetMQQueue<(Channel Socket, NetMQMessage Frames)> queue)
    {
        while (queue.TryDequeue(out var item, TimeSpan.Zero))
        {
            NetMQSocket socket = item.Socket switch
            {
                Channel.Shell => _shell,
                Channel.Control => _control,
                Channel.Stdin => _stdin,
                _ => _iopub,
            };
            socket.SendMultipartMessage(item.Frames);
        }
    }

    private void Heartbeat()
    {
        while (!_stopping)
        {
            try
            {
                var frames = new NetMQMessage();
                if (_heartbeat.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(200), ref frames))
                {
                    _heartbeat.SendMultipartMessage(frames);
                }
            }
            catch (Exception e) when (e is NetMQException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>Sends a reply to <paramref name="request"/> on the socket it came from.</summary>
    private void Reply(Channel channel, JupyterMessage request, string msgType, JsonObject content, JsonObject? metadata = null) =>
        _outbox.Enqueue((channel, MessageWire.ToFrames(JupyterMessage.Create(msgType, content, request, _session, metadata: metadata), _signer)));

    /// <summary>Publishes on iopub; the topic frame is the message type, as ipykernel does.</summary>
    internal void Publish(string msgType, JsonObject content, JupyterMessage? parent, JsonObject? metadata = null)
    {
        var message = JupyterMessage.Create(msgType, content, parent, _session, [System.Text.Encoding.UTF8.GetBytes("kernel." + msgType)], metadata);
        _outbox.Enqueue((Channel.Iopub, MessageWire.ToFrames(message, _signer)));
    }

    private void Status(string state, JupyterMessage parent) => Publish("status", new JsonObject { ["execution_state"] = state }, parent);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _shutdown.TrySetResult(false);
        if (_poller is not null)
        {
            // Let the outbox drain (the shutdown reply, the last idle) before the sockets go.
            await Task.Delay(100).ConfigureAwait(false);
            _poller.Stop();
            _poller.Dispose();
        }

        _heartbeatThread?.Join(TimeSpan.FromSeconds(1));
        _shell.Dispose();
        _control.Dispose();
        _stdin.Dispose();
        _iopub.Dispose();
        _heartbeat.Dispose();
        _outbox.Dispose();
    }
}

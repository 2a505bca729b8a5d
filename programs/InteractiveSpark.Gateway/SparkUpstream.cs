using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Net.Client;
using Spark.Connect;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The Spark Connect server behind the gateway: started as a child process (with a fresh internal token in its
/// environment, its output captured as the driver log) or already running on a loopback port. Knows when it is
/// ready and which Spark version it runs; stops the child with SIGTERM, then a kill.
/// </summary>
internal sealed partial class SparkUpstream : IHostedService, IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly GatewayState _state;
    private readonly ILogger<SparkUpstream> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TextWriter _sparkConsole;
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SparkProcess _child;
    private readonly TaskCompletionSource _sparkSaysStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private StreamWriter? _driverLog;
    private Task? _probe;
    private int _disposed;

    public SparkUpstream(
        GatewayOptions options, GatewayState state, ILogger<SparkUpstream> logger, IHostApplicationLifetime lifetime, GatewayConsole console, SparkProcess child)
    {
        _child = child;
        _options = options;
        _state = state;
        _logger = logger;
        _lifetime = lifetime;
        _sparkConsole = console.Error;
        InternalToken = options.SparkCommand is null ? options.UpstreamToken : child.InternalToken;
        Address = new Uri($"http://127.0.0.1:{options.SparkPort.ToString(CultureInfo.InvariantCulture)}");
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 128 * 1024 * 1024,
            MaxSendMessageSize = 128 * 1024 * 1024,
        });
        Client = new SparkConnectService.SparkConnectServiceClient(_channel);
    }

    /// <summary>The token the gateway sends to Spark Connect (never the session token); null when Spark needs none.</summary>
    public string? InternalToken { get; }

    /// <summary>Spark Connect's loopback address.</summary>
    public Uri Address { get; }

    /// <summary>A client of Spark Connect for the requests the gateway makes itself (Config, version).</summary>
    public SparkConnectService.SparkConnectServiceClient Client { get; }

    /// <summary>The headers that authenticate the gateway to Spark Connect.</summary>
    public Metadata AuthHeaders() => InternalToken is null ? [] : new Metadata { { "authorization", "Bearer " + InternalToken } };

    /// <summary>The child process id, or null in proxy mode.</summary>
    public int? ProcessId => _process?.Id;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Spark usually runs already (GatewayHost.RunAsync starts it first, so the JVM's start overlaps the gateway's);
        // otherwise (a host built by tests) it starts once the gateway's port is bound.
        _lifetime.ApplicationStarted.Register(() =>
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (_options.SparkCommand is not null)
            {
                TakeOverProcess();
            }
            else
            {
                LogProxyMode(_logger, Address.ToString(), InternalToken is not null);
            }

            _probe = Task.Run(() => ProbeAsync(_stopping.Token), CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    private void TakeOverProcess()
    {
        if (_options.DriverLog is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _driverLog = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }

        Process process;
        try
        {
            process = _child.Start()!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            LogStartFailed(_logger, _child.Command ?? "?", e.Message);
            _state.Fail(1, $"cannot start Spark: {e.Message}");
            _lifetime.StopApplication();
            return;
        }

        // What Spark printed before now waited in the pipes: reading starts here, so the driver log misses nothing.
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Exited += OnExited;
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(_logger, _child.Command ?? "?", process.Id, _options.SparkPort);
        if (process.HasExited)
        {
            OnExited(process, EventArgs.Empty);
        }
    }

    private readonly Lock _outputLock = new();

    /// <summary>What Spark Connect prints once it listens (its log4j2 configuration keeps that line).</summary>
    private const string SparkStartedLine = "Spark Connect server started at";

    private void OnLine(object? sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        if (e.Data.Contains(SparkStartedLine, StringComparison.Ordinal))
        {
            // Spark says it listens: probe now instead of at the next poll.
            _sparkSaysStarted.TrySetResult();
        }

        lock (_outputLock)
        {
            _driverLog?.WriteLine(e.Data);
            if (_options.SparkOutputToConsole)
            {
                _sparkConsole.WriteLine(e.Data);
            }
        }
    }

    private void OnExited(object? sender, EventArgs e)
    {
        _state.SetReady(false, null);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var code = SafeExitCode();
        LogExited(_logger, code);
        _state.Fail(1, $"Spark exited with code {code.ToString(CultureInfo.InvariantCulture)}");
        _lifetime.StopApplication();
    }

    private int SafeExitCode()
    {
        try
        {
            return _process?.ExitCode ?? -1;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private async Task ProbeAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var sessionId = Guid.NewGuid().ToString();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var request = new AnalyzePlanRequest
                {
                    SessionId = sessionId,
                    UserContext = new UserContext { UserId = "ispark-gateway", UserName = "ispark-gateway" },
                    ClientType = "ispark-gateway",
                    SparkVersion = new AnalyzePlanRequest.Types.SparkVersion(),
                };
                var response = await Client.AnalyzePlanAsync(request, AuthHeaders(), DateTime.UtcNow.AddSeconds(10), ct).ConfigureAwait(false);
                _state.SetReady(true, response.SparkVersion?.Version);
                LogReady(_logger, response.SparkVersion?.Version ?? "?", started.Elapsed.TotalSeconds);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                LogWrongInternalToken(_logger);
                _state.Fail(1, "Spark Connect refused the gateway's internal token");
                _lifetime.StopApplication();
                return;
            }
            catch (Exception e) when (e is OperationCanceledException || (e is RpcException && ct.IsCancellationRequested))
            {
                // Stopping: a probe cancelled mid-call surfaces as RpcException(Cancelled), not OperationCanceledException.
                return;
            }
            catch (RpcException)
            {
                // Not listening yet.
            }

            if (started.Elapsed > _options.SparkStartTimeout)
            {
                LogStartTimeout(_logger, _options.SparkStartTimeout.TotalSeconds);
                _state.Fail(1, "Spark did not become ready in time");
                _lifetime.StopApplication();
                return;
            }

            try
            {
                await Task.WhenAny(Task.Delay(NextProbeDelay(), ct), _sparkSaysStarted.Task).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// How long to wait before the next readiness probe. A child Spark says when it listens (<see cref="SparkStartedLine"/>),
    /// so until then the probe only polls slowly, in case a future Spark words that line differently: on a 2-core host a
    /// failed gRPC call every 300 ms for the JVM's ~6 s start cost the gateway CPU the JVM needed (and got the probe's
    /// path re-JITted at tier 1 after its 30th call), which showed in P1. Once Spark said it, or for a Spark already
    /// running (proxy mode), probe often.
    /// </summary>
    private TimeSpan NextProbeDelay() =>
        _options.SparkCommand is not null && !_sparkSaysStarted.Task.IsCompleted ? TimeSpan.FromSeconds(2)
        : _options.SparkCommand is not null ? TimeSpan.FromMilliseconds(100)
        : TimeSpan.FromMilliseconds(300);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _state.SetReady(false, _state.SparkVersion);
        if (_probe is not null)
        {
            await _probe.ConfigureAwait(false);
        }

        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        LogStopping(_logger, process.Id);
        if (OperatingSystem.IsWindows() || Kill(process.Id, 15) != 0)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(_options.SparkStopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogKilled(_logger, _options.SparkStopTimeout.TotalSeconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        LogStopped(_logger, SafeExitCode());
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as a singleton and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
        lock (_outputLock)
        {
            _driverLog?.Dispose();
            _driverLog = null;
        }

        _channel.Dispose();
        _stopping.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxying to Spark Connect at {Address} (started elsewhere; internal token: {HasToken})")]
    private static partial void LogProxyMode(ILogger logger, string address, bool hasToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Spark ({Command}) as process {Pid}; Spark Connect on loopback port {Port}")]
    private static partial void LogStarted(ILogger logger, string command, int pid, int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot start Spark ({Command}): {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string command, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spark exited on its own with code {ExitCode}; the gateway stops")]
    private static partial void LogExited(ILogger logger, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Spark {SparkVersion} is ready after {Seconds:0.0} s")]
    private static partial void LogReady(ILogger logger, string sparkVersion, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spark Connect refused the gateway's internal token: the server runs with another token")]
    private static partial void LogWrongInternalToken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spark did not answer within {Seconds} s of starting; the gateway stops")]
    private static partial void LogStartTimeout(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping Spark (process {Pid}) with SIGTERM")]
    private static partial void LogStopping(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spark did not stop within {Seconds} s of SIGTERM: killed")]
    private static partial void LogKilled(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Spark stopped (exit code {ExitCode})")]
    private static partial void LogStopped(ILogger logger, int exitCode);
}

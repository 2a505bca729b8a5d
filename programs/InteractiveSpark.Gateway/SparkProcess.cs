using System.Diagnostics;
using InteractiveSpark.Core;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The Spark Connect child process, prepared from the options (command, environment, a fresh internal token) and
/// started once. <see cref="GatewayHost.RunAsync"/> starts it before anything else, so that the JVM's ten-second start
/// overlaps the gateway's own (runtime, host, TLS certificate, Kestrel); <see cref="SparkUpstream"/> takes it over
/// (output, exit, stop) once the host runs. A gateway that then fails to start kills it.
/// </summary>
internal sealed class SparkProcess
{
    private readonly ProcessStartInfo? _startInfo;
    private readonly Lock _gate = new();
    private Process? _process;

    public SparkProcess(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SparkCommand is not { Count: > 0 } command)
        {
            return;
        }

        InternalToken = SessionToken.New();
        _startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1))
        {
            _startInfo.ArgumentList.Add(arg);
        }

        // Nothing of the gateway's configuration is Spark's business; the internal token goes only to Spark.
        foreach (var key in _startInfo.Environment.Keys.Where(k => k.StartsWith("ISPARK_GATEWAY_", StringComparison.Ordinal)).ToList())
        {
            _startInfo.Environment.Remove(key);
        }

        _startInfo.Environment["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = InternalToken;
    }

    /// <summary>The token Spark Connect requires of the gateway; null when there is no command (proxy mode).</summary>
    public string? InternalToken { get; }

    /// <summary>The command, for log lines.</summary>
    public string? Command => _startInfo?.FileName;

    /// <summary>The process once started.</summary>
    public Process? Process
    {
        get
        {
            lock (_gate)
            {
                return _process;
            }
        }
    }

    /// <summary>Starts the process unless it runs already; returns it (null in proxy mode). Its output waits in the pipes until read.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The command cannot be started.</exception>
    public Process? Start()
    {
        lock (_gate)
        {
            if (_process is not null || _startInfo is null)
            {
                return _process;
            }

            var started = new Process { StartInfo = _startInfo, EnableRaisingEvents = true };
            started.Start();
            _process = started;
            return _process;
        }
    }

    /// <summary>Kills a process the host never took over (the gateway failed to start).</summary>
    public void KillIfRunning()
    {
        lock (_gate)
        {
            try
            {
                if (_process is { HasExited: false })
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}

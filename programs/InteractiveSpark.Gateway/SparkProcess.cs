using System.Diagnostics;
using InteractiveSpark.Core;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The Spark Connect child process, prepared from the options (command, environment, a fresh internal token) and
/// started once. <see cref="GatewayHost.RunAsync"/> starts it before anything else, so that the JVM's ten-second start
/// overlaps the gateway's own (runtime, host, TLS certificate, Kestrel); <see cref="SparkUpstream"/> takes it over
/// (output, exit, stop) once the host runs. A gateway that then fails to start kills it.
/// </summary>
internal sealed class SparkProcess
{
    private readonly ProcessStartInfo? startInfo;
    private readonly Lock gate = new();
    private Process? process;

    public SparkProcess(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SparkCommand is not { Count: > 0 } command)
        {
            return;
        }

        InternalToken = SessionToken.New();
        startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Nothing of the gateway's configuration is Spark's business; the internal token goes only to Spark.
        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("ISPARK_GATEWAY_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        startInfo.Environment["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = InternalToken;
    }

    /// <summary>The token Spark Connect requires of the gateway; null when there is no command (proxy mode).</summary>
    public string? InternalToken { get; }

    /// <summary>The command, for log lines.</summary>
    public string? Command => startInfo?.FileName;

    /// <summary>The process once started.</summary>
    public Process? Process
    {
        get
        {
            lock (gate)
            {
                return process;
            }
        }
    }

    /// <summary>Starts the process unless it runs already; returns it (null in proxy mode). Its output waits in the pipes until read.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The command cannot be started.</exception>
    public Process? Start()
    {
        lock (gate)
        {
            if (process is not null || startInfo is null)
            {
                return process;
            }

            var started = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            started.Start();
            process = started;
            return process;
        }
    }

    /// <summary>Kills a process the host never took over (the gateway failed to start).</summary>
    public void KillIfRunning()
    {
        lock (gate)
        {
            try
            {
                if (process is { HasExited: false })
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}

using System.Runtime.InteropServices;
using InteractiveSpark.Jupyter.CSharp;
using InteractiveSpark.Jupyter.Protocol;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jupyter;

/// <summary>
/// The kernel process: reads the connection file, serves C# cells until a shutdown request, SIGTERM or the parent's end.
/// SIGINT interrupts the running cell (Jupyter's "signal" interrupt mode) instead of ending the kernel.
/// </summary>
public static class KernelProgram
{
    /// <summary>Runs the kernel for <paramref name="connectionFile"/>; returns the process exit code (0 after a shutdown request).</summary>
    /// <param name="connectionFile">The connection file Jupyter passes.</param>
    /// <param name="logger">Where the protocol server logs.</param>
    /// <param name="loggerFactory">Where the sessions the cells open (and their launchers) log.</param>
    public static async Task<int> RunAsync(string connectionFile, ILogger? logger = null, ILoggerFactory? loggerFactory = null)
    {
        ConnectionInfo connection;
        try
        {
            connection = ConnectionInfo.Load(connectionFile);
        }
        catch (KernelStartException e)
        {
            await Console.Error.WriteLineAsync("ispark kernel: " + e.Message).ConfigureAwait(false);
            return 2;
        }

        var language = new CSharpCells(loggerFactory: loggerFactory);
        await using var server = new JupyterKernelServer(connection, language, logger: logger);
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            _ = server.InterruptAsync();
        });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await server.RunAsync(stop.Token).ConfigureAwait(false);
            return 0;
        }
        catch (KernelStartException e)
        {
            await Console.Error.WriteLineAsync("ispark kernel: " + e.Message).ConfigureAwait(false);
            return 4;
        }
    }
}

using Xunit;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace InteractiveSpark.Testing;

/// <summary>
/// A real Kafka 4.4 broker (KRaft, broker + controller in one JVM) for the test run, started from the engines folder
/// (<c>../shared/engines</c> beside the repository, or ISPARK_ENGINES_DIR) on free ports with a temporary data folder,
/// and stopped with SIGTERM at the end (the script then removes its data folder). If it cannot start, every test
/// fails with the broker's last log lines: a Kafka test without a broker proves nothing.
/// </summary>
public sealed class KafkaBrokerFixture : IAsyncLifetime
{
    private Process? _broker;
    private readonly StringBuilder _log = new();

    /// <summary>The broker's address, 127.0.0.1:PORT.</summary>
    public string Bootstrap { get; private set; } = "";

    /// <summary>The engines folder.</summary>
    public static string EnginesDir =>
        Environment.GetEnvironmentVariable("ISPARK_ENGINES_DIR") is { Length: > 0 } dir
            ? dir
            : Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "engines"));

    /// <summary>A topic name no other test uses.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var script = Path.Combine(EnginesDir, "bin", "kafka-broker");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"No Kafka broker script at {script}: put the engines at ../shared/engines or set ISPARK_ENGINES_DIR.");
        }

        var port = FreePort();
        var controller = FreePort();
        var psi = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", port.ToString(), "--controller-port", controller.ToString(), "--heap", "512m" }) psi.ArgumentList.Add(a);
        _broker = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {script}.");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (_log) _log.AppendLine(line);
            if (line.Contains("Kafka Server started", StringComparison.Ordinal)) ready.TrySetResult();
        }

        _broker.OutputDataReceived += (_, e) => OnLine(e.Data);
        _broker.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _broker.BeginOutputReadLine();
        _broker.BeginErrorReadLine();
        var exited = _broker.WaitForExitAsync();
        var done = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(120)));
        if (done != ready.Task)
        {
            var why = done == exited ? $"exited with {_broker.ExitCode}" : "was not ready within 120 s";
            await DisposeAsync();
            throw new InvalidOperationException($"The Kafka broker ({script}) {why}:\n{Tail()}");
        }

        Bootstrap = $"127.0.0.1:{port}";
    }

    /// <summary>Stops the broker: SIGTERM (the script stops Kafka and removes its data), SIGKILL of the tree after 30 s.</summary>
    public async Task DisposeAsync()
    {
        if (_broker is null || _broker.HasExited) return;
        _ = Kill(_broker.Id, 15);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _broker.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _broker.Kill(entireProcessTree: true);
        }

        _broker.Dispose();
    }

    private string Tail()
    {
        lock (_log) return string.Join('\n', _log.ToString().Split('\n').TakeLast(30));
    }

    /// <summary>A TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

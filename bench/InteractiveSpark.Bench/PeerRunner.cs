using System.Diagnostics;
using System.Globalization;

namespace InteractiveSpark.Bench;

/// <summary>
/// Runs a peer program (Spark's JVM client, the drain, the GoEddie peer) that prints one line
/// <c>client=... mode=... rows=... seconds=... rows_per_s=... [peak_heap_mb=...] [checksum=...]</c>, and samples its
/// peak resident set and CPU time from /proc while it runs.
/// </summary>
internal static class PeerRunner
{
    public static async Task<PeerOutcome> RunAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        var stdout = new List<string>();
        var stderr = new Queue<string>();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Enqueue(e.Data);
                    while (stderr.Count > 30)
                    {
                        stderr.Dequeue();
                    }
                }
            }
        };

        var wall = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        long peakRss = 0;
        double cpu = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                if (ProcFs.StatusBytes("VmHWM", pid) is { } hwm && hwm > peakRss)
                {
                    peakRss = hwm;
                }

                if (ProcFs.CpuSeconds(pid) is { } c && c > cpu)
                {
                    cpu = c;
                }

                try
                {
                    await Task.Delay(50, stopSampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        wall.Stop();

        string? line;
        lock (stdout)
        {
            line = stdout.LastOrDefault(l => l.StartsWith("client=", StringComparison.Ordinal));
        }

        string tail;
        lock (stderr)
        {
            tail = string.Join(Environment.NewLine, stderr.TakeLast(8));
        }

        var fields = line is null ? new Dictionary<string, string>() : ParseLine(line);
        var error = timedOut ? $"timed out after {timeout.TotalMinutes:0} min"
            : line is null ? $"exit code {process.ExitCode}, no result line; stderr: {tail}"
            : null;
        return new PeerOutcome(fields, line, peakRss, cpu, wall.Elapsed.TotalSeconds, error);
    }

    /// <summary>Splits <c>k=v k=v ...</c>.</summary>
    public static Dictionary<string, string> ParseLine(string line)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                d[part[..eq]] = part[(eq + 1)..];
            }
        }

        return d;
    }
}

/// <summary>What a peer printed, its peak resident set and CPU seconds as sampled, and an error if it failed.</summary>
internal sealed record PeerOutcome(
    IReadOnlyDictionary<string, string> Fields, string? Line, long PeakRss, double CpuSeconds, double WallSeconds, string? Error)
{
    public long? Long(string key) =>
        Fields.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x : null;

    public double? Double(string key) =>
        Fields.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
}

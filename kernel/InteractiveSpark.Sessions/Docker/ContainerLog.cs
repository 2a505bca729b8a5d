using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>
/// Reads a container's output from its start and keeps the last lines in memory, so that they can be shown even
/// after the container exited and Docker removed it (AutoRemove). Also watches for the gateway's certificate line.
/// </summary>
internal sealed class ContainerLog : IDisposable
{
    public const string CertificatePrefix = "gateway-certificate-sha256:";
    private const int Capacity = 300;
    private readonly Queue<string> _lines = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _certificate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ContainerLog()
    {
    }

    /// <summary>Completes with the certificate fingerprint the gateway printed (or never, if it does not).</summary>
    public Task<string> Certificate => _certificate.Task;

    /// <summary>Ends when the container's output ends.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    private readonly TaskCompletionSource<MultiplexedStream> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Attaches to a container that is created but not started yet (as <c>docker run</c> does), so that no line is lost
    /// even when the container exits at once and AutoRemove takes it away.
    /// </summary>
    public static async Task<ContainerLog> AttachAsync(DockerClient client, string containerId, CancellationToken cancellationToken)
    {
        var log = new ContainerLog();
        var stream = await client.Containers.AttachContainerAsync(
            containerId, tty: false,
            new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true },
            cancellationToken).ConfigureAwait(false);
        log._attached.SetResult(stream);
        log.Completion = Task.Run(log.ReadAsync);
        return log;
    }

    private async Task ReadAsync()
    {
        var partial = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        try
        {
            using var stream = await _attached.Task.ConfigureAwait(false);
            var buffer = new byte[16384];
            var decoder = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
            var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, _stop.Token).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                if (!decoder.TryGetValue(read.Target, out var d))
                {
                    decoder[read.Target] = d = Encoding.UTF8.GetDecoder();
                    partial[read.Target] = new StringBuilder();
                }

                var n = d.GetChars(buffer, 0, read.Count, chars, 0);
                var sb = partial[read.Target];
                for (var i = 0; i < n; i++)
                {
                    if (chars[i] == '\n')
                    {
                        Add(sb.ToString().TrimEnd('\r'));
                        sb.Clear();
                    }
                    else
                    {
                        sb.Append(chars[i]);
                    }
                }
            }
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The container is gone, or we stopped following.
        }
        finally
        {
            foreach (var sb in partial.Values.Where(sb => sb.Length > 0))
            {
                Add(sb.ToString());
            }
        }
    }

    private void Add(string line)
    {
        if (line.StartsWith(CertificatePrefix, StringComparison.Ordinal))
        {
            _certificate.TrySetResult(line[CertificatePrefix.Length..].Trim());
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines, indented, for an error message.</summary>
    public string Tail(int count = 20)
    {
        var lines = Lines.TakeLast(count).ToList();
        return lines.Count == 0 ? "  (no output)" : string.Join(Environment.NewLine, lines.Select(l => "  " + l));
    }

    public void Dispose()
    {
        // Not disposed: the reader may still hold its token; cancelling ends it.
        _stop.Cancel();
    }
}

using System.Diagnostics;

namespace InteractiveSpark.Gateway;

/// <summary>What /health reports and how the gateway ends: readiness, Spark version, uptime, exit code.</summary>
internal sealed class GatewayState(string certificateSha256)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private volatile bool _ready;
    private volatile string? _sparkVersion;
    private volatile string? _failure;
    private int _exitCode;
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The TLS certificate's SHA-256 fingerprint (upper-case hex).</summary>
    public string CertificateSha256 { get; } = certificateSha256;

    /// <summary>Whether Spark answers.</summary>
    public bool Ready => _ready;

    /// <summary>Spark's version once known.</summary>
    public string? SparkVersion => _sparkVersion;

    /// <summary>Why the gateway stops, when it stops because something failed.</summary>
    public string? Failure => _failure;

    /// <summary>The process exit code: 0 for a stop on request or idle, 1 when Spark failed.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Why the gateway stopped (idle, signal, failure); null while it runs.</summary>
    public string? StopReason { get; set; }

    /// <summary>Time since the gateway started.</summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_started);

    /// <summary>Completes once Spark is ready or the gateway failed: what a waiting <c>/health?wait=S</c> waits for.</summary>
    public Task Settled => _settled.Task;

    public void SetReady(bool ready, string? sparkVersion)
    {
        _sparkVersion = sparkVersion ?? _sparkVersion;
        _ready = ready;
        if (ready)
        {
            _settled.TrySetResult();
        }
    }

    public void Fail(int exitCode, string why)
    {
        _failure ??= why;
        StopReason ??= why;
        Volatile.Write(ref _exitCode, exitCode);
        _settled.TrySetResult();
    }
}

/// <summary>Where the gateway writes: its JSON log lines and the certificate line go to Out, Spark's output to Error.</summary>
internal sealed record GatewayConsole(TextWriter Out, TextWriter Error);

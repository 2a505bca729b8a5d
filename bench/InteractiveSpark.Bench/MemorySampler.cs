using System.Diagnostics;

namespace InteractiveSpark.Bench;

/// <summary>
/// Peak memory of this process while one measurement runs, above the level it started from: the managed heap
/// (GC.GetTotalMemory, sampled), the resident set (VmHWM reset at start, plus sampling as a fallback) and the private
/// bytes (resident minus file-backed pages), sampled every 10 ms on a dedicated thread. The resident set counts managed
/// and native memory alike (Arrow buffers, gRPC/protobuf buffers), so it is what "peak memory" means in the table.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private readonly long _baseManaged;
    private readonly long _baseRss;
    private readonly long _basePrivate;
    private readonly bool _hwmReset;
    private readonly TimeSpan _baseCpu;
    private volatile bool _stop;
    private long _peakManaged;
    private long _peakRss;
    private long _peakPrivate;

    private MemorySampler()
    {
        // Start from a clean, compacted heap with its free memory given back, so the deltas belong to the measurement.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _baseManaged = GC.GetTotalMemory(false);
        var statm = ProcFs.Statm() ?? (0, 0);
        _baseRss = statm.Rss;
        _basePrivate = statm.Private;
        _peakManaged = _baseManaged;
        _peakRss = _baseRss;
        _peakPrivate = _basePrivate;
        _hwmReset = ProcFs.ResetPeakRss();
        using (var self = Process.GetCurrentProcess())
        {
            _baseCpu = self.TotalProcessorTime;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "bench-memory-sampler", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public static MemorySampler Start() => new();

    /// <summary>Stops sampling and returns the peaks above the starting level, and the CPU seconds this process used.</summary>
    public MemoryPeaks Stop()
    {
        _stop = true;
        _thread.Join();
        Sample();
        var rss = _peakRss;
        if (_hwmReset && ProcFs.StatusBytes("VmHWM") is { } hwm)
        {
            rss = Math.Max(rss, hwm);
        }

        double cpu;
        using (var self = Process.GetCurrentProcess())
        {
            cpu = (self.TotalProcessorTime - _baseCpu).TotalSeconds;
        }

        return new MemoryPeaks(
            Math.Max(0, _peakManaged - _baseManaged),
            Math.Max(0, rss - _baseRss),
            Math.Max(0, _peakPrivate - _basePrivate),
            cpu);
    }

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        while (!_stop)
        {
            Sample();
            Thread.Sleep(10);
        }
    }

    private void Sample()
    {
        var managed = GC.GetTotalMemory(false);
        if (managed > _peakManaged)
        {
            _peakManaged = managed;
        }

        if (ProcFs.Statm() is { } s)
        {
            if (s.Rss > _peakRss)
            {
                _peakRss = s.Rss;
            }

            if (s.Private > _peakPrivate)
            {
                _peakPrivate = s.Private;
            }
        }
    }
}

/// <summary>Peaks above the level a measurement started from, in bytes; CPU in seconds.</summary>
internal readonly record struct MemoryPeaks(long Managed, long Rss, long Private, double CpuSeconds);

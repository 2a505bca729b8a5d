namespace InteractiveSpark.Charts;

/// <summary>
/// Whether plotly.js has gone out inline yet: <see cref="PlotlyScriptSource.InlineOnce"/> puts it into the first chart
/// a process renders and into none after. <see cref="Process"/> is the one a notebook host uses (a kernel process
/// writes into one notebook; a restarted kernel is a new process and puts it in again); tests make their own.
/// </summary>
internal sealed class InlinePlotlyJs
{
    private int _taken;

    /// <summary>The state of this process.</summary>
    public static InlinePlotlyJs Process { get; } = new();

    /// <summary>True exactly once: for the chart that carries plotly.js.</summary>
    public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;
}

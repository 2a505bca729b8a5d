using System.Diagnostics;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// One progress line in a cell, updated in place (update_display_data): a connect's phases, or a Spark action's stages
/// and tasks once it has run a second. <see cref="Finish"/> replaces it with the outcome.
/// </summary>
internal sealed class CellProgress : IProgress<ExecutionProgress>, IProgress<string>, IDisposable
{
    private readonly ICellOutput _output;
    private readonly string _label;
    private readonly string _displayId = Guid.NewGuid().ToString("N");
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private ExecutionProgress? _last;
    private string? _phase;
    private bool _shown;
    private bool _finished;

    /// <param name="output">The cell's output.</param>
    /// <param name="label">What runs (the session's name).</param>
    /// <param name="showAfter">Shown at once when zero; a fast action shows none.</param>
    public CellProgress(ICellOutput output, string label, TimeSpan showAfter)
    {
        _output = output;
        _label = label;
        _timer = new Timer(_ => Refresh(), null, showAfter, TimeSpan.FromSeconds(1));
    }

    public string Elapsed => ProgressText.Duration(_watch.Elapsed);

    public void Report(ExecutionProgress value)
    {
        lock (_gate)
        {
            _last = value;
        }

        Refresh();
    }

    public void Report(string value)
    {
        lock (_gate)
        {
            _phase = value;
        }

        Refresh();
    }

    /// <summary>Replaces the line with <paramref name="line"/>; shown even if no line was shown when <paramref name="always"/>.</summary>
    public void Finish(string line, bool always)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            _timer.Dispose();
            if (_shown || always)
            {
                Show(MimeBundle.Text(line));
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Refresh()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            Show(_phase is not null
                ? MimeBundle.Text($"{_label}: {_phase}… {Elapsed}")
                : MimeBundle.Html(ProgressText.ToHtml(_label, _last, _watch.Elapsed), ProgressText.ToText(_label, _last, _watch.Elapsed)));
        }
    }

    private void Show(MimeBundle bundle)
    {
        if (_shown)
        {
            _output.UpdateDisplay(bundle, _displayId);
        }
        else
        {
            _output.Display(bundle, _displayId);
            _shown = true;
        }
    }
}

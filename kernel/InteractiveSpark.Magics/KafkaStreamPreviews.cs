using System.Collections.Concurrent;
using System.Globalization;
using InteractiveSpark.Kafka;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Magics;

/// <summary>
/// The <c>#!kafka-stream</c> previews of one notebook: starts them, refreshes what they show until they are stopped, and
/// stops them (<c>--stop</c>, the end of their time, the notebook's end). The host says how a view is shown: the .NET
/// Interactive extension updates it while the cell runs; the Jupyter kernel keeps updating it after the cell ended.
/// </summary>
public sealed class KafkaStreamPreviews : IAsyncDisposable
{
    private readonly ConcurrentDictionary<KafkaStreamPreview, Run> _running = new();

    /// <summary>How often a running preview refreshes its table and chart.</summary>
    public TimeSpan RefreshEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The brokers of the notebook's last <c>#!kafka-sample</c>: the default of <c>--bootstrap</c>.</summary>
    public string? LastBootstrap { get; set; }

    /// <summary>
    /// Starts <paramref name="magic"/>'s preview on <paramref name="open"/> and shows it through <paramref name="show"/>
    /// (first "starting", then every <see cref="RefreshEvery"/>, then how it ended). Returns once the stream has started;
    /// its <see cref="KafkaStreamRun.Completion"/> ends with the preview, which runs until <paramref name="cancellation"/>
    /// (then it reads <paramref name="cancelledAs"/>), <see cref="KafkaStreamMagic.MaxDuration"/>, <see cref="StopAsync"/>
    /// or a failure. A stream Spark refuses to start is a <see cref="SparkException"/>.
    /// </summary>
    public async Task<KafkaStreamRun> StartAsync(
        OpenSparkSession open, KafkaStreamMagic magic, Action<KafkaStreamView> show, string cancelledAs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(magic);
        ArgumentNullException.ThrowIfNull(show);
        var options = magic.Stream ?? throw new ArgumentException("--stop starts nothing: call StopAsync.", nameof(magic));
        var label = $"{open.Name}: {options.Topic} at {options.Connection}";
        var use = open.Use();
        KafkaStreamPreview preview;
        try
        {
            preview = await KafkaStreamPreview.StartAsync(open.Session, options, cancellation).ConfigureAwait(false);
        }
        catch
        {
            use.Dispose();
            throw;
        }

        var run = new Run(open.Name, label, CancellationTokenSource.CreateLinkedTokenSource(cancellation));
        _running[preview] = run;
        run.Limit.CancelAfter(magic.MaxDuration);
        Show(show, new KafkaStreamView(label + ": starting...", null));
        var completion = Task.Run(() => RefreshAsync(preview, run, magic.MaxDuration, show, cancelledAs, cancellation, use), CancellationToken.None);
        return new KafkaStreamRun(label, completion);
    }

    /// <summary>
    /// Stops the previews of session <paramref name="open"/> (this notebook's, and any a restarted kernel left running on
    /// it); the text says what was stopped. Spark's refusals are <see cref="SparkException"/>s.
    /// </summary>
    public async Task<string> StopAsync(OpenSparkSession open, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(open);
        var lines = new List<string>();
        foreach (var (preview, run) in _running.ToArray())
        {
            if (run.Session != open.Name || !_running.TryRemove(preview, out _))
            {
                continue;
            }

            run.StoppedBy = "stopped by #!kafka-stream --stop";
            await run.CancelAsync().ConfigureAwait(false);
            lines.Add(await run.Stopped.Task.WaitAsync(cancellation).ConfigureAwait(false));
        }

        // Previews whose cell ended without stopping them (a kernel restarted mid-way keeps the Spark session's queries).
        foreach (var query in await open.Session.Streams.ActiveAsync(cancellation).ConfigureAwait(false))
        {
            if (query.Name?.StartsWith("kafka_stream_", StringComparison.Ordinal) != true)
            {
                continue;
            }

            await query.StopAsync(cancellation).ConfigureAwait(false);
            lines.Add($"stopped: streaming query {query.Name} ({query.Id}).");
        }

        var active = await open.Session.Streams.ActiveAsync(cancellation).ConfigureAwait(false);
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{open.Name}: {(lines.Count == 0 ? "no Kafka stream preview was running" : $"{lines.Count} stopped")}; the session has {active.Count} active streaming quer{(active.Count == 1 ? "y" : "ies")}."));
        return string.Join('\n', lines);
    }

    /// <summary>Stops every running preview (the notebook ends).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (preview, run) in _running.ToArray())
        {
            if (_running.TryRemove(preview, out _))
            {
                run.StoppedBy = "stopped: the notebook's kernel shut down";
                await run.CancelAsync().ConfigureAwait(false);
                await run.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(70)).ConfigureAwait(false);
            }
        }
    }

    private async Task<string?> RefreshAsync(
        KafkaStreamPreview preview, Run run, TimeSpan maxDuration, Action<KafkaStreamView> show, string cancelledAs, CancellationToken cancellation, IDisposable use)
    {
        KafkaStreamSnapshot? last = null;
        string ending;
        try
        {
            while (true)
            {
                await Task.Delay(RefreshEvery, run.Limit.Token).ConfigureAwait(false);
                last = await preview.SnapshotAsync(run.Limit.Token).ConfigureAwait(false);
                Show(show, new KafkaStreamView(Caption(run.Label, last, "running (interrupt the cell or #!kafka-stream --stop to end)"), last));
            }
        }
        catch (OperationCanceledException)
        {
            ending = run.StoppedBy ?? (cancellation.IsCancellationRequested ? cancelledAs : $"--max-duration {ProgressText.Duration(maxDuration)} reached");
        }
        catch (SparkException e)
        {
            ending = $"failed: {SparkErrorText.Describe(e)}";
        }
        finally
        {
            _running.TryRemove(preview, out _);
        }

        // Stop with a token of its own: the cell's is cancelled when it was interrupted.
        string stopped;
        try
        {
            using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            stopped = await preview.StopAsync(stopLimit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException)
        {
            stopped = $"stopping the streaming query {preview.Table} failed: {e.Message}";
        }
        finally
        {
            use.Dispose();
            run.Limit.Dispose();
        }

        Show(show, new KafkaStreamView(Caption(run.Label, last, $"{ending}; {stopped}"), last));
        run.Stopped.TrySetResult(stopped);
        return ending.StartsWith("failed", StringComparison.Ordinal) && !cancellation.IsCancellationRequested ? $"{run.Label}: {ending}" : null;
    }

    private static void Show(Action<KafkaStreamView> show, KafkaStreamView view)
    {
        try
        {
            show(view);
        }
        catch (ObjectDisposedException)
        {
            // The host's display ended (its cell was interrupted) meanwhile.
        }
    }

    private static string Caption(string label, KafkaStreamSnapshot? s, string state) =>
        s is null
            ? $"{label}: {state}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{label}: {s.TotalRows} rows in {ProgressText.Duration(s.Elapsed)}, {s.RowsPerSecond:0.#} rows/s, batch {(s.Progress.Count > 0 ? s.Progress[^1].BatchId : 0)} - {state}");

    private sealed class Run(string session, string label, CancellationTokenSource limit)
    {
        public string Session { get; } = session;

        public string Label { get; } = label;

        public CancellationTokenSource Limit { get; } = limit;

        public string? StoppedBy { get; set; }

        public TaskCompletionSource<string> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task CancelAsync()
        {
            try
            {
                await Limit.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The preview ended on its own meanwhile; Stopped says how.
            }
        }
    }
}

/// <summary>A started <c>#!kafka-stream</c> preview.</summary>
/// <param name="Label">Session, topic and brokers, as its caption names them.</param>
/// <param name="Completion">Ends with the preview: null, or the line that says why it failed.</param>
public sealed record KafkaStreamRun(string Label, Task<string?> Completion);

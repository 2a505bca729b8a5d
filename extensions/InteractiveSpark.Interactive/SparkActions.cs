using System.Diagnostics;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// Runs a Spark action for a cell: a progress bar (stages and tasks, from <see cref="ExecutionOptions.Progress"/>) that
/// appears once the action has run a second or reported progress and updates in place; the kernel's cancellation
/// (an interrupt) cancels the action, which interrupts it on the server, and the cell says so; a Spark error becomes
/// one message (error class and Spark's message).
/// </summary>
internal static class SparkActions
{
    /// <summary>How long an action runs before its progress line appears.</summary>
    public static TimeSpan ShowProgressAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The result, or <see cref="ActionResult{T}.Failed"/> with the message already shown in the cell.</summary>
    public static async Task<ActionResult<T>> RunAsync<T>(
        KernelInvocationContext context, KernelCommand command, string label, OpenSparkSession? open,
        Func<ExecutionOptions, CancellationToken, Task<T>> action)
    {
        var cancellation = context.CancellationToken;
        using var progress = new ProgressDisplay(context, label);
        using var use = open?.Use();

        // A kernel interrupt completes the command at once, so the cell is told now, from the cancellation itself; the
        // client then interrupts the operation on the server as its call unwinds.
        using var onCancel = cancellation.Register(() => progress.Finish(
            $"{label}: cancelled after {progress.ElapsedText}: the Spark operation is interrupted on the server.", always: true));
        try
        {
            var result = await action(new ExecutionOptions { Progress = progress }, cancellation).ConfigureAwait(false);
            progress.Finish(null);
            return new ActionResult<T>(result, null);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            var message = $"{label}: cancelled after {progress.ElapsedText}: the Spark operation is interrupted on the server.";
            progress.Finish(message, always: true);
            return new ActionResult<T>(default, message);
        }
        catch (SparkException e)
        {
            var message = $"{label}: {SparkErrorText.Describe(e)}";
            progress.Finish($"{label}: failed after {progress.ElapsedText}");
            context.Fail(command, message: message);
            return new ActionResult<T>(default, message);
        }
    }

    /// <summary>The progress line of one action: shown late (fast actions show none), updated in place, replaced at the end.</summary>
    private sealed class ProgressDisplay : IProgress<ExecutionProgress>, IDisposable
    {
        private readonly KernelInvocationContext _context;
        private readonly string _label;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly Timer _timer;
        private readonly Lock _gate = new();
        private ExecutionProgress? _last;
        private DisplayedValue? _shown;
        private bool _finished;

        public ProgressDisplay(KernelInvocationContext context, string label)
        {
            _context = context;
            _label = label;
            _timer = new Timer(_ => Refresh(force: true), null, ShowProgressAfter, TimeSpan.FromSeconds(1));
        }

        public string ElapsedText => ProgressText.Duration(_watch.Elapsed);

        public void Report(ExecutionProgress value)
        {
            lock (_gate)
            {
                _last = value;
            }

            Refresh(force: true);
        }

        /// <summary>Replaces the bar with <paramref name="line"/> (or a "done" line); shows it even if no bar was shown when <paramref name="always"/>.</summary>
        public void Finish(string? line, bool always = false)
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
                _timer.Dispose();
                var final = line ?? $"{_label}: done in {ElapsedText}" + (_last is { TotalTasks: > 0 } p ? $" ({p.TotalTasks} tasks, {p.Stages.Count} stages)" : "");
                var view = new SparkProgressView(_label, _last, _watch.Elapsed, final);
                if (_shown is not null)
                {
                    _shown.Update(view);
                }
                else if (always)
                {
                    _context.Display(view);
                }
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Refresh(bool force)
        {
            lock (_gate)
            {
                if (_finished || (!force && _shown is null))
                {
                    return;
                }

                var view = new SparkProgressView(_label, _last, _watch.Elapsed);
                try
                {
                    if (_shown is null)
                    {
                        _shown = _context.Display(view);
                    }
                    else
                    {
                        _shown.Update(view);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The command ended meanwhile.
                }
            }
        }
    }
}

/// <summary>The outcome of <see cref="SparkActions.RunAsync{T}"/>.</summary>
/// <param name="Value">The action's result (default when it failed or was cancelled).</param>
/// <param name="Error">The message shown, when it failed or was cancelled.</param>
internal sealed record ActionResult<T>(T? Value, string? Error)
{
    public bool Failed => Error is not null;
}


using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using InteractiveSpark.Jobs.Notebooks;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.Jobs.Execution;

/// <summary>Options of one headless notebook run (what <c>ispark run</c> takes).</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Where the executed notebook is written (.ipynb), after every cell so that a killed run leaves what it did.</summary>
    public required string OutputPath { get; init; }

    /// <summary>The <c>-p name=value</c> pairs, injected after the cell tagged <c>parameters</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The longest one cell may run; then the run stops with <see cref="NotebookRunStatus.TimedOut"/>. Infinite by default.</summary>
    public TimeSpan CellTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Whether to load the InteractiveSpark extension before the first cell (skipped when the notebook loads it itself).</summary>
    public bool LoadExtension { get; init; } = true;

    /// <summary>A folder holding the InteractiveSpark .nupkg files (added with <c>#i</c>); null: the kernel's NuGet sources.</summary>
    public string? PackagesFolder { get; init; }

    /// <summary>The extension's version to load; default this library's version (they are released together).</summary>
    public string ExtensionVersion { get; init; } =
        typeof(NotebookRunOptions).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.1.0";

    /// <summary>
    /// The command that starts the InteractiveSpark kernel (its argv without the connection file, e.g. <c>ispark kernel</c>):
    /// the cells then run on it; null runs them on dotnet-interactive with the extension loaded.
    /// </summary>
    public IReadOnlyList<string>? InteractiveSparkKernel { get; init; }

    /// <summary>The kernel: tool path, environment, start timeout, log. Its working folder is the notebook's folder unless set.</summary>
    public KernelProcessOptions Kernel { get; init; } = new();

    /// <summary>
    /// When set, a Spark Connect server is started on this machine for the run (<c>ispark run --spark local</c>; the job
    /// image does this) and its URL, token included, is given to the kernel as <c>ISPARK_SPARK_URL</c> (never written into
    /// the notebook); it is stopped after the run.
    /// </summary>
    public LocalSparkServerOptions? LocalSpark { get; init; }

    /// <summary>Called with a line for what happens outside cells (starting Spark, loading the extension).</summary>
    public Action<string>? Status { get; init; }

    /// <summary>Called as each cell starts and ends (from the run's thread, in order).</summary>
    public Action<CellProgress>? Progress { get; init; }
}

/// <summary>How a run ended.</summary>
public enum NotebookRunStatus
{
    /// <summary>Every code cell succeeded.</summary>
    Completed,

    /// <summary>A cell failed; the cells after it did not run.</summary>
    Failed,

    /// <summary>A cell ran longer than the cell timeout; the kernel was stopped.</summary>
    TimedOut,

    /// <summary>The kernel did not start, died, or the extension did not load.</summary>
    KernelFailed,

    /// <summary>The run was cancelled (Ctrl+C).</summary>
    Cancelled,
}

/// <summary>What a run did.</summary>
/// <param name="Notebook">The executed notebook (also written to the output path).</param>
/// <param name="Status">How it ended.</param>
/// <param name="FailedCell">The cell that failed or timed out (its index in <see cref="Notebook"/>'s cells), if any.</param>
/// <param name="Error">What went wrong, in a few lines (no stack trace); null when completed.</param>
/// <param name="Duration">Wall time of the run, kernel start and stop included.</param>
/// <param name="Warnings">Parameter warnings (a parameter without default, no parameters cell).</param>
public sealed record NotebookRunResult(
    Notebook Notebook, NotebookRunStatus Status, int? FailedCell, string? Error, TimeSpan Duration, IReadOnlyList<string> Warnings);

/// <summary>The phase of one cell, for a progress line.</summary>
public enum CellState
{
    /// <summary>The cell started.</summary>
    Running,

    /// <summary>The cell succeeded.</summary>
    Succeeded,

    /// <summary>The cell failed.</summary>
    Failed,

    /// <summary>The cell timed out.</summary>
    TimedOut,
}

/// <summary>Progress of one cell.</summary>
/// <param name="Number">1-based number of this code cell among the code cells.</param>
/// <param name="Count">How many code cells run.</param>
/// <param name="Description">The cell, as messages name it ("cell 4 (id 'query': ...)").</param>
/// <param name="State">Running, succeeded, failed or timed out.</param>
/// <param name="Elapsed">Time in the cell so far.</param>
/// <param name="Error">The error's short form when it failed.</param>
public sealed record CellProgress(int Number, int Count, string Description, CellState State, TimeSpan Elapsed, string? Error);

/// <summary>
/// Runs a notebook headless, as papermill does for Jupyter: parameters injected after the <c>parameters</c> cell, every
/// code cell submitted in order to a dotnet-interactive kernel out of process (<see cref="InteractiveKernelProcess"/>),
/// its events kept as nbformat outputs, the first failing cell stopping the run, the executed notebook written with
/// timings in <c>metadata.ispark</c> (papermill's <c>metadata.papermill</c> counterpart).
/// </summary>
public static class NotebookRunner
{
    /// <summary>Runs <paramref name="notebookPath"/>; throws only for a notebook it cannot read or a bad parameter (before anything runs).</summary>
    /// <exception cref="NotebookFormatException">The file is not a notebook.</exception>
    /// <exception cref="ArgumentException">A parameter value does not parse as its default's type.</exception>
    public static async Task<NotebookRunResult> RunAsync(string notebookPath, NotebookRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebookPath);
        ArgumentNullException.ThrowIfNull(options);
        var notebook = await Notebook.LoadAsync(notebookPath, cancellationToken).ConfigureAwait(false);
        var warnings = NotebookParameters.Inject(notebook, options.Parameters);
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            cell.Metadata["ispark"] = new JsonObject { ["status"] = "pending" };
        }

        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var meta = new JsonObject
        {
            ["input_path"] = Path.GetFullPath(notebookPath),
            ["output_path"] = Path.GetFullPath(options.OutputPath),
            ["parameters"] = notebook.Metadata["ispark"]?["parameters"]?.DeepClone() ?? new JsonObject(),
            ["start_time"] = Time(started),
            ["status"] = "running",
        };
        notebook.Metadata["ispark"] = meta;
        await notebook.SaveAsync(options.OutputPath, cancellationToken).ConfigureAwait(false);

        var kernelOptions = options.Kernel with
        {
            WorkingDirectory = options.Kernel.WorkingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(notebookPath))!,
        };
        (NotebookRunStatus Status, int? FailedCell, string? Error) result;
        LocalSparkServer? spark = null;
        try
        {
            // A missing tool is known before Spark starts (seconds to minutes in a job): say so at once.
            if (options.InteractiveSparkKernel is not { Count: > 0 } && kernelOptions.ToolPath is null && InteractiveKernelProcess.FindTool() is null)
            {
                throw new KernelStartException(InteractiveKernelProcess.MissingTool);
            }

            if (options.LocalSpark is { } sparkOptions)
            {
                options.Status?.Invoke("starting a local Spark Connect server for the run");
                var sparkWatch = Stopwatch.StartNew();
                spark = await LocalSparkServer.StartAsync(sparkOptions, cancellationToken).ConfigureAwait(false);
                var cs = spark.ConnectionString;
                kernelOptions = kernelOptions with
                {
                    Environment = new Dictionary<string, string>(kernelOptions.Environment)
                    {
                        ["ISPARK_SPARK_URL"] = $"sc://{cs.Host}:{cs.Port.ToString(CultureInfo.InvariantCulture)}/;token={cs.Token}",
                    },
                };
                options.Status?.Invoke($"local Spark ready on {cs.Host}:{cs.Port.ToString(CultureInfo.InvariantCulture)} in {sparkWatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            }

            result = await ExecuteAsync(notebook, options, kernelOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (KernelStartException e)
        {
            result = (NotebookRunStatus.KernelFailed, null, e.Message);
        }
        catch (Exception e) when (spark is null && options.LocalSpark is not null && e is not OperationCanceledException)
        {
            result = (NotebookRunStatus.KernelFailed, null, $"the local Spark Connect server did not start: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            result = (NotebookRunStatus.Cancelled, null, "cancelled");
        }
        finally
        {
            if (spark is not null)
            {
                await spark.DisposeAsync().ConfigureAwait(false);
            }
        }

        meta["end_time"] = Time(DateTimeOffset.UtcNow);
        meta["duration"] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        meta["status"] = result.Status.ToString().ToLowerInvariant();
        meta["exception"] = result.Status != NotebookRunStatus.Completed;
        if (result.FailedCell is { } failed)
        {
            meta["failed_cell"] = notebook.Cells[failed].Id;
        }

        if (result.Error is { } error)
        {
            meta["error"] = error;
        }

        await notebook.SaveAsync(options.OutputPath, CancellationToken.None).ConfigureAwait(false);
        return new NotebookRunResult(notebook, result.Status, result.FailedCell, result.Error, watch.Elapsed, warnings);
    }

    private static async Task<(NotebookRunStatus Status, int? FailedCell, string? Error)> ExecuteAsync(
        Notebook notebook, NotebookRunOptions options, KernelProcessOptions kernelOptions, CancellationToken cancellationToken)
    {
        INotebookKernel kernel;
        try
        {
            kernel = options.InteractiveSparkKernel is { Count: > 0 } command
                ? await JupyterKernelProcess.StartAsync(command, kernelOptions, cancellationToken).ConfigureAwait(false)
                : await InteractiveKernelProcess.StartAsync(kernelOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (KernelStartException e)
        {
            return (NotebookRunStatus.KernelFailed, null, e.Message);
        }
        catch (OperationCanceledException)
        {
            return (NotebookRunStatus.Cancelled, null, "cancelled while the kernel started");
        }

        await using (kernel.ConfigureAwait(false))
        {
            var codeCells = notebook.Cells.Select((cell, index) => (cell, index)).Where(c => c.cell.IsCode && c.cell.Source.Trim().Length > 0).ToArray();
            // The InteractiveSpark kernel has the magics built in: only dotnet-interactive loads the extension.
            if (options.LoadExtension && kernel is InteractiveKernelProcess dotnetInteractive && !notebook.Cells.Any(c => c.IsCode && c.Source.Contains("nuget: InteractiveSpark.Interactive", StringComparison.OrdinalIgnoreCase)))
            {
                options.Status?.Invoke($"loading the InteractiveSpark extension {options.ExtensionVersion}");
                var loaded = await LoadExtensionAsync(dotnetInteractive, options, cancellationToken).ConfigureAwait(false);
                if (loaded is not null)
                {
                    return (cancellationToken.IsCancellationRequested ? NotebookRunStatus.Cancelled : NotebookRunStatus.KernelFailed, null, loaded);
                }
            }

            var count = 0;
            foreach (var (cell, index) in codeCells)
            {
                count++;
                var description = cell.Describe(index);
                var cellWatch = Stopwatch.StartNew();
                var start = DateTimeOffset.UtcNow;
                options.Progress?.Invoke(new CellProgress(count, codeCells.Length, description, CellState.Running, TimeSpan.Zero, null));
                cell.ExecutionCount = count;
                var outputs = new CellOutputs(cell, count);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (options.CellTimeout != Timeout.InfiniteTimeSpan)
                {
                    timeout.CancelAfter(options.CellTimeout);
                }

                var kernelName = notebook.KernelOf(cell);
                NotebookRunStatus? failure = null;
                string? error = null;
                try
                {
                    // The default kernel gets the code untargeted, as Jupyter sends it: the root kernel then routes `#!name` lines (SQL cells).
                    var ran = await kernel.SubmitCodeAsync(cell.Source, kernelName == Notebook.DefaultKernelName ? null : kernelName, outputs.Add, timeout.Token)
                        .ConfigureAwait(false);
                    if (!ran.Succeeded)
                    {
                        var message = ran.Error ?? "the cell failed without a message";
                        outputs.Fail(message);
                        failure = NotebookRunStatus.Failed;
                        error = CellOutputs.ForPeople(message);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    var seconds = options.CellTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    error = $"the cell did not finish within {seconds} s (--timeout); the kernel was stopped";
                    outputs.Fail($"TimeoutError: {error}");
                    failure = NotebookRunStatus.TimedOut;
                }
                catch (OperationCanceledException)
                {
                    error = "the run was cancelled";
                    outputs.Fail($"CancelledError: {error}");
                    failure = NotebookRunStatus.Cancelled;
                }
                catch (KernelExitedException e)
                {
                    error = e.Message;
                    outputs.Fail($"KernelDied: {e.Message}");
                    failure = NotebookRunStatus.KernelFailed;
                }

                cellWatch.Stop();
                cell.Metadata["ispark"] = new JsonObject
                {
                    ["start_time"] = Time(start),
                    ["end_time"] = Time(DateTimeOffset.UtcNow),
                    ["duration"] = Math.Round(cellWatch.Elapsed.TotalSeconds, 3),
                    ["status"] = failure switch { null => "completed", NotebookRunStatus.TimedOut => "timed_out", _ => "failed" },
                };
                var state = failure switch { null => CellState.Succeeded, NotebookRunStatus.TimedOut => CellState.TimedOut, _ => CellState.Failed };
                options.Progress?.Invoke(new CellProgress(count, codeCells.Length, description, state, cellWatch.Elapsed, error));
                await notebook.SaveAsync(options.OutputPath, CancellationToken.None).ConfigureAwait(false);
                if (failure is { } status)
                {
                    return (status, index, $"{description} failed: {error}");
                }
            }
        }

        return (NotebookRunStatus.Completed, null, null);
    }

    /// <summary>Loads the extension (<c>#i</c> of the package folder, <c>#r</c> of the package); returns an error, or null when it loaded.</summary>
    private static async Task<string?> LoadExtensionAsync(InteractiveKernelProcess kernel, NotebookRunOptions options, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        void Collect(KernelEvent e)
        {
            if (e.Type is "ErrorProduced" && e.Message is { } m)
            {
                lines.Add(m);
            }
        }

        try
        {
            if (options.PackagesFolder is { } folder)
            {
                // #i takes absolute paths only.
                var absolute = Path.GetFullPath(folder);
                if (!Directory.Exists(absolute))
                {
                    return $"the package folder {absolute} does not exist (--packages or ISPARK_PACKAGES)";
                }

                var source = await kernel.SubmitCodeAsync($"#i \"nuget: {absolute}\"", null, Collect, cancellationToken).ConfigureAwait(false);
                if (!source.Succeeded)
                {
                    return $"the InteractiveSpark extension did not load: #i \"nuget: {absolute}\" failed: {CellOutputs.Summary(source.Error ?? "")}";
                }
            }

            var load = await kernel.SubmitCodeAsync($"#r \"nuget: InteractiveSpark.Interactive, {options.ExtensionVersion}\"", null, Collect, cancellationToken).ConfigureAwait(false);
            return load.Succeeded
                ? null
                : $"the InteractiveSpark extension {options.ExtensionVersion} did not load ({(options.PackagesFolder is null ? "no --packages folder: from the kernel's NuGet sources" : "from " + options.PackagesFolder)}): {CellOutputs.Summary(load.Error ?? string.Join('\n', lines))}";
        }
        catch (KernelExitedException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException)
        {
            return "cancelled while the extension loaded";
        }
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}

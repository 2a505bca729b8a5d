using System.CommandLine;
using System.Globalization;
using InteractiveSpark.Jobs.Execution;
using InteractiveSpark.Jobs.Notebooks;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.Cli;

/// <summary><c>ispark run NOTEBOOK [-p name=value]... [-o OUT] [--timeout S] [--kernel-log FILE]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var notebook = new Argument<FileInfo>("notebook") { Description = "The notebook to run: .ipynb or .dib." };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "A parameter, name=value (repeatable). Injected after the cell tagged 'parameters', typed by its default there.",
            // Each -p needs its name=value: with ZeroOrMore a bare -p was taken as no parameter at all and the run went on.
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the executed notebook (.ipynb). Default: NAME.out.ipynb in the current folder." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds one cell may run; then the run stops (exit code 3). Default: no limit." };
        var kernelLog = new Option<FileInfo?>("--kernel-log") { Description = "Write every message exchanged with the kernel (and its stderr) to this file." };
        var packages = new Option<DirectoryInfo?>("--packages")
        {
            Description = "--kernel dotnet-interactive: a folder with the InteractiveSpark .nupkg files to load the extension from. Default: ISPARK_PACKAGES, else the kernel's NuGet sources.",
        };
        var noExtension = new Option<bool>("--no-extension") { Description = "--kernel dotnet-interactive: do not load the InteractiveSpark extension before the first cell." };
        var startTimeout = new Option<double>("--start-timeout") { Description = "Seconds the kernel may take to start.", DefaultValueFactory = _ => 120 };
        var spark = new Option<string?>("--spark")
        {
            Description = "'local': start a Spark Connect server on this machine for the run (SPARK_HOME, else ../shared/engines) and give its URL to the notebook as ISPARK_SPARK_URL. Default: none (the notebook connects itself, e.g. to ISPARK_SPARK_URL from the environment).",
        };
        spark.AcceptOnlyFromAmong("local");
        var sparkMaster = new Option<string>("--spark-master") { Description = "The master of --spark local.", DefaultValueFactory = _ => "local[2]" };
        var sparkMemory = new Option<string>("--spark-driver-memory") { Description = "The driver heap of --spark local.", DefaultValueFactory = _ => "1g" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress lines; only the result line." };
        var kernel = new Option<string>("--kernel")
        {
            Description = "The kernel the cells run on: interactivespark (this tool's own Jupyter kernel, magics built in; the default) or dotnet-interactive (the .NET Interactive tool, archived upstream, with the extension loaded: F# and other .NET Interactive languages).",
            DefaultValueFactory = _ => "interactivespark",
        };
        kernel.AcceptOnlyFromAmong("dotnet-interactive", "interactivespark");

        var command = new Command("run", "Run a notebook headless (papermill's way): parameters injected, every cell executed, the executed notebook written. Exit codes: 0 ok, 1 a cell failed, 2 bad input, 3 timeout, 4 kernel or extension failure.")
        {
            notebook, parameters, output, timeout, kernelLog, packages, noExtension, startTimeout, spark, sparkMaster, sparkMemory, quiet, kernel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = parse.GetValue(notebook)!;
            var run = new RunRequest(
                input.FullName,
                parse.GetValue(parameters) ?? [],
                parse.GetValue(output)?.FullName,
                parse.GetValue(timeout),
                parse.GetValue(kernelLog)?.FullName,
                parse.GetValue(packages)?.FullName ?? (Environment.GetEnvironmentVariable("ISPARK_PACKAGES") is { Length: > 0 } p ? p : null),
                !parse.GetValue(noExtension),
                parse.GetValue(startTimeout),
                parse.GetValue(quiet),
                parse.GetValue(spark) == "local"
                    ? new LocalSparkServerOptions { Master = parse.GetValue(sparkMaster)!, DriverMemory = parse.GetValue(sparkMemory)!, UiPort = null, LoggerFactory = CliLog.Factory }
                    : null,
                parse.GetValue(kernel) == "interactivespark" ? [.. KernelCommand.Launcher(), "kernel"] : null);
            return await ExecuteAsync(run, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>What <c>ispark run</c> was asked.</summary>
    internal sealed record RunRequest(
        string Notebook, IReadOnlyList<string> Parameters, string? Output, double? TimeoutSeconds, string? KernelLog,
        string? Packages, bool LoadExtension, double StartTimeoutSeconds, bool Quiet, LocalSparkServerOptions? LocalSpark = null,
        IReadOnlyList<string>? InteractiveSparkKernel = null);

    /// <summary>Runs the notebook, writes progress and the result line to <paramref name="console"/>, returns the exit code.</summary>
    internal static async Task<int> ExecuteAsync(RunRequest request, TextWriter console, CancellationToken cancellationToken)
    {
        string? problem = null;
        IReadOnlyList<KeyValuePair<string, string>> pairs = [];
        try
        {
            pairs = NotebookParameters.ParsePairs(request.Parameters);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        var output = request.Output ?? Path.Combine(Environment.CurrentDirectory, Path.GetFileNameWithoutExtension(request.Notebook) + ".out.ipynb");
        problem ??= CheckInputs(request, output);
        if (problem is null)
        {
            // The notebook and the parameters against its defaults, before any line of progress and before a kernel starts.
            try
            {
                var notebook = await Notebook.LoadAsync(request.Notebook, cancellationToken).ConfigureAwait(false);
                problem = notebook.Cells.Any(c => c.IsCode && !string.IsNullOrWhiteSpace(c.Source))
                    ? null
                    : $"{CliText.Clip(request.Notebook, 200)} has no code cell: nothing to run.";
                NotebookParameters.Inject(notebook, pairs);
            }
            catch (Exception e) when (e is NotebookFormatException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                problem = CliText.Clip(e.Message, 600);
            }
        }

        if (problem is not null)
        {
            console.WriteLine($"ispark run: {problem}");
            return ExitCodes.BadInput;
        }

        StreamWriter? log = null;
        try
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                if (request.KernelLog is { } logPath)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
                    log = new StreamWriter(logPath, append: false) { AutoFlush = false };
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.WriteLine($"ispark run: cannot write there: {CliText.Clip(e.Message, 300)}");
                return ExitCodes.BadInput;
            }

            var options = new NotebookRunOptions
            {
                OutputPath = output,
                Parameters = pairs,
                CellTimeout = request.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan,
                LoadExtension = request.LoadExtension,
                PackagesFolder = request.Packages,
                Kernel = new KernelProcessOptions { StartTimeout = TimeSpan.FromSeconds(request.StartTimeoutSeconds), Log = log },
                Progress = request.Quiet ? null : p => console.WriteLine(Line(p)),
                Status = request.Quiet ? null : line => console.WriteLine($"ispark run: {line}"),
                LocalSpark = request.LocalSpark,
                InteractiveSparkKernel = request.InteractiveSparkKernel,
            };
            var name = Path.GetFileName(request.Notebook);
            if (!request.Quiet)
            {
                console.WriteLine($"ispark run: {name}{(pairs.Count > 0 ? " with " + string.Join(", ", pairs.Select(p => $"{p.Key}={CliText.Clip(p.Value)}")) : "")} -> {output}");
            }

            NotebookRunResult result;
            try
            {
                result = await NotebookRunner.RunAsync(request.Notebook, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NotebookFormatException or ArgumentException or FileNotFoundException or UnauthorizedAccessException)
            {
                console.WriteLine($"ispark run: {CliText.Clip(e.Message, 600)}");
                return ExitCodes.BadInput;
            }

            foreach (var warning in result.Warnings)
            {
                console.WriteLine($"ispark run: warning: {warning}");
            }

            var seconds = result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            switch (result.Status)
            {
                case NotebookRunStatus.Completed:
                    console.WriteLine($"ispark run: {name} completed in {seconds} s; executed notebook: {output}");
                    return ExitCodes.Ok;
                case NotebookRunStatus.Failed:
                    console.WriteLine($"ispark run: {name}: {result.Error}\nThe executed notebook (up to that cell) is at {output}.");
                    return ExitCodes.CellFailed;
                case NotebookRunStatus.TimedOut:
                    console.WriteLine($"ispark run: {name}: {result.Error}\nThe executed notebook (up to that cell) is at {output}.");
                    return ExitCodes.TimedOut;
                case NotebookRunStatus.Cancelled:
                    console.WriteLine($"ispark run: {name}: cancelled; the notebook so far is at {output}.");
                    return ExitCodes.Cancelled;
                default:
                    console.WriteLine($"ispark run: {name}: {result.Error}");
                    return ExitCodes.KernelFailed;
            }
        }
        finally
        {
            if (log is not null)
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What is wrong with the request before anything starts (null: nothing); each value echoed clipped.</summary>
    private static string? CheckInputs(RunRequest request, string output)
    {
        if (Directory.Exists(request.Notebook))
        {
            return $"{CliText.Clip(request.Notebook, 200)} is a folder; give the notebook file (.ipynb or .dib).";
        }

        if (!File.Exists(request.Notebook))
        {
            return $"no notebook at {CliText.Clip(request.Notebook, 200)}.";
        }

        if ((CliText.CheckSeconds("--timeout", request.TimeoutSeconds) ?? CliText.CheckSeconds("--start-timeout", request.StartTimeoutSeconds)) is { } seconds)
        {
            return seconds;
        }

        if (!string.Equals(Path.GetExtension(output), ".ipynb", StringComparison.OrdinalIgnoreCase))
        {
            return $"-o {CliText.Clip(output, 200)}: the executed notebook is written as .ipynb (a .dib has no place for outputs).";
        }

        if (Directory.Exists(output))
        {
            return $"-o {CliText.Clip(output, 200)} is a folder; give the file to write (.ipynb).";
        }

        if (string.Equals(Path.GetFullPath(output), Path.GetFullPath(request.Notebook), StringComparison.Ordinal))
        {
            return "the output would overwrite the input notebook; pass another -o.";
        }

        if (request.KernelLog is { } kernelLog && Directory.Exists(kernelLog))
        {
            return $"--kernel-log {CliText.Clip(kernelLog, 200)} is a folder; give a file.";
        }

        if (request.Packages is { } packages && !Directory.Exists(packages))
        {
            return $"--packages {CliText.Clip(packages, 200)}: no such folder (it holds the InteractiveSpark .nupkg files; ISPARK_PACKAGES sets the default).";
        }

        if (request.LocalSpark is { } spark)
        {
            if (!CliText.IsSparkMaster(spark.Master))
            {
                return $"--spark-master '{CliText.Clip(spark.Master)}' is not a Spark master (local, local[4], local[*], spark://host:7077, yarn, k8s://..., mesos://...).";
            }

            if (!CliText.IsJvmSize(spark.DriverMemory))
            {
                return $"--spark-driver-memory '{CliText.Clip(spark.DriverMemory)}' is not a JVM size such as 512m or 2g.";
            }
        }

        return null;
    }

    /// <summary>One progress line: "[2/6] cell 3 (id 'query': ...) ok, 1.2 s".</summary>
    internal static string Line(CellProgress p)
    {
        var seconds = p.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return p.State switch
        {
            CellState.Running => $"[{p.Number}/{p.Count}] {p.Description} ...",
            CellState.Succeeded => $"[{p.Number}/{p.Count}] {p.Description} ok, {seconds} s",
            CellState.TimedOut => $"[{p.Number}/{p.Count}] {p.Description} TIMED OUT after {seconds} s",
            _ => $"[{p.Number}/{p.Count}] {p.Description} FAILED after {seconds} s: {p.Error}",
        };
    }
}

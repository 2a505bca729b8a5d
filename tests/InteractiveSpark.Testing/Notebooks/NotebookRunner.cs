using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Testing.Notebooks;

/// <summary>Options for <see cref="NotebookRunner.ExecuteAsync"/>.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>The longest one cell may run (nbconvert's ExecutePreprocessor.timeout).</summary>
    public TimeSpan CellTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest the whole run may take; then nbconvert and its kernel are killed and the test fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether a failing cell is expected (its error is then in the outputs); when false a failing cell fails the run.</summary>
    public bool AllowErrors { get; init; }

    /// <summary>The kernel that runs the cells: dotnet-interactive with the extension (default) or InteractiveSpark's own.</summary>
    public NotebookKernel Kernel { get; init; } = NotebookKernel.DotnetInteractive;

    /// <summary>Extra environment variables for nbconvert and the kernel.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Runs a notebook the way a user's Jupyter does: <c>jupyter nbconvert --to notebook --execute</c> with the
/// dotnet-interactive kernel (<see cref="KernelName"/>), after packing the extension into artifacts/packages, or with
/// InteractiveSpark's own kernel (<see cref="NotebookRunOptions.Kernel"/>), and
/// returns the executed notebook. Missing tools fail the test with what to run (.ci/install-notebook-tools); nothing
/// is skipped.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The Jupyter kernel of dotnet-interactive's C# (registered by <c>dotnet interactive jupyter install</c>).</summary>
    public const string KernelName = ".net-csharp";

    private static readonly Lazy<Task<string>> Tools = new(() => FindToolsAsync(System.Environment.GetEnvironmentVariable("ISPARK_JUPYTER")));
    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    /// <summary>The folder the extension's packages are packed into (a notebook adds it with <c>#i</c>).</summary>
    public static string PackagesFolder => Repository.PathOf("artifacts", "packages");

    /// <summary>
    /// The NuGet global packages folder the notebook kernels use. Our packages keep version 0.1.0 across rebuilds,
    /// so the runner empties their entries here after each pack; without it a kernel would load a stale copy.
    /// </summary>
    public static string NuGetPackagesFolder => Repository.PathOf("artifacts", "notebook-tests", "nuget-packages");

    /// <summary>Packs the extension (once per test run) and returns the packages folder.</summary>
    public static Task<string> EnsurePackedAsync() => Packed.Value;

    /// <summary>Executes a notebook (path absolute or relative to the repository root) and returns the executed copy.</summary>
    public static async Task<ExecutedNotebook> ExecuteAsync(string notebook, NotebookRunOptions? options = null)
    {
        options ??= new NotebookRunOptions();
        var jupyter = await Tools.Value;
        // Several test assemblies (run in parallel by `dotnet test` on the solution) pack into the same folder and
        // clear the same package cache: one notebook run at a time across processes.
        using var machineWide = await AcquireLockAsync(Repository.PathOf("artifacts", "notebook-tests", "notebook-run.lock"), options.Timeout);
        var ours = options.Kernel == NotebookKernel.InteractiveSpark;
        if (!ours)
        {
            // Only .NET Interactive loads the extension's package (the notebooks' #r cell); our kernel skips that cell.
            await EnsurePackedAsync();
        }

        var input = Path.GetFullPath(Path.IsPathRooted(notebook) ? notebook : Repository.PathOf(notebook));
        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"No notebook at {input}.", input);
        }

        // Kept for a look after a failure (artifacts/ is ignored by git).
        var outputDir = Repository.PathOf("artifacts", "notebook-tests", "runs", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(outputDir);
        var output = Path.Combine(outputDir, Path.GetFileName(input));
        var args = new List<string>
        {
            "nbconvert", "--to", "notebook", "--execute",
            $"--ExecutePreprocessor.kernel_name={(ours ? InteractiveSparkKernelSpec.KernelName : KernelName)}",
            $"--ExecutePreprocessor.timeout={(int)options.CellTimeout.TotalSeconds}",
            "--ExecutePreprocessor.startup_timeout=120",
            "--output-dir", outputDir, "--output", Path.GetFileName(input),
        };
        if (options.AllowErrors)
        {
            args.Add("--allow-errors");
        }

        // The kernel starts in the notebook's folder (nbconvert runs it where the input is), so relative paths in
        // the notebook are relative to notebooks/ as when a person opens it.
        args.Add(input);
        var environment = new Dictionary<string, string>(options.Environment) { ["NUGET_PACKAGES"] = NuGetPackagesFolder };
        if (ours)
        {
            environment["JUPYTER_PATH"] = await InteractiveSparkKernelSpec.JupyterPathAsync();
        }

        var watch = Stopwatch.StartNew();
        var (exitCode, log) = await RunAsync(jupyter, args, Path.GetDirectoryName(input)!, environment, options.Timeout);
        watch.Stop();
        if (exitCode != 0)
        {
            throw new NotebookFailedException(
                $"jupyter nbconvert --execute {Path.GetFileName(input)} failed (exit code {exitCode}) after {watch.Elapsed.TotalSeconds:0.0} s:\n{Tail(log, 60)}");
        }

        if (!File.Exists(output))
        {
            throw new NotebookFailedException($"nbconvert exited 0 but wrote no {output}:\n{Tail(log, 40)}");
        }

        var document = JsonNode.Parse(await File.ReadAllTextAsync(output))?.AsObject()
            ?? throw new NotebookFailedException($"{output} is not a JSON notebook.");
        return new ExecutedNotebook(document, output, watch.Elapsed, log);
    }

    /// <summary>
    /// Finds jupyter (<paramref name="jupyterPath"/> when given, as ISPARK_JUPYTER gives it; else Debian's, else PATH's) and
    /// checks that nbconvert runs and the dotnet-interactive C# kernel is registered; throws what to install otherwise.
    /// </summary>
    public static async Task<string> FindToolsAsync(string? jupyterPath)
    {
        const string install = "Run .ci/install-notebook-tools (it installs Jupyter's nbconvert with apt-get, the dotnet-interactive tool, and its kernels).";

        // Debian's jupyter first: a pyenv or virtualenv shim earlier on PATH may have no nbconvert.
        var candidates = string.IsNullOrWhiteSpace(jupyterPath)
            ? new[] { "/usr/bin/jupyter" }.Concat((System.Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, "jupyter")))
            : [jupyterPath];
        var jupyter = candidates.FirstOrDefault(File.Exists)
            ?? throw new NotebookToolsMissingException(
                $"jupyter is not installed (not at {(string.IsNullOrWhiteSpace(jupyterPath) ? "/usr/bin/jupyter nor on PATH" : jupyterPath)}). {install}");

        var (code, nbconvert) = await RunAsync(jupyter, ["nbconvert", "--version"], Repository.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(1));
        if (code != 0)
        {
            throw new NotebookToolsMissingException($"{jupyter} nbconvert does not run:\n{Tail(nbconvert, 10)}\n{install}");
        }

        var (listed, specs) = await RunAsync(jupyter, ["kernelspec", "list", "--json"], Repository.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(1));
        var json = specs[specs.IndexOf('{')..];
        var kernels = listed == 0 ? JsonNode.Parse(json)?["kernelspecs"]?.AsObject() : null;
        if (kernels is null || !kernels.ContainsKey(KernelName))
        {
            throw new NotebookToolsMissingException(
                $"Jupyter has no '{KernelName}' kernel (dotnet-interactive's C#); it has: {string.Join(", ", kernels?.Select(k => k.Key) ?? [])}. {install}");
        }

        var argv0 = (string?)kernels[KernelName]?["spec"]?["argv"]?[0];
        if (argv0 is not null && Path.IsPathRooted(argv0) && !File.Exists(argv0))
        {
            throw new NotebookToolsMissingException($"The '{KernelName}' kernel runs {argv0}, which does not exist. {install}");
        }

        return jupyter;
    }

    /// <summary>An exclusive lock on <paramref name="path"/> (held while the returned stream is open), waited for at most <paramref name="timeout"/>.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<string> PackAsync()
    {
        await ExtensionPack.PackAsync(Repository.Root, Repository.Configuration, PackagesFolder, NuGetPackagesFolder, noBuild: false);
        return PackagesFolder;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s and was killed:\n{Tail(Snapshot(), 40)}");
        }

        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, Snapshot());

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Snapshot()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}

/// <summary>Jupyter, nbconvert or the dotnet-interactive kernel is missing: the message says how to install them.</summary>
public sealed class NotebookToolsMissingException(string message) : Exception(message);

/// <summary>A notebook run failed: a cell failed (without AllowErrors), the kernel died, or the pack failed.</summary>
public sealed class NotebookFailedException(string message) : Exception(message);

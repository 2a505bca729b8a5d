using System.Diagnostics;
using System.Text;
using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// The real kernel program for Jupyter's own clients: installed once per run (<see cref="InteractiveSparkKernelSpec"/>),
/// and processes run with JUPYTER_PATH pointing there, so Jupyter finds "interactivespark-csharp".
/// </summary>
internal static class KernelTool
{
    /// <summary>The repository root.</summary>
    public static string Root => Repository.Root;

    /// <summary>Debian's Python (the one with Jupyter's packages), not a pyenv or venv that may shadow it on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Debian's jupyter.</summary>
    public const string Jupyter = "/usr/bin/jupyter";

    /// <summary>The JUPYTER_PATH that holds the installed kernelspec.</summary>
    public static Task<string> JupyterPathAsync() => InteractiveSparkKernelSpec.JupyterPathAsync();

    /// <summary>A fresh folder under artifacts/ for one test's files (kept for a look after a failure).</summary>
    public static string NewRunFolder(string name)
    {
        var folder = Path.Combine(Root, "artifacts", "jupyter-tests", $"{name}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Executes <c>Notebooks/<paramref name="notebook"/></c> with Jupyter's nbconvert on this kernel (the installed
    /// kernelspec) into <paramref name="output"/>; <paramref name="sparkUrl"/> becomes ISPARK_TEST_SPARK. Returns nbconvert's
    /// exit code and log.
    /// </summary>
    public static Task<(int ExitCode, string Output)> ExecuteNotebookAsync(string notebook, string output, string? sparkUrl = null) =>
        ExecuteNotebookAsync(
            Path.Combine(AppContext.BaseDirectory, "Notebooks", notebook),
            output,
            sparkUrl is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ISPARK_TEST_SPARK"] = sparkUrl });

    /// <summary>
    /// Executes the notebook at <paramref name="notebookPath"/> with nbconvert on this kernel into <paramref name="output"/>,
    /// the kernel's environment extended with <paramref name="environment"/> (e.g. ISPARK_SESSIONS_DIR, so that a test's session
    /// records stay its own); nbconvert is killed after <paramref name="timeout"/> (4 min by default). Returns its exit code and log.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> ExecuteNotebookAsync(
        string notebookPath, string output, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var all = new Dictionary<string, string>(environment) { ["JUPYTER_PATH"] = await JupyterPathAsync() };
        return await RunAsync(
            Jupyter,
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=interactivespark-csharp",
             "--output", output, notebookPath],
            timeout ?? TimeSpan.FromMinutes(4),
            all);
    }

    /// <summary>Runs a process to its end (killed after <paramref name="timeout"/>); stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
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
            lock (output)
            {
                return (-1, $"{file} did not end within {timeout.TotalSeconds} s and was killed:\n{output}");
            }
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}

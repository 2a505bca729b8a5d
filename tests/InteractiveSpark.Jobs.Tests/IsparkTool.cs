using System.Diagnostics;
using System.Text;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>What one `ispark` invocation did.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Output">stdout and stderr, interleaved as written.</param>
/// <param name="Duration">Wall time.</param>
public sealed record IsparkResult(int ExitCode, string Output, TimeSpan Duration);

/// <summary>
/// Runs the real tool as a user does (a process: `dotnet ispark.dll ARGS`, the build of programs/InteractiveSpark.Cli), with the
/// extension packed from this repository into a folder of these tests (never the shared artifacts/packages) and a NuGet
/// cache of their own, emptied of InteractiveSpark packages after each pack so that the kernel loads this build.
/// </summary>
public static class IsparkTool
{
    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    /// <summary>The repository root.</summary>
    public static string Root { get; } = Repository.Root;

    /// <summary>The build configuration of these tests (the extension is packed in the same one).</summary>
    public static string Configuration { get; } = Repository.Configuration;

    /// <summary>Where these tests pack the extension.</summary>
    public static string PackagesFolder => Path.Combine(Root, "artifacts", "jobs-tests", "packages");

    /// <summary>The NuGet global packages folder of the kernels these tests start.</summary>
    public static string NuGetPackagesFolder => Path.Combine(Root, "artifacts", "jobs-tests", "nuget-packages");

    /// <summary>A fresh folder for one test's files (kept under artifacts/ for a look after a failure).</summary>
    public static string NewRunFolder()
    {
        var folder = Path.Combine(Root, "artifacts", "jobs-tests", "runs", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// ispark.dll as its own project builds it (the files its package holds), else the copy beside these tests. The copy
    /// beside the tests can miss a dependency the test project resolves differently (Microsoft.Extensions.Logging.Abstractions).
    /// </summary>
    public static string ToolPath
    {
        get
        {
            var built = Path.Combine(Root, "programs", "InteractiveSpark.Cli", "bin", Configuration, "net10.0", "ispark.dll");
            if (File.Exists(built))
            {
                return built;
            }

            var beside = Path.Combine(AppContext.BaseDirectory, "ispark.dll");
            return File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "ispark.runtimeconfig.json"))
                ? beside
                : throw new FileNotFoundException($"ispark.dll is neither at {built} nor beside the tests: build programs/InteractiveSpark.Cli -c {Configuration}.");
        }
    }

    /// <summary>Packs the extension once per test run; returns the package folder.</summary>
    public static Task<string> EnsurePackedAsync() => Packed.Value;

    /// <summary>Runs `ispark ARGS` in <paramref name="workingDirectory"/>; kills it after <paramref name="timeout"/> and fails.</summary>
    public static async Task<IsparkResult> RunAsync(
        IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        psi.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["NUGET_PACKAGES"] = NuGetPackagesFolder;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return await RunProcessAsync(psi, timeout ?? TimeSpan.FromMinutes(4));
    }

    /// <summary>Runs a process to its end (or kills it after the timeout and throws), capturing its output.</summary>
    public static async Task<IsparkResult> RunProcessAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
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

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        var watch = Stopwatch.StartNew();
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
            lock (output)
            {
                throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not end within {timeout.TotalSeconds:0} s:\n{output}");
            }
        }

        process.WaitForExit();
        lock (output)
        {
            return new IsparkResult(process.ExitCode, output.ToString(), watch.Elapsed);
        }
    }

    private static async Task<string> PackAsync()
    {
        // Built already (a project reference of these tests): pack only, into this folder.
        await ExtensionPack.PackAsync(Root, Configuration, PackagesFolder, NuGetPackagesFolder, noBuild: true);
        return PackagesFolder;
    }
}

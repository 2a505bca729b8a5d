namespace InteractiveSpark.Testing.Notebooks;

/// <summary>Which Jupyter kernel runs a notebook in <see cref="NotebookRunner"/>.</summary>
public enum NotebookKernel
{
    /// <summary>dotnet-interactive's C# kernel with the InteractiveSpark extension (the .NET Interactive host).</summary>
    DotnetInteractive,

    /// <summary>InteractiveSpark's own kernel (<c>ispark kernel</c>), magics built in.</summary>
    InteractiveSpark,
}

/// <summary>
/// InteractiveSpark's own Jupyter kernel for the tests: <c>dotnet ispark.dll kernel install --prefix</c> (once per test
/// process) into a folder of the run, and that folder as <c>JUPYTER_PATH</c>. ispark.dll runs from its own project's
/// output (the same configuration as the test), with its own deps: a copy beside a test assembly would resolve assemblies
/// as that test project does. A test project that uses it references programs/InteractiveSpark.Cli with
/// <c>ReferenceOutputAssembly="false"</c>, so that it is built.
/// </summary>
public static class InteractiveSparkKernelSpec
{
    /// <summary>The kernelspec's name (what <c>--ExecutePreprocessor.kernel_name</c> takes).</summary>
    public const string KernelName = "interactivespark-csharp";

    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>ispark.dll as built in programs/InteractiveSpark.Cli for this test's configuration.</summary>
    public static string ToolPath
    {
        get
        {
            // .../tests/PROJECT/bin/CONFIGURATION/TFM/ -> .../programs/InteractiveSpark.Cli/bin/CONFIGURATION/TFM/ispark.dll
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tool = Repository.PathOf("programs", "InteractiveSpark.Cli", "bin", here.Parent!.Name, here.Name, "ispark.dll");
            return File.Exists(tool)
                ? tool
                : throw new FileNotFoundException($"No {tool}: build programs/InteractiveSpark.Cli (the test project references it so that it is built).", tool);
        }
    }

    /// <summary>The JUPYTER_PATH that holds the installed kernelspec.</summary>
    public static Task<string> JupyterPathAsync() => Installed.Value;

    private static async Task<string> InstallAsync()
    {
        var prefix = Repository.PathOf("artifacts", "notebook-tests", $"kernelspec-{Environment.ProcessId}");
        var (exitCode, output) = await TestProcess.RunAsync("dotnet", [ToolPath, "kernel", "install", "--prefix", prefix], TimeSpan.FromMinutes(1));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"ispark kernel install --prefix {prefix} failed ({exitCode}):{Environment.NewLine}{output}");
        }

        var spec = Path.Combine(prefix, "share", "jupyter", "kernels", KernelName, "kernel.json");
        if (!File.Exists(spec))
        {
            throw new InvalidOperationException($"ispark kernel install --prefix {prefix} wrote no {spec}:{Environment.NewLine}{output}");
        }

        return Path.Combine(prefix, "share", "jupyter");
    }
}

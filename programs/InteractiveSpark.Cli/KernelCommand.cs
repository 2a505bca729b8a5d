using System.CommandLine;
using InteractiveSpark.Jupyter;
using InteractiveSpark.Jupyter.KernelSpec;

namespace InteractiveSpark.Cli;

/// <summary>
/// <c>ispark kernel -f CONNECTION_FILE</c>: the InteractiveSpark Jupyter kernel (what Jupyter starts), and
/// <c>ispark kernel install [--user | --prefix P]</c>: registers it with Jupyter. The kernel itself is
/// <see cref="KernelProgram"/> in kernel/InteractiveSpark.Jupyter; this is its command line.
/// </summary>
internal static class KernelCommand
{
    /// <summary>The command's name (IsparkCli leaves Ctrl+C to the kernel: there it interrupts a cell).</summary>
    public const string Name = "kernel";

    public static Command Create()
    {
        var connectionFile = new Option<FileInfo?>("--connection-file", "-f") { Description = "The connection file Jupyter writes (kernel.json's {connection_file})." };
        var command = new Command(Name, "Run the InteractiveSpark Jupyter kernel (C# cells, Spark sessions) for a Jupyter connection file; `ispark kernel install` registers it with Jupyter.")
        {
            connectionFile,
            CreateInstall(),
        };
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(connectionFile) is not { } file)
            {
                Console.Error.WriteLine("ispark kernel: give the connection file: ispark kernel -f FILE (Jupyter does; to register the kernel: ispark kernel install --user).");
                return ExitCodes.BadInput;
            }

            // Sessions the cells open log into this invocation's product log.
            return await KernelProgram.RunAsync(file.FullName, loggerFactory: CliLog.Factory).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateInstall()
    {
        var user = new Option<bool>("--user") { Description = "Install for this user (Jupyter's user data folder). The default." };
        var prefix = new Option<string?>("--prefix") { Description = "Install under PREFIX/share/jupyter (a virtualenv or conda prefix)." };
        var system = new Option<bool>("--system") { Description = "Install for every user (/usr/local/share/jupyter)." };
        var command = new Command("install", "Write the kernelspec \"C# (InteractiveSpark)\" so that Jupyter, JupyterLab, VS Code and nbconvert can pick this kernel.")
        {
            user, prefix, system,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(prefix) is { } p && (parse.GetValue(user) || parse.GetValue(system)))
            {
                Console.Error.WriteLine("ispark kernel install: --prefix goes alone (not with --user or --system).");
                return ExitCodes.BadInput;
            }

            var folder = KernelSpecInstaller.KernelsFolder(user: !parse.GetValue(system), parse.GetValue(prefix));
            var written = KernelSpecInstaller.Install(folder, [.. Launcher(), "kernel", "-f", "{connection_file}"], DotnetRoot());
            Console.Out.WriteLine($"Installed the kernel \"{KernelSpecInstaller.DisplayName}\" ({KernelSpecInstaller.KernelName}) in {written}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>How to start this very ispark again: its apphost, or dotnet with its assembly when run as `dotnet ispark.dll`.</summary>
    internal static string[] Launcher()
    {
        var process = Environment.ProcessPath ?? "ispark";
        var assembly = typeof(KernelCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? [process, assembly] : [process];
    }

    /// <summary>DOTNET_ROOT for the kernel, so the apphost finds the runtime whatever environment Jupyter was started with.</summary>
    private static Dictionary<string, string> DotnetRoot()
    {
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (string.IsNullOrEmpty(root))
        {
            var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
            root = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        }

        return root is null ? [] : new Dictionary<string, string> { ["DOTNET_ROOT"] = root };
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// Restores the packages of <c>#r "nuget:"</c> into a local cache and returns their assemblies. Done by the .NET SDK itself
/// (a generated project, <c>dotnet build</c>): NuGet's resolution, sources, credentials and asset selection are the SDK's,
/// which no library here reproduces faithfully. Each set of packages is restored once; later kernels reuse the folder.
/// </summary>
public sealed partial class NuGetRestorer
{
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(5);
    private readonly string _cacheRoot;

    /// <summary>A restorer caching under <paramref name="cacheRoot"/> (default: ~/.cache/interactivespark/kernel-nuget).</summary>
    public NuGetRestorer(string? cacheRoot = null) =>
        _cacheRoot = cacheRoot ?? Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "interactivespark", "kernel-nuget");

    /// <summary>The assemblies of <paramref name="packages"/> and their dependencies; a bad name or version is one <see cref="NuGetRestoreException"/>.</summary>
    public async Task<IReadOnlyList<string>> RestoreAsync(IReadOnlyList<NuGetReference> packages, CancellationToken cancellation)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', packages.Select(p => p.ToString().ToLowerInvariant())))))[..16];
        var folder = Path.Combine(_cacheRoot, key);
        var list = Path.Combine(folder, "assemblies.txt");
        if (File.Exists(list))
        {
            return await File.ReadAllLinesAsync(list, cancellation).ConfigureAwait(false);
        }

        Directory.CreateDirectory(folder);
        var project = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup",
                new XElement("TargetFramework", $"net{Environment.Version.Major}.0"),
                new XElement("CopyLocalLockFileAssemblies", "true"),
                new XElement("ManagePackageVersionsCentrally", "false"),
                new XElement("GenerateDocumentationFile", "false"),
                new XElement("TreatWarningsAsErrors", "false"),
                new XElement("NoWarn", "NU1603;NU1701")),
            new XElement("ItemGroup", packages.Select(p => new XElement("PackageReference",
                new XAttribute("Include", p.Name), new XAttribute("Version", p.Version ?? "*")))));
        await File.WriteAllTextAsync(Path.Combine(folder, "restore.csproj"), project.ToString(), cancellation).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(folder, "Empty.cs"), "", cancellation).ConfigureAwait(false);
        // The cache sits outside any repository, but a Directory.Build.props above it would still be imported: stop that.
        await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.props"), "<Project />", cancellation).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Packages.props"), "<Project />", cancellation).ConfigureAwait(false);

        var output = Path.Combine(folder, "out");
        var (exitCode, text) = await DotnetAsync(folder, ["build", "restore.csproj", "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:NoSummary"], cancellation).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new NuGetRestoreException(Explain(packages, text));
        }

        var assemblies = Directory.GetFiles(output, "*.dll").Where(f => !Path.GetFileName(f).Equals("restore.dll", StringComparison.OrdinalIgnoreCase)).Order().ToArray();
        await File.WriteAllLinesAsync(list, assemblies, cancellation).ConfigureAwait(false);
        return assemblies;
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(string folder, string[] args, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NuGetRestoreException("#r \"nuget:\" needs the .NET SDK (dotnet on PATH) to restore packages; it did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new NuGetRestoreException("#r \"nuget:\" needs the .NET SDK (dotnet on PATH) to restore packages; none was found.");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
            var stderr = process.StandardError.ReadToEndAsync(cancellation);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(RestoreTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellation.IsCancellationRequested)
                {
                    throw;
                }

                throw new NuGetRestoreException($"#r \"nuget:\": the restore did not finish within {RestoreTimeout.TotalMinutes} minutes (are the NuGet sources reachable?).");
            }

            return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
        }
    }

    /// <summary>One line from NuGet's errors: which package or version does not exist, else NuGet's first error.</summary>
    private static string Explain(IReadOnlyList<NuGetReference> packages, string output)
    {
        var match = NuGetError().Match(output);
        if (!match.Success)
        {
            return $"#r \"nuget:\": could not restore {string.Join("; ", packages)} (dotnet build failed without a NuGet error).";
        }

        var code = match.Groups["code"].Value;
        var message = match.Groups["message"].Value.Trim();
        var bracket = message.LastIndexOf(" [", StringComparison.Ordinal);
        message = bracket > 0 ? message[..bracket] : message;
        return code switch
        {
            "NU1101" => $"#r \"nuget:\": {message.TrimEnd('.')}; check the package name.",
            "NU1102" or "NU1103" => $"#r \"nuget:\": {message.Split(Environment.NewLine)[0].TrimEnd('.')}; check the version.",
            _ => $"#r \"nuget:\": {message}",
        };
    }

    [GeneratedRegex(@"error (?<code>NU\d{4}): (?<message>[^\r\n]*)")]
    private static partial Regex NuGetError();
}

/// <summary>A <c>#r "nuget:"</c> that could not be restored; the message is one line for the user.</summary>
public sealed class NuGetRestoreException : Exception
{
    /// <summary>A failure with a message for the user.</summary>
    public NuGetRestoreException(string message) : base(message)
    {
    }
}

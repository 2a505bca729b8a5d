namespace InteractiveSpark.Testing;

/// <summary>
/// Packs the notebook extension from this repository for the tests that start real kernels (nbconvert, ispark), and
/// empties the kernels' NuGet cache of every package the pack wrote: the version does not change between builds, so a
/// kernel would otherwise load the package an earlier pack left in the cache.
/// </summary>
public static class ExtensionPack
{
    /// <summary>
    /// <c>dotnet pack extensions/InteractiveSpark.Interactive</c> into <paramref name="packagesFolder"/> (with its
    /// dependencies of this repository), under a machine-wide lock (two packs of one project would write its obj/ at
    /// once), then removes those packages from <paramref name="nugetPackagesFolder"/>. Throws with the pack's output
    /// when it fails or writes no package.
    /// </summary>
    public static async Task PackAsync(string repositoryRoot, string configuration, string packagesFolder, string nugetPackagesFolder, bool noBuild)
    {
        var project = Path.Combine(repositoryRoot, "extensions", "InteractiveSpark.Interactive", "InteractiveSpark.Interactive.csproj");
        using var packLock = await LockAsync(Path.Combine(Path.GetTempPath(), "ispark-extension-pack.lock"));
        var args = new List<string> { "pack", project, "-c", configuration, "--disable-build-servers", "-nodeReuse:false", "-v", "q", "-nologo", $"-p:PackageOutputPath={packagesFolder}/" };
        if (noBuild)
        {
            args.Insert(4, "--no-build");
        }

        var (exitCode, output) = await TestProcess.RunAsync("dotnet", args, TimeSpan.FromMinutes(10));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack of the extension failed (exit code {exitCode}):\n{output}");
        }

        // Every package of this repository in the folder (the extension and what it depends on here). Not only those
        // written now: an up-to-date pack skips writing, and the cache may still hold an older build of the same version.
        var written = Directory.EnumerateFiles(packagesFolder, "InteractiveSpark.*.nupkg")
            .Select(f => PackageId(Path.GetFileName(f)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (!written.Contains("InteractiveSpark.Interactive", StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"dotnet pack wrote no InteractiveSpark.Interactive package to {packagesFolder}:\n{output}");
        }

        // Only a cached package that differs from the one in the folder is removed: test assemblies run side by side,
        // and removing a package a running kernel has loaded takes its assemblies from under the kernel's next
        // compilation ("compilation error" in the Marathon cluster notebook while another assembly packed).
        foreach (var package in Directory.EnumerateFiles(packagesFolder, "InteractiveSpark.*.nupkg"))
        {
            var fileName = Path.GetFileName(package);
            var id = PackageId(fileName);
            var cached = Path.Combine(nugetPackagesFolder, id.ToLowerInvariant());
            if (Directory.Exists(cached) && !CachedCopyIsIdentical(package, cached, id, fileName))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    /// <summary>Whether the cache holds exactly this package file (NuGet keeps <c>id/version/id.version.nupkg</c>, lower case).</summary>
    private static bool CachedCopyIsIdentical(string package, string cachedIdFolder, string id, string fileName)
    {
        var version = fileName[(id.Length + 1)..^".nupkg".Length];
        var cachedPackage = Path.Combine(cachedIdFolder, version.ToLowerInvariant(), fileName.ToLowerInvariant());
        if (!File.Exists(cachedPackage))
        {
            return false;
        }

        using var a = File.OpenRead(package);
        using var b = File.OpenRead(cachedPackage);
        return a.Length == b.Length
            && System.Security.Cryptography.SHA256.HashData(a).AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(b));
    }

    /// <summary>The id of <c>Id.1.2.3[-suffix].nupkg</c>: the name up to the first dot followed by a digit.</summary>
    private static string PackageId(string fileName)
    {
        var stem = fileName[..^".nupkg".Length];
        for (var i = 0; i < stem.Length - 1; i++)
        {
            if (stem[i] == '.' && char.IsAsciiDigit(stem[i + 1]))
            {
                return stem[..i];
            }
        }

        return stem;
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 1200)
            {
                await Task.Delay(500);
            }
        }
    }
}

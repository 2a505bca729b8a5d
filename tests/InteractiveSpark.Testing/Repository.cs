using System.Reflection;

namespace InteractiveSpark.Testing;

/// <summary>Where the repository is and how the tests were built (recorded at build time: the tests build this library with their configuration).</summary>
public static class Repository
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The build configuration of the tests (the extension is packed with the same one).</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (see the test project file).");
}

using Microsoft.CodeAnalysis;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// Where an assembly's XML documentation is: beside it (packages, the product's libraries), or for the shared framework in
/// the SDK's reference pack (the runtime folder ships none), so inspect shows the BCL's docs where an SDK is installed.
/// </summary>
internal static class XmlDocs
{
    private static readonly Lazy<string?> ReferencePack = new(FindReferencePack);

    public static DocumentationProvider? For(string assemblyPath)
    {
        var beside = Path.ChangeExtension(assemblyPath, ".xml");
        if (File.Exists(beside))
        {
            return XmlDocumentationProvider.CreateFromFile(beside);
        }

        if (ReferencePack.Value is { } pack)
        {
            // The runtime's CoreLib is documented in the reference pack as System.Runtime (the docs are keyed by member id, not by assembly).
            var name = Path.GetFileNameWithoutExtension(assemblyPath);
            var packed = Path.Combine(pack, (name == "System.Private.CoreLib" ? "System.Runtime" : name) + ".xml");
            if (File.Exists(packed))
            {
                return XmlDocumentationProvider.CreateFromFile(packed);
            }
        }

        return null;
    }

    private static string? FindReferencePack()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → <root>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net<major>.0
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var root = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var packs = root is null ? null : Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        if (packs is null || !Directory.Exists(packs))
        {
            return null;
        }

        var framework = $"net{Environment.Version.Major}.0";
        return Directory.GetDirectories(packs)
            .Select(d => Path.Combine(d, "ref", framework))
            .Where(Directory.Exists)
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}

using System.Runtime.InteropServices;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// One artifact to upload: the name the server files it under (<c>jars/udf.jar</c>, <c>files/data.csv</c>,
/// <c>archives/env.zip#env</c>, <c>cache/&lt;sha256&gt;</c>) and where its bytes come from (a local file or memory).
/// </summary>
internal sealed class LocalArtifact
{
    private static readonly string[] ArchiveSuffixes = [".zip", ".tar", ".tar.gz", ".tgz"];

    private readonly string? _path;
    private readonly ReadOnlyMemory<byte> _bytes;

    private LocalArtifact(string name, long length, string? path, ReadOnlyMemory<byte> bytes)
    {
        Name = name;
        Length = length;
        _path = path;
        _bytes = bytes;
    }

    /// <summary>The relative path the server keeps the artifact under.</summary>
    internal string Name { get; }

    /// <summary>The size in bytes when planned; a file that changes size before it is read fails the upload.</summary>
    internal long Length { get; }

    /// <summary>What a message names: the local path, else the artifact name.</summary>
    internal string Source => _path ?? Name;

    /// <summary>
    /// A local file, filed by its extension as PySpark's <c>addArtifacts</c> does: <c>.jar</c> under <c>jars/</c>
    /// (the session's class path), <c>.zip</c>/<c>.tar</c>/<c>.tar.gz</c>/<c>.tgz</c> under <c>archives/</c> (unpacked beside
    /// the executors; <c>path#alias</c> names the folder), anything else under <c>files/</c>. Checked now, before
    /// anything is sent: a path that is not a readable file is one clear <see cref="SparkException"/> naming it.
    /// </summary>
    internal static LocalArtifact FromPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new SparkException("Cannot add an artifact with an empty path.");
        }

        var (file, alias) = SplitAlias(path);
        var info = new FileInfo(file);
        if (Directory.Exists(file))
        {
            throw new SparkException($"Cannot add artifact '{path}': it is a directory; pack it into a .zip or .tar.gz archive first.");
        }

        if (!info.Exists)
        {
            throw new SparkException($"Cannot add artifact '{path}': no such file.", new FileNotFoundException(null, file));
        }

        var fileName = info.Name;
        var prefix = fileName.EndsWith(".jar", StringComparison.OrdinalIgnoreCase) ? "jars/"
            : IsArchive(fileName) ? "archives/"
            : "files/";
        if (alias is not null && prefix != "archives/")
        {
            throw new SparkException($"Cannot add artifact '{path}': only an archive (.zip, .tar, .tar.gz, .tgz) takes a '#alias'.");
        }

        var name = prefix + fileName + (alias is null ? "" : "#" + alias);
        return new LocalArtifact(name, info.Length, info.FullName, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Bytes in memory under a given name (e.g. <c>cache/&lt;sha256&gt;</c>).</summary>
    internal static LocalArtifact FromBytes(string name, ReadOnlyMemory<byte> bytes) => new(name, bytes.Length, null, bytes);

    /// <summary>Opens the artifact's bytes; a file that cannot be read is a <see cref="SparkException"/> naming it.</summary>
    internal Stream Open()
    {
        if (_path is null)
        {
            // Read in place: a cached chunk of local data is hundreds of KB, and copying it first is pure cost.
            return MemoryMarshal.TryGetArray(_bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(_bytes.ToArray(), writable: false);
        }

        try
        {
            return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReadFailed(e);
        }
    }

    /// <summary>The error for a file that failed while it was being read.</summary>
    internal SparkException ReadFailed(Exception e) => new($"Cannot read artifact '{Source}': {e.Message}", e);

    /// <summary>
    /// <c>env.zip#env</c>: the archive and the folder name it is unpacked into. A path whose whole text names an existing
    /// file is taken as it is, '#' and all.
    /// </summary>
    private static (string File, string? Alias) SplitAlias(string path)
    {
        var hash = path.LastIndexOf('#');
        if (hash <= 0 || File.Exists(path) || hash == path.Length - 1)
        {
            return (path, null);
        }

        return (path[..hash], path[(hash + 1)..]);
    }

    private static bool IsArchive(string fileName) =>
        ArchiveSuffixes.Any(s => fileName.EndsWith(s, StringComparison.OrdinalIgnoreCase));
}

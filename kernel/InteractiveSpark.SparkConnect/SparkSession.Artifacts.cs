using System.Security.Cryptography;

namespace InteractiveSpark.SparkConnect;

// Artifacts (spark.addArtifacts): jars for Java/Scala UDFs, files and archives for the executors. C# code cannot run on
// Spark's executors; a jar uploaded here can.
public sealed partial class SparkSession
{
    /// <summary>
    /// Uploads local files to this session on the server (<c>spark.addArtifacts</c>): a <c>.jar</c> joins the session's
    /// class path (its classes can then back a UDF, see <see cref="Udf"/>), a <c>.zip</c>, <c>.tar</c>, <c>.tar.gz</c>
    /// or <c>.tgz</c> is unpacked beside the executors (<c>path#alias</c> names its folder), any other file is copied
    /// there (<c>SparkFiles.get(name)</c> finds it). Returns the names the server files them under, such as
    /// <c>jars/udf.jar</c> or <c>files/data.csv</c>.
    /// </summary>
    /// <exception cref="SparkException">A path is not a readable file (checked before anything is sent), two paths have the
    /// same file name, or the server refused or failed the upload.</exception>
    public Task<IReadOnlyList<string>> AddArtifactsAsync(params string[] paths) => AddArtifactsAsync(paths, CancellationToken.None);

    /// <summary>
    /// Uploads local files to this session on the server; see <see cref="AddArtifactsAsync(string[])"/>. Files of up to
    /// 32 KiB travel together, larger ones in 32 KiB chunks, each with its CRC-32, which the server checks; the whole
    /// upload is bounded by <see cref="SparkSessionOptions.RequestTimeout"/>.
    /// </summary>
    /// <exception cref="SparkException">A path is not a readable file (checked before anything is sent), two paths have the
    /// same file name, or the server refused or failed the upload.</exception>
    public async Task<IReadOnlyList<string>> AddArtifactsAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var artifacts = paths.Select(LocalArtifact.FromPath).ToArray();
        var twice = artifacts.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new SparkException(
                $"Cannot add artifacts {string.Join(" and ", twice.Select(a => $"'{a.Source}'"))}: both would be '{twice.Key}' on the server.");
        }

        return artifacts.Length == 0 ? [] : await UploadAsync(artifacts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Which of <paramref name="names"/> the server holds for this session (<c>ArtifactStatus</c>). Spark 4.2's server
    /// answers this only for cache entries (<c>cache/&lt;sha256&gt;</c>, what a client caches large local data under);
    /// every other name, an uploaded jar or file included, is reported absent.
    /// </summary>
    /// <exception cref="SparkException">The server refused or failed the request.</exception>
    public async Task<IReadOnlyDictionary<string, bool>> ArtifactStatusAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var asked = names.ToArray();
        var response = await Client.ArtifactStatusesAsync(asked, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in asked)
        {
            result[name] = response.Statuses.TryGetValue(name, out var status) && status.Exists;
        }

        return result;
    }

    /// <summary>
    /// Stores <paramref name="blob"/> in the session's cache on the server (<c>cache/&lt;sha256&gt;</c>, as PySpark's
    /// <c>cache_artifact</c>) and returns its hash (lower-case hex), which a cached local relation refers to.
    /// </summary>
    internal async Task<string> CacheArtifactAsync(ReadOnlyMemory<byte> blob, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(blob.Span));
        await UploadAsync([LocalArtifact.FromBytes("cache/" + hash, blob)], cancellationToken).ConfigureAwait(false);
        return hash;
    }

    private async Task<IReadOnlyList<string>> UploadAsync(IReadOnlyList<LocalArtifact> artifacts, CancellationToken cancellationToken)
    {
        var response = await Client.AddArtifactsAsync(ct => ArtifactChunking.RequestsAsync(artifacts, ct), cancellationToken).ConfigureAwait(false);
        var discarded = response.Artifacts.Where(a => !a.IsCrcSuccessful).Select(a => a.Name).ToArray();
        if (discarded.Length > 0)
        {
            throw new SparkException(
                $"The Spark server discarded {string.Join(", ", discarded)}: what it received did not match the checksum sent; add it again.");
        }

        return artifacts.Select(a => a.Name).ToArray();
    }
}

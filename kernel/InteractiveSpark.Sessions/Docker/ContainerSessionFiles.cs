using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>
/// Puts a session's secret files into a created (not yet started) container through the Engine's archive API:
/// <c>/opt/ispark/session/</c> (0700) with each file 0600, all owned by the image's <c>spark</c> user (185). What is
/// written this way is in the container's file system only: not in its definition (<c>docker inspect</c>), its
/// environment or any command line.
/// </summary>
internal static class ContainerSessionFiles
{
    /// <summary>The folder inside the container (the entrypoint reads it).</summary>
    public const string Folder = "/opt/ispark/session";

    private const int SparkUser = 185;

    /// <summary>Writes <paramref name="files"/> (name, UTF-8 text) into <see cref="Folder"/> of container <paramref name="id"/>.</summary>
    public static async Task WriteAsync(DockerClient client, string id, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        using var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, Folder.TrimStart('/') + "/")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                Uid = SparkUser,
                Gid = SparkUser,
                ModificationTime = DateTimeOffset.UtcNow,
            });
            foreach (var (name, text) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, Folder.TrimStart('/') + "/" + name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    Uid = SparkUser,
                    Gid = SparkUser,
                    ModificationTime = DateTimeOffset.UtcNow,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                });
            }
        }

        archive.Position = 0;
        await client.Containers.ExtractArchiveToContainerAsync(
            id, 
            // At the root: an image without /opt/ispark (not the driver image) gets the folder too, and then fails its own way.
            new ContainerPathStatParameters { Path = "/", AllowOverwriteDirWithFile = false }, archive, cancellationToken).ConfigureAwait(false);
    }
}

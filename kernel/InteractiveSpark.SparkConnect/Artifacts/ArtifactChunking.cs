using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Turns artifacts into AddArtifacts requests as PySpark's client does: artifacts of at most one chunk travel together
/// in batches of up to one chunk's worth of bytes; a larger one as a begin_chunk (name, size, chunk count, first chunk)
/// followed by its other chunks. Every chunk carries the CRC-32 of its bytes, which the server checks. Files are read
/// one chunk at a time, so memory stays flat whatever their size.
/// </summary>
internal static class ArtifactChunking
{
    /// <summary>32 KiB, PySpark's chunk size: what the server expects a client to send per message.</summary>
    internal const int ChunkSize = 32 * 1024;

    /// <summary>The requests for <paramref name="artifacts"/>, in order, reading their bytes as they are sent.</summary>
    internal static async IAsyncEnumerable<AddArtifactsRequest> RequestsAsync(
        IReadOnlyList<LocalArtifact> artifacts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new AddArtifactsRequest.Types.Batch();
        long batchBytes = 0;
        var buffer = new byte[ChunkSize];
        foreach (var artifact in artifacts)
        {
            if (artifact.Length <= ChunkSize)
            {
                var stream = artifact.Open();
                await using (stream.ConfigureAwait(false))
                {
                    var data = await ReadChunkAsync(artifact, stream, buffer, (int)artifact.Length, last: true, cancellationToken).ConfigureAwait(false);
                    if (batch.Artifacts.Count > 0 && batchBytes + data.Length > ChunkSize)
                    {
                        yield return new AddArtifactsRequest { Batch = batch };
                        batch = new AddArtifactsRequest.Types.Batch();
                        batchBytes = 0;
                    }

                    batch.Artifacts.Add(new AddArtifactsRequest.Types.SingleChunkArtifact { Name = artifact.Name, Data = Chunk(data) });
                    batchBytes += data.Length;
                }

                continue;
            }

            // The server takes one chunked artifact at a time and in order: what is batched so far goes first.
            if (batch.Artifacts.Count > 0)
            {
                yield return new AddArtifactsRequest { Batch = batch };
                batch = new AddArtifactsRequest.Types.Batch();
                batchBytes = 0;
            }

            var chunks = (artifact.Length + ChunkSize - 1) / ChunkSize;
            var file = artifact.Open();
            await using (file.ConfigureAwait(false))
            {
                for (long i = 0; i < chunks; i++)
                {
                    var size = (int)Math.Min(ChunkSize, artifact.Length - (i * ChunkSize));
                    var data = await ReadChunkAsync(artifact, file, buffer, size, last: i == chunks - 1, cancellationToken).ConfigureAwait(false);
                    yield return i == 0
                        ? new AddArtifactsRequest
                        {
                            BeginChunk = new AddArtifactsRequest.Types.BeginChunkedArtifact
                            {
                                Name = artifact.Name, TotalBytes = artifact.Length, NumChunks = chunks, InitialChunk = Chunk(data),
                            },
                        }
                        : new AddArtifactsRequest { Chunk = Chunk(data) };
                }
            }
        }

        if (batch.Artifacts.Count > 0)
        {
            yield return new AddArtifactsRequest { Batch = batch };
        }
    }

    private static AddArtifactsRequest.Types.ArtifactChunk Chunk(ByteString data) =>
        new() { Data = data, Crc = Crc32.HashToUInt32(data.Span) };

    /// <summary>
    /// Reads exactly <paramref name="size"/> bytes (and, for the last chunk, checks that the file ends there): a file that
    /// changed size since it was planned would otherwise reach the server cut short or with a wrong declared size.
    /// </summary>
    private static async Task<ByteString> ReadChunkAsync(
        LocalArtifact artifact, Stream stream, byte[] buffer, int size, bool last, CancellationToken cancellationToken)
    {
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var data = ByteString.CopyFrom(buffer, 0, read);
            if (read < size || (last && await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0))
            {
                throw new SparkException($"Cannot add artifact '{artifact.Source}': the file changed while it was being uploaded.");
            }

            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw artifact.ReadFailed(e);
        }
    }
}

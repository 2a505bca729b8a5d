using System.Globalization;
using System.Text;
using Apache.Arrow.Ipc;
using Google.Protobuf;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Sends local rows to the server for a DataFrame, as PySpark's <c>createDataFrame</c> does: inline in the plan when the
/// Arrow data is small, else as a <c>ChunkedCachedLocalRelation</c>: Arrow IPC streams of at most the server's chunk
/// size (bytes and rows), each uploaded as a <c>cache/&lt;sha256&gt;</c> artifact as soon as it is full, and the schema
/// as one more. Only one chunk is in memory at a time, so the client's memory stays flat whatever the size of the data.
/// </summary>
internal sealed class LocalRelationUpload
{
    // The server's settings PySpark reads too; the values below are Spark 4.2's defaults, used if a key is unknown.
    private const string ThresholdKey = "spark.sql.session.localRelationCacheThreshold";
    private const string ChunkBytesKey = "spark.sql.session.localRelationChunkSizeBytes";
    private const string ChunkRowsKey = "spark.sql.session.localRelationChunkSizeRows";
    private const string BatchOfChunksKey = "spark.sql.session.localRelationBatchOfChunksSizeBytes";

    /// <summary>Rows per Arrow record batch inside a chunk: big enough for columnar speed, small enough to stay flat.</summary>
    private const int RowsPerBatch = 8192;

    private readonly SparkSession _session;
    private readonly StructType _schema;

    private LocalRelationUpload(SparkSession session, StructType schema)
    {
        _session = session;
        _schema = schema;
    }

    /// <summary>How many chunks the last upload of a session made (0: inline); what tests look at.</summary>
    internal int ChunkCount { get; private set; }

    internal long Threshold { get; private set; } = 64L << 20;

    internal long ChunkBytes { get; private set; } = 16L << 20;

    internal long ChunkRows { get; private set; } = 10_000;

    public static async Task<(P.Relation Relation, LocalRelationUpload Upload)> SendAsync(
        SparkSession session, IEnumerable<IReadOnlyList<object?>> rows, StructType schema, CancellationToken ct)
    {
        var upload = new LocalRelationUpload(session, schema);
        await upload.ReadLimitsAsync(ct).ConfigureAwait(false);
        var relation = await upload.RunAsync(rows, ct).ConfigureAwait(false);
        return (relation, upload);
    }

    private async Task ReadLimitsAsync(CancellationToken ct)
    {
        var operation = new P.ConfigRequest.Types.Operation
        {
            GetOption = new P.ConfigRequest.Types.GetOption { Keys = { ThresholdKey, ChunkBytesKey, ChunkRowsKey, BatchOfChunksKey } },
        };
        var response = await _session.Client.ConfigAsync(operation, ct).ConfigureAwait(false);
        var values = response.Pairs.Where(p => p.HasValue).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (values.TryGetValue(ThresholdKey, out var t) && ParseBytes(t) is { } threshold) Threshold = threshold;
        if (values.TryGetValue(ChunkBytesKey, out var b) && ParseBytes(b) is { } bytes) ChunkBytes = bytes;
        if (values.TryGetValue(ChunkRowsKey, out var r) && long.TryParse(r, CultureInfo.InvariantCulture, out var chunkRows)) ChunkRows = chunkRows;
        // The server's cap on what a client holds while uploading bounds the chunk too.
        if (values.TryGetValue(BatchOfChunksKey, out var m) && ParseBytes(m) is { } most) ChunkBytes = Math.Min(ChunkBytes, most);
        if (_session.Client.Options.LocalRelationCacheThreshold is { } own) Threshold = own;
    }

    private async Task<P.Relation> RunAsync(IEnumerable<IReadOnlyList<object?>> rows, CancellationToken ct)
    {
        var arrowSchema = LocalArrow.Schema(_schema);
        var hashes = new List<string>();
        using var buffer = new MemoryStream();
        var writer = new ArrowStreamWriter(buffer, arrowSchema, leaveOpen: true);
        long rowsInChunk = 0;
        long rowIndex = 0;
        try
        {
            var batchRows = (int)Math.Max(1, Math.Min(RowsPerBatch, ChunkRows));
            foreach (var group in rows.Chunk(batchRows))
            {
                ct.ThrowIfCancellationRequested();
                await writer.WriteRecordBatchAsync(LocalArrow.Batch(group, _schema, arrowSchema, rowIndex), ct).ConfigureAwait(false);
                rowIndex += group.Length;
                rowsInChunk += group.Length;
                if (buffer.Length < ChunkBytes && rowsInChunk < ChunkRows) continue;

                // The chunk is full: it goes to the server now, and its buffer is reused for the next one.
                await writer.WriteEndAsync(ct).ConfigureAwait(false);
                writer.Dispose();
                hashes.Add(await _session.CacheArtifactAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false));
                buffer.SetLength(0);
                writer = new ArrowStreamWriter(buffer, arrowSchema, leaveOpen: true);
                rowsInChunk = 0;
            }

            if (rowIndex == 0 || rowsInChunk > 0)
            {
                // An empty DataFrame still needs one stream: its schema.
                if (rowIndex == 0) await writer.WriteRecordBatchAsync(LocalArrow.Batch([], _schema, arrowSchema, 0), ct).ConfigureAwait(false);
                await writer.WriteEndAsync(ct).ConfigureAwait(false);
                if (hashes.Count == 0 && buffer.Length <= Threshold)
                {
                    var local = new P.LocalRelation
                    {
                        Data = ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length),
                        Schema = TypeStrings.Json(_schema.ToProto()),
                    };
                    return new P.Relation { LocalRelation = local };
                }

                hashes.Add(await _session.CacheArtifactAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false));
            }
        }
        finally
        {
            writer.Dispose();
        }

        ChunkCount = hashes.Count;
        var schemaHash = await _session.CacheArtifactAsync(Encoding.UTF8.GetBytes(TypeStrings.Json(_schema.ToProto())), ct).ConfigureAwait(false);
        var chunked = new P.ChunkedCachedLocalRelation { SchemaHash = schemaHash };
        chunked.DataHashes.Add(hashes);
        return new P.Relation { ChunkedCachedLocalRelation = chunked };
    }

    /// <summary>Spark's byte sizes: a number of bytes, or a number with a unit (b, k, kb, m, mb, g, gb, t, tb).</summary>
    internal static long? ParseBytes(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        var digits = 0;
        while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
        if (digits == 0 || !long.TryParse(s.AsSpan(0, digits), CultureInfo.InvariantCulture, out var n)) return null;
        long scale = s[digits..] switch
        {
            "" or "b" => 1,
            "k" or "kb" => 1L << 10,
            "m" or "mb" => 1L << 20,
            "g" or "gb" => 1L << 30,
            "t" or "tb" => 1L << 40,
            _ => 0,
        };
        return scale == 0 ? null : checked(n * scale);
    }
}

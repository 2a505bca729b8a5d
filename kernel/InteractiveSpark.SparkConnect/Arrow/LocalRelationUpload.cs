using System.Globalization;
using System.Text;
using Apache.Arrow;
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

    /// <summary>Rows per Arrow record batch inside a chunk (what callers group rows by).</summary>
    internal static int BatchRows => RowsPerBatch;

    /// <summary>
    /// Sends <paramref name="batches"/> (all of <paramref name="arrowSchema"/>, Spark's <paramref name="schema"/>): each is
    /// written into the current chunk, sliced where a chunk or a batch would overflow, and disposed once written when
    /// <paramref name="ownsBatches"/>. <paramref name="empty"/> makes the one empty batch an empty DataFrame still sends.
    /// </summary>
    public static async Task<(P.Relation Relation, LocalRelationUpload Upload)> SendAsync(
        SparkSession session, IAsyncEnumerable<RecordBatch> batches, Schema arrowSchema, StructType schema, bool ownsBatches,
        Func<RecordBatch>? empty, CancellationToken ct)
    {
        var upload = new LocalRelationUpload(session, schema);
        await upload.ReadLimitsAsync(ct).ConfigureAwait(false);
        var relation = await upload.RunAsync(batches, arrowSchema, ownsBatches, empty, ct).ConfigureAwait(false);
        return (relation, upload);
    }

    /// <summary>The rows as record batches of <see cref="RowsPerBatch"/> rows, encoded as they are enumerated.</summary>
    public static IEnumerable<RecordBatch> RowBatches(IEnumerable<IReadOnlyList<object?>> rows, StructType schema, Schema arrowSchema)
    {
        long rowIndex = 0;
        foreach (var group in rows.Chunk(RowsPerBatch))
        {
            yield return LocalArrow.Batch(group, schema, arrowSchema, rowIndex);
            rowIndex += group.Length;
        }
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

    private async Task<P.Relation> RunAsync(IAsyncEnumerable<RecordBatch> batches, Schema arrowSchema, bool ownsBatches, Func<RecordBatch>? empty, CancellationToken ct)
    {
        // Until the data passes the threshold it is one inline stream (as PySpark decides on the whole table); past it, what
        // was written is read back into chunks and the rest goes straight to chunks. Either buffer holds at most about
        // the threshold or one chunk, whatever the size of the data.
        using var inline = new MemoryStream();
        var inlineWriter = Threshold > 0 ? new ArrowStreamWriter(inline, arrowSchema, leaveOpen: true) : null;
        var chunks = new ChunkWriter(this, arrowSchema);
        var wroteAny = false;
        try
        {
            await foreach (var batch in batches.WithCancellation(ct).ConfigureAwait(false))
            {
                try
                {
                    if (batch.Length == 0 && wroteAny) continue;
                    wroteAny = true;
                    if (inlineWriter is null)
                    {
                        await chunks.AddAsync(batch, ct).ConfigureAwait(false);
                        continue;
                    }

                    for (var offset = 0; offset < batch.Length || offset == 0; offset += RowsPerBatch)
                    {
                        var take = Math.Min(batch.Length - offset, RowsPerBatch);
                        await inlineWriter.WriteRecordBatchAsync(take == batch.Length ? batch : batch.Slice(offset, take), ct).ConfigureAwait(false);
                        if (take == 0) break;
                    }

                    if (inline.Length > Threshold)
                    {
                        await inlineWriter.WriteEndAsync(ct).ConfigureAwait(false);
                        inlineWriter.Dispose();
                        inlineWriter = null;
                        inline.Position = 0;
                        using (var reader = new ArrowStreamReader(inline, leaveOpen: true))
                        {
                            while (await reader.ReadNextRecordBatchAsync(ct).ConfigureAwait(false) is { } written)
                            {
                                using (written) await chunks.AddAsync(written, ct).ConfigureAwait(false);
                            }
                        }

                        inline.SetLength(0);
                        inline.Capacity = 0;
                    }
                }
                finally
                {
                    if (ownsBatches) batch.Dispose();
                }
            }

            if (!wroteAny)
            {
                // An empty DataFrame still needs one stream with one (empty) batch: its schema.
                using var none = empty?.Invoke() ?? throw new ArgumentException("CreateDataFrame: no record batches were given; an empty batch carries the schema.");
                if (inlineWriter is not null) await inlineWriter.WriteRecordBatchAsync(none, ct).ConfigureAwait(false);
                else await chunks.AddAsync(none, ct).ConfigureAwait(false);
            }

            if (inlineWriter is not null)
            {
                await inlineWriter.WriteEndAsync(ct).ConfigureAwait(false);
                var local = new P.LocalRelation
                {
                    Data = ByteString.CopyFrom(inline.GetBuffer(), 0, (int)inline.Length),
                    Schema = TypeStrings.Json(_schema.ToProto()),
                };
                return new P.Relation { LocalRelation = local };
            }

            var hashes = await chunks.FinishAsync(ct).ConfigureAwait(false);
            ChunkCount = hashes.Count;
            var schemaHash = await _session.CacheArtifactAsync(Encoding.UTF8.GetBytes(TypeStrings.Json(_schema.ToProto())), ct).ConfigureAwait(false);
            var chunked = new P.ChunkedCachedLocalRelation { SchemaHash = schemaHash };
            chunked.DataHashes.Add(hashes);
            return new P.Relation { ChunkedCachedLocalRelation = chunked };
        }
        finally
        {
            inlineWriter?.Dispose();
            chunks.Dispose();
        }
    }

    /// <summary>
    /// Writes batches into Arrow IPC streams of at most the server's chunk size (rows and bytes), slicing a batch where a
    /// chunk would overflow, and uploads each stream as a cached artifact as soon as it is full. The upload of one chunk
    /// runs while the next is encoded (the server's round trip per chunk, not the client, set the pace when they took
    /// turns), so two chunk buffers exist, used in turn: memory stays flat at two chunks.
    /// </summary>
    private sealed class ChunkWriter(LocalRelationUpload upload, Schema arrowSchema) : IDisposable
    {
        private readonly List<string> _hashes = [];
        private MemoryStream _buffer = new();
        private MemoryStream _spare = new();
        private Task<string>? _uploading;
        private ArrowStreamWriter? _writer;
        private long _rows;

        public async Task AddAsync(RecordBatch batch, CancellationToken ct)
        {
            var chunkRows = Math.Max(1, upload.ChunkRows);
            var offset = 0;
            do
            {
                // A piece never makes a chunk longer than the server's row limit, nor a batch longer than ours.
                var take = (int)Math.Min(Math.Min(batch.Length - offset, RowsPerBatch), chunkRows - _rows);
                _writer ??= new ArrowStreamWriter(_buffer, arrowSchema, leaveOpen: true);
                await _writer.WriteRecordBatchAsync(offset == 0 && take == batch.Length ? batch : batch.Slice(offset, take), ct).ConfigureAwait(false);
                offset += take;
                _rows += take;
                if (_buffer.Length >= upload.ChunkBytes || _rows >= chunkRows) await FlushAsync(ct).ConfigureAwait(false);
            }
            while (offset < batch.Length);
        }

        public async Task<List<string>> FinishAsync(CancellationToken ct)
        {
            if (_writer is not null) await FlushAsync(ct).ConfigureAwait(false);
            if (_uploading is not null) _hashes.Add(await _uploading.ConfigureAwait(false));
            _uploading = null;
            return _hashes;
        }

        public void Dispose()
        {
            _writer?.Dispose();
            // An upload still running (the encoding failed or was cancelled) fails or ends on its own; its error is moot.
            _uploading?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        private async Task FlushAsync(CancellationToken ct)
        {
            await _writer!.WriteEndAsync(ct).ConfigureAwait(false);
            _writer.Dispose();
            _writer = null;
            if (_uploading is not null) _hashes.Add(await _uploading.ConfigureAwait(false));
            _uploading = upload._session.CacheArtifactAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
            (_buffer, _spare) = (_spare, _buffer);
            _buffer.SetLength(0);
            _rows = 0;
        }
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

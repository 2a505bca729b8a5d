using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
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

    /// <summary>
    /// Rows per Arrow record batch inside a chunk: big enough for columnar speed, small enough to stay flat, and Spark's
    /// default rows per chunk, so that with the server's defaults a batch fills a chunk exactly and is never sliced.
    /// </summary>
    private const int RowsPerBatch = 10_000;

    private const string CachePrefix = "cache/";

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

    /// <summary>The most a client should hold of chunks while uploading (the server's batch-of-chunks size).</summary>
    internal long BatchOfChunksBytes { get; private set; } = 1L << 30;

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
        if (values.TryGetValue(BatchOfChunksKey, out var m) && ParseBytes(m) is { } most)
        {
            BatchOfChunksBytes = most;
            ChunkBytes = Math.Min(ChunkBytes, most);
        }
        if (_session.Client.Options.LocalRelationCacheThreshold is { } own) Threshold = own;
    }

    private async Task<P.Relation> RunAsync(IAsyncEnumerable<RecordBatch> batches, Schema arrowSchema, bool ownsBatches, Func<RecordBatch>? empty, CancellationToken ct)
    {
        // Until the data passes the threshold it is one inline stream (as PySpark decides on the whole table); past it, what
        // was written is read back into chunks and the rest goes straight to chunks. Either buffer holds at most about
        // the threshold or one chunk, whatever the size of the data.
        using var inline = new MemoryStream();
        var inlineWriter = Threshold > 0 ? new ArrowStreamWriter(inline, arrowSchema, leaveOpen: true) : null;
        var chunks = new ChunkWriter(this, arrowSchema, ct);
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
    /// chunk would overflow, and streams each full chunk to the server as a cached artifact while the next ones are
    /// encoded. Chunks travel many to an <c>AddArtifacts</c> call, as Spark's JVM client sends a batch of chunks per call
    /// (one call per chunk made the round trip per chunk, not the client, set the pace): a call takes chunks as they are
    /// flushed until it carried <see cref="CallBytes"/> (or the server's batch-of-chunks limit) or as many chunks as the
    /// pool allows, and keeps them until the server confirmed them, so that a retried call sends them again. Chunk buffers
    /// are reused from a pool sized for one call plus the chunk being encoded and the next: memory stays flat (about
    /// <see cref="CallBytes"/> plus two chunks) whatever the size of the data.
    /// </summary>
    private sealed class ChunkWriter : IDisposable
    {
        /// <summary>The most bytes of chunks one AddArtifacts call carries.</summary>
        private const long CallBytes = 16L << 20;

        /// <summary>The most chunks one AddArtifacts call carries.</summary>
        private const int CallChunks = 32;

        private readonly LocalRelationUpload _upload;
        private readonly Schema _arrowSchema;
        private readonly CancellationToken _ct;
        private readonly Channel<MemoryStream> _free = Channel.CreateUnbounded<MemoryStream>();
        private readonly Channel<MemoryStream> _ready = Channel.CreateUnbounded<MemoryStream>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly List<string> _hashes = [];
        private readonly long _callBytes;
        private readonly Task _sending;
        private int _created;
        private int _largest = 1;
        private int _callLimit = CallChunks;
        private MemoryStream? _buffer;
        private ArrowStreamWriter? _writer;
        private long _rows;

        public ChunkWriter(LocalRelationUpload upload, Schema arrowSchema, CancellationToken ct)
        {
            _upload = upload;
            _arrowSchema = arrowSchema;
            _ct = ct;
            _callBytes = Math.Max(1, Math.Min(CallBytes, upload.BatchOfChunksBytes));
            _sending = Task.Run(SendAsync, CancellationToken.None);
        }

        public async Task AddAsync(RecordBatch batch, CancellationToken ct)
        {
            var chunkRows = Math.Max(1, _upload.ChunkRows);
            var offset = 0;
            do
            {
                // A piece never makes a chunk longer than the server's row limit, nor a batch longer than ours.
                var take = (int)Math.Min(Math.Min(batch.Length - offset, RowsPerBatch), chunkRows - _rows);
                _buffer ??= await FreeBufferAsync(ct).ConfigureAwait(false);
                _writer ??= new ArrowStreamWriter(_buffer, _arrowSchema, leaveOpen: true);
                await _writer.WriteRecordBatchAsync(offset == 0 && take == batch.Length ? batch : batch.Slice(offset, take), ct).ConfigureAwait(false);
                offset += take;
                _rows += take;
                if (_buffer.Length >= _upload.ChunkBytes || _rows >= chunkRows) await FlushAsync(ct).ConfigureAwait(false);
            }
            while (offset < batch.Length);
        }

        public async Task<List<string>> FinishAsync(CancellationToken ct)
        {
            if (_writer is not null) await FlushAsync(ct).ConfigureAwait(false);
            _ready.Writer.TryComplete();
            await _sending.WaitAsync(ct).ConfigureAwait(false);
            return _hashes;
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _ready.Writer.TryComplete();
            // A sender still running (the encoding failed or was cancelled) ends on its own; its error is moot then.
            _sending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        private async Task FlushAsync(CancellationToken ct)
        {
            await _writer!.WriteEndAsync(ct).ConfigureAwait(false);
            _writer.Dispose();
            _writer = null;
            if (_buffer!.Length > _largest)
            {
                // A call holds about CallBytes of chunks: the larger the chunks, the fewer a call (and the pool) takes.
                _largest = (int)Math.Min(int.MaxValue, _buffer.Length);
                Volatile.Write(ref _callLimit, (int)Math.Clamp((_callBytes + _largest - 1) / _largest, 1, CallChunks));
            }

            _ready.Writer.TryWrite(_buffer);
            _buffer = null;
            _rows = 0;
        }

        /// <summary>A chunk buffer: a free one, a new one while the pool is not full, else the next one a call gives back.</summary>
        private async Task<MemoryStream> FreeBufferAsync(CancellationToken ct)
        {
            while (true)
            {
                if (_free.Reader.TryRead(out var free))
                {
                    free.SetLength(0);
                    return free;
                }

                // One call's chunks, the one being encoded and the one queued.
                if (_created < Volatile.Read(ref _callLimit) + 2)
                {
                    _created++;
                    return new MemoryStream(_largest);
                }

                // A sender that failed must not leave the encoder waiting for a buffer that never comes back.
                var waiting = _free.Reader.WaitToReadAsync(ct).AsTask();
                if (await Task.WhenAny(waiting, _sending).ConfigureAwait(false) == _sending)
                {
                    await _sending.ConfigureAwait(false);
                    throw new InvalidOperationException("The upload of the local data ended before all of it was sent.");
                }
            }
        }

        /// <summary>Sends the chunks in the order they are flushed, many to a call, until the encoder is done.</summary>
        private async Task SendAsync()
        {
            while (await _ready.Reader.WaitToReadAsync(_ct).ConfigureAwait(false))
            {
                var call = new List<(string Name, MemoryStream Buffer)>();
                var response = await _upload._session.Client.AddArtifactsAsync(ct => RequestsAsync(call, ct), _ct).ConfigureAwait(false);
                if (response.Artifacts.FirstOrDefault(a => !a.IsCrcSuccessful) is { } discarded)
                {
                    throw new SparkException(
                        $"The Spark server discarded {discarded.Name} of the local data: what it received did not match the checksum sent; create the DataFrame again.");
                }

                foreach (var (name, buffer) in call)
                {
                    _hashes.Add(name[CachePrefix.Length..]);
                    _free.Writer.TryWrite(buffer);
                }
            }
        }

        /// <summary>
        /// The requests of one call: first the chunks it already carried (a retried call sends them again), then new ones as
        /// the encoder flushes them, until the call is full or the encoder is done. A chunk equal to one already in the call
        /// (the same name) is sent once.
        /// </summary>
        private async IAsyncEnumerable<P.AddArtifactsRequest> RequestsAsync(List<(string Name, MemoryStream Buffer)> call, [EnumeratorCancellation] CancellationToken ct)
        {
            var sent = new HashSet<string>(StringComparer.Ordinal);
            var open = Stopwatch.StartNew();
            long carried = 0;
            for (var i = 0; ; i++)
            {
                if (i == call.Count)
                {
                    if (carried >= _callBytes || call.Count >= Volatile.Read(ref _callLimit) || !await NextChunkAsync(call.Count, open.Elapsed, ct).ConfigureAwait(false))
                    {
                        yield break;
                    }

                    var next = await _ready.Reader.ReadAsync(ct).ConfigureAwait(false);
                    call.Add((CachePrefix + Convert.ToHexStringLower(SHA256.HashData(next.GetBuffer().AsSpan(0, (int)next.Length))), next));
                }

                var (name, buffer) = call[i];
                carried += buffer.Length;
                if (!sent.Add(name))
                {
                    continue;
                }

                var artifact = LocalArtifact.FromBytes(name, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
                await foreach (var request in ArtifactChunking.RequestsAsync([artifact], ct).ConfigureAwait(false))
                {
                    yield return request;
                }
            }
        }

        /// <summary>
        /// Whether another chunk comes for the open call. A call that carries chunks waits for the encoder at most until it
        /// has been open a quarter of the request timeout: a slow source of rows ends the call early (the next chunk opens
        /// another) rather than running it into its deadline.
        /// </summary>
        private async Task<bool> NextChunkAsync(int carried, TimeSpan open, CancellationToken ct)
        {
            if (carried == 0 || _ready.Reader.TryPeek(out _))
            {
                return await _ready.Reader.WaitToReadAsync(ct).ConfigureAwait(false);
            }

            var budget = (_upload._session.Client.Options.RequestTimeout / 4) - open;
            if (budget <= TimeSpan.Zero)
            {
                return false;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(budget);
            try
            {
                return await _ready.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
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

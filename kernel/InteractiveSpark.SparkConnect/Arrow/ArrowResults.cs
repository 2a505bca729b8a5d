using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Google.Protobuf;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The results of an ExecutePlan response stream: the Arrow batches (each <c>ArrowBatch.data</c> is an Arrow IPC
/// stream), and rows decoded from them to natural .NET values (see <see cref="Row"/> for the mapping).
/// </summary>
/// <remarks>
/// Batches are read in place from the protobuf message's bytes (no copy): a <see cref="RecordBatch"/> keeps its
/// response's buffer alive and is the caller's to keep or dispose. Only one batch is held at a time, so iterating
/// rows uses memory for one batch whatever the size of the result. A batch the server split into chunks
/// (<c>num_chunks_in_batch</c> &gt; 1) is put back together first. Responses other than Arrow batches and the
/// schema are skipped.
/// </remarks>
internal static class ArrowResults
{
    /// <summary>The Arrow batches of an ExecutePlan response stream, in order.</summary>
    public static IAsyncEnumerable<RecordBatch> ReadBatchesAsync(IAsyncEnumerable<ExecutePlanResponse> responses, CancellationToken ct = default) =>
        ReadBatchesAsync(responses, onSchema: null, ct);

    /// <summary>
    /// The Arrow batches of an ExecutePlan response stream, in order; <paramref name="onSchema"/> is called with
    /// the Spark schema when the stream carries one (before the first batch).
    /// </summary>
    public static async IAsyncEnumerable<RecordBatch> ReadBatchesAsync(
        IAsyncEnumerable<ExecutePlanResponse> responses,
        Action<StructType>? onSchema,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(responses);
        List<ByteString>? chunks = null;
        await foreach (var response in responses.WithCancellation(ct).ConfigureAwait(false))
        {
            if (response.Schema is { } schema && onSchema is not null) onSchema(ToStructType(DataType.FromProto(schema)));
            if (response.ResponseTypeCase != ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch) continue;
            var arrow = response.ArrowBatch;
            ReadOnlyMemory<byte> data;
            if (arrow.HasNumChunksInBatch && arrow.NumChunksInBatch > 1)
            {
                chunks ??= [];
                long index = arrow.HasChunkIndex ? arrow.ChunkIndex : chunks.Count;
                if (index != chunks.Count)
                    throw new InvalidOperationException($"Arrow batch chunk {index} arrived when chunk {chunks.Count} was expected.");
                chunks.Add(arrow.Data);
                if (chunks.Count < arrow.NumChunksInBatch) continue;
                data = Concat(chunks);
                chunks.Clear();
            }
            else
            {
                if (chunks is { Count: > 0 })
                    throw new InvalidOperationException($"An Arrow batch arrived before the previous batch's {chunks.Count} chunks were complete.");
                data = arrow.Data.Memory;
            }
            foreach (var batch in ReadIpcStream(data)) yield return batch;
        }
        if (chunks is { Count: > 0 })
            throw new InvalidOperationException("The response stream ended in the middle of a chunked Arrow batch.");
    }

    /// <summary>The rows of an ExecutePlan response stream, decoded batch by batch (one batch in memory at a time).</summary>
    public static async IAsyncEnumerable<Row> ReadRowsAsync(
        IAsyncEnumerable<ExecutePlanResponse> responses,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        StructType? sparkSchema = null;
        await foreach (var batch in ReadBatchesAsync(responses, s => sparkSchema = s, ct).ConfigureAwait(false))
        {
            Row[] rows;
            using (batch)
            {
                rows = RowDecoder.Decode(batch, RowDecoder.ResolveSchema(batch, sparkSchema));
            }
            foreach (var row in rows) yield return row;
        }
    }

    /// <summary>
    /// Every row of an ExecutePlan response stream, with the result's schema: the Spark schema the server sent,
    /// else the one derived from the Arrow data, else (no schema and no batch) an empty struct. The rows stay in their
    /// Arrow batches (see <see cref="ColumnarRowList"/>): a value is decoded when it is read.
    /// </summary>
    public static async Task<(StructType Schema, IReadOnlyList<Row> Rows)> CollectAsync(IAsyncEnumerable<ExecutePlanResponse> responses, CancellationToken ct = default)
    {
        StructType? sparkSchema = null;
        StructType? schema = null;
        var batches = new List<ColumnarRows>();
        await foreach (var batch in ReadBatchesAsync(responses, s => sparkSchema = s, ct).ConfigureAwait(false))
        {
            schema = RowDecoder.ResolveSchema(batch, sparkSchema);
            batches.Add(new ColumnarRows(batch, schema));
        }
        return (sparkSchema ?? schema ?? new StructType(), new ColumnarRowList(batches));
    }

    // Spark compresses result batches when spark.sql.execution.arrow.compression.codec is lz4 or zstd.
    private static readonly Apache.Arrow.Compression.CompressionCodecFactory Codecs = new();

    /// <summary>Reads the record batches of one Arrow IPC stream in place (uncompressed) or decompressed (lz4, zstd).</summary>
    internal static List<RecordBatch> ReadIpcStream(ReadOnlyMemory<byte> data)
    {
        var batches = new List<RecordBatch>(1);
        using var reader = new ArrowStreamReader(data, Codecs);
        while (reader.ReadNextRecordBatch() is { } batch) batches.Add(batch);
        return batches;
    }

    private static StructType ToStructType(DataType type) =>
        type as StructType ?? new StructType(new StructField("value", type));

    private static ReadOnlyMemory<byte> Concat(List<ByteString> chunks)
    {
        int length = 0;
        foreach (var c in chunks) length = checked(length + c.Length);
        var buffer = new byte[length];
        int offset = 0;
        foreach (var c in chunks)
        {
            c.Span.CopyTo(buffer.AsSpan(offset));
            offset += c.Length;
        }
        return buffer;
    }
}

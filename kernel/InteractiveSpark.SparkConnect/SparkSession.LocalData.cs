using System.Data;
using Apache.Arrow;

namespace InteractiveSpark.SparkConnect;

// CreateDataFrameAsync from .NET data: objects, Arrow record batches, a DataTable. Every form becomes Arrow record batches
// streamed through one upload (LocalRelationUpload): inline when small, else chunk by chunk as a cached local relation.
public sealed partial class SparkSession
{
    /// <summary>
    /// A DataFrame of .NET objects, one row per item and one column per public property or field of
    /// <typeparamref name="T"/> (in declaration order), as PySpark's <c>createDataFrame</c> infers from its rows: numbers
    /// keep their width, <c>decimal</c> is <c>decimal(38,18)</c>, <c>string</c>, <c>byte[]</c>, <c>DateOnly</c> (date),
    /// <c>DateTime</c>/<c>DateTimeOffset</c> (timestamp), <c>TimeOnly</c> (time), arrays and lists (array), dictionaries (map)
    /// and nested classes (struct); value types are non-nullable unless declared <c>T?</c>. A member of any other type is
    /// refused with one line naming it (pass a schema then). Sent as <see cref="CreateDataFrameAsync(IEnumerable{IReadOnlyList{object}}, StructType, CancellationToken)"/>
    /// sends rows: inline when small, else in cached chunks, read once as enumerated, one chunk in memory at a time.
    /// </summary>
    public Task<DataFrame> CreateDataFrameAsync<T>(IEnumerable<T> data, CancellationToken cancellationToken = default) =>
        CreateFromObjectsAsync(data, null, cancellationToken);

    /// <summary>
    /// A DataFrame of .NET objects with the given schema: each field is read from the public property or field of
    /// <typeparamref name="T"/> of that name (the exact name first, else ignoring case) and converted to the field's type
    /// as rows' values are (e.g. an <c>int</c> member for a <c>bigint</c> field). Sent as the inferred form is.
    /// </summary>
    public Task<DataFrame> CreateDataFrameAsync<T>(IEnumerable<T> data, StructType schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return CreateFromObjectsAsync(data, schema, cancellationToken);
    }

    private Task<DataFrame> CreateFromObjectsAsync<T>(IEnumerable<T> data, StructType? schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        // Rows (object?[], Row, ...) and record batches that reach here through a generic caller keep their own meaning.
        if (data is IEnumerable<IReadOnlyList<object?>> rows)
        {
            return CreateDataFrameAsync(rows, schema ?? throw new ArgumentException("CreateDataFrame: rows of values need a schema; pass one.", nameof(schema)),
                cancellationToken);
        }

        if (data is IEnumerable<RecordBatch> batches) return CreateDataFrameAsync(batches, cancellationToken);
        var columns = new ObjectColumns<T>(schema);
        return UploadLocalAsync(columns.Batches(data, LocalRelationUpload.BatchRows).ToAsyncEnumerable(), columns.ArrowSchema, columns.Schema, true,
            () => LocalArrow.Batch([], columns.Schema, columns.ArrowSchema, 0), cancellationToken);
    }

    /// <summary>
    /// A DataFrame of Arrow record batches, read once as enumerated (one chunk in memory at a time, see
    /// <see cref="CreateDataFrameAsync(IEnumerable{IReadOnlyList{object}}, StructType, CancellationToken)"/>); the schema is the
    /// first batch's, and every batch must have it. Spark reads each Arrow type as its own Spark type (int64 as bigint,
    /// utf8 as string, timestamp[us, tz] as timestamp, ...); a column Spark cannot read as sent (e.g. timestamp[ns]) is
    /// refused with one line naming it. The batches stay the caller's: they are not disposed.
    /// </summary>
    public Task<DataFrame> CreateDataFrameAsync(IEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return CreateDataFrameAsync(batches.ToAsyncEnumerable(), cancellationToken);
    }

    /// <summary>
    /// A DataFrame of Arrow record batches produced asynchronously (from a file, a reader, another service), sent as
    /// <see cref="CreateDataFrameAsync(IEnumerable{RecordBatch}, CancellationToken)"/> sends them.
    /// </summary>
    public async Task<DataFrame> CreateDataFrameAsync(IAsyncEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var enumerator = batches.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                throw new ArgumentException("CreateDataFrame: no record batches were given; an empty batch carries the schema.", nameof(batches));
            var first = enumerator.Current;
            var schema = ArrowInput.SparkSchema(first.Schema);
            return await UploadLocalAsync(ArrowInput.Checked(first, enumerator), first.Schema, schema, false, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A DataFrame of a <see cref="DataTable"/>'s rows (deleted rows left out), one field per column: its name, the Spark type
    /// of its <see cref="DataColumn.DataType"/> (as <see cref="CreateDataFrameAsync{T}(IEnumerable{T}, CancellationToken)"/>
    /// infers), nullable as <see cref="DataColumn.AllowDBNull"/>; <see cref="DBNull"/> is null. Sent as rows are.
    /// </summary>
    public Task<DataFrame> CreateDataFrameAsync(DataTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var fields = table.Columns.Cast<DataColumn>().Select(c =>
            ClrSchema.TryColumn(c.DataType) is { } t
                ? new StructField(c.ColumnName, t.Type, c.AllowDBNull)
                : throw new ArgumentException($"CreateDataFrame: column '{c.ColumnName}' of the DataTable holds {c.DataType.Name} values, which have no Spark type; convert it to a supported type first."));
        var schema = new StructType(fields);
        var rows = table.Rows.Cast<DataRow>().Where(r => r.RowState != DataRowState.Deleted)
            .Select(r => (IReadOnlyList<object?>)System.Array.ConvertAll(r.ItemArray, v => v is DBNull ? null : v));
        return CreateDataFrameAsync(rows, schema, cancellationToken);
    }

    /// <summary>How many cached chunks the last <c>CreateDataFrameAsync</c> uploaded (0: it went inline); for tests.</summary>
    internal int LastLocalRelationChunks { get; private set; }

    private async Task<DataFrame> UploadLocalAsync(IAsyncEnumerable<RecordBatch> batches, Schema arrowSchema, StructType schema, bool ownsBatches,
        Func<RecordBatch>? empty, CancellationToken cancellationToken)
    {
        var (relation, upload) = await LocalRelationUpload.SendAsync(this, batches, arrowSchema, schema, ownsBatches, empty, cancellationToken).ConfigureAwait(false);
        LastLocalRelationChunks = upload.ChunkCount;
        return new DataFrame(this, relation);
    }
}

using Apache.Arrow;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The rows of one Arrow batch, kept as the batch's columns: a <see cref="Row"/> over it reads (and boxes) a value only
/// when asked, so a collected result holds its Arrow bytes and one decoder per column, not an object per value.
/// </summary>
internal sealed class ColumnarRows
{
    // Kept so that buffers the batch owns (decompressed ones) live as long as the rows that read them.
    private readonly RecordBatch _batch;
    private readonly ColumnDecoder[] _columns;

    public ColumnarRows(RecordBatch batch, StructType schema)
    {
        if (schema.Count != batch.ColumnCount)
            throw new ArgumentException($"The schema has {schema.Count} fields but the batch {batch.ColumnCount} columns.", nameof(schema));
        _batch = batch;
        Schema = schema;
        _columns = new ColumnDecoder[schema.Count];
        for (int j = 0; j < _columns.Length; j++)
        {
            _columns[j] = RowDecoder.Create(batch.Column(j), schema[j].DataType);
            _columns[j].CheckRange();
        }
    }

    /// <summary>The rows' schema.</summary>
    public StructType Schema { get; }

    /// <summary>The number of rows.</summary>
    public int Length => _batch.Length;

    /// <summary>The value of column <paramref name="ordinal"/> in row <paramref name="row"/>, boxed.</summary>
    public object? Get(int row, int ordinal) => _columns[ordinal].Get(row);

    /// <summary>The decoder of column <paramref name="ordinal"/> (for unboxed reads).</summary>
    public ColumnDecoder Column(int ordinal) => _columns[ordinal];
}

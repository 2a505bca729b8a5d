using System.Collections;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A collected result: its Arrow batches, read as <see cref="Row"/>s. A row is a small view made when it is asked for
/// (by index or while enumerating); its values stay in the Arrow buffers until read. This is what keeps a full collect
/// near the size of the Arrow data instead of an object per value.
/// </summary>
internal sealed class ColumnarRowList : IReadOnlyList<Row>
{
    private readonly ColumnarRows[] _batches;
    private readonly int[] _starts;

    public ColumnarRowList(IReadOnlyList<ColumnarRows> batches)
    {
        var kept = batches.Where(b => b.Length > 0).ToArray();
        _batches = kept;
        _starts = new int[kept.Length];
        int total = 0;
        for (int i = 0; i < kept.Length; i++)
        {
            _starts[i] = total;
            total = checked(total + kept[i].Length);
        }
        Count = total;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public Row this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The result has {Count} rows.");
            int b = Array.BinarySearch(_starts, index);
            if (b < 0) b = ~b - 1;
            return new Row(_batches[b], index - _starts[b]);
        }
    }

    /// <inheritdoc />
    public IEnumerator<Row> GetEnumerator()
    {
        foreach (var batch in _batches)
        {
            for (int i = 0; i < batch.Length; i++) yield return new Row(batch, i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

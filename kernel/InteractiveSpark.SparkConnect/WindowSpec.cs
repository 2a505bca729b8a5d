using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A window: partitioning, ordering and frame, for window functions (<see cref="Functions.RowNumber"/>,
/// <see cref="Functions.Lag(Column, int, object?)"/>, ...) and aggregates via <see cref="Column.Over(WindowSpec)"/>.
/// Start from <see cref="Window"/>. Immutable: every method returns a new spec.
/// </summary>
public sealed class WindowSpec
{
    internal static readonly WindowSpec Empty = new([], [], null);

    private readonly IReadOnlyList<Column> _partitionBy;
    private readonly IReadOnlyList<Column> _orderBy;
    private readonly P.Expression.Types.Window.Types.WindowFrame? _frame;

    private WindowSpec(IReadOnlyList<Column> partitionBy, IReadOnlyList<Column> orderBy, P.Expression.Types.Window.Types.WindowFrame? frame)
    {
        _partitionBy = partitionBy;
        _orderBy = orderBy;
        _frame = frame;
    }

    /// <summary>Partitions the rows by these columns (replacing any earlier partitioning).</summary>
    public WindowSpec PartitionBy(params Column[] columns) => new(columns.ToArray(), _orderBy, _frame);
    /// <summary>Partitions the rows by the named columns.</summary>
    public WindowSpec PartitionBy(params string[] columnNames) => PartitionBy(columnNames.Select(Functions.Col).ToArray());
    /// <summary>Orders the rows of each partition (columns, or sort orders such as <c>Col("x").Desc()</c>).</summary>
    public WindowSpec OrderBy(params Column[] columns) => new(_partitionBy, columns.ToArray(), _frame);
    /// <summary>Orders the rows of each partition by the named columns, ascending.</summary>
    public WindowSpec OrderBy(params string[] columnNames) => OrderBy(columnNames.Select(Functions.Col).ToArray());

    /// <summary>
    /// A frame of rows relative to the current row: <paramref name="start"/> and <paramref name="end"/> are offsets
    /// (negative = before), or <see cref="Window.UnboundedPreceding"/>, <see cref="Window.CurrentRow"/>,
    /// <see cref="Window.UnboundedFollowing"/>.
    /// </summary>
    public WindowSpec RowsBetween(long start, long end) =>
        new(_partitionBy, _orderBy, Frame(P.Expression.Types.Window.Types.WindowFrame.Types.FrameType.Row, start, end, rows: true));

    /// <summary>
    /// A frame of rows whose ordering value is within [current + <paramref name="start"/>, current + <paramref name="end"/>]
    /// (one numeric ordering column), or bounded by <see cref="Window.UnboundedPreceding"/> / <see cref="Window.CurrentRow"/>
    /// / <see cref="Window.UnboundedFollowing"/>.
    /// </summary>
    public WindowSpec RangeBetween(long start, long end) =>
        new(_partitionBy, _orderBy, Frame(P.Expression.Types.Window.Types.WindowFrame.Types.FrameType.Range, start, end, rows: false));

    private static P.Expression.Types.Window.Types.WindowFrame Frame(P.Expression.Types.Window.Types.WindowFrame.Types.FrameType type, long start, long end, bool rows) =>
        new() { FrameType = type, Lower = Boundary(start, rows), Upper = Boundary(end, rows) };

    private static P.Expression.Types.Window.Types.WindowFrame.Types.FrameBoundary Boundary(long value, bool rows)
    {
        if (value == 0) return new() { CurrentRow = true };
        if (value <= Window.UnboundedPreceding || value >= Window.UnboundedFollowing) return new() { Unbounded = true };
        // Spark wants int offsets for ROWS frames; RANGE offsets take the ordering column's type (long widens fine).
        if (rows)
        {
            if (value is < int.MinValue or > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(value), value, "A ROWS frame offset must fit in an int.");
            return new() { Value = Literals.Expression((int)value) };
        }
        return new() { Value = Literals.Expression(value) };
    }

    internal P.Expression.Types.Window ToProto(P.Expression function)
    {
        var w = new P.Expression.Types.Window { WindowFunction = function };
        foreach (var c in _partitionBy) w.PartitionSpec.Add(c.Expression);
        foreach (var c in _orderBy) w.OrderSpec.Add(c.ToSortOrder());
        if (_frame is not null) w.FrameSpec = _frame;
        return w;
    }
}

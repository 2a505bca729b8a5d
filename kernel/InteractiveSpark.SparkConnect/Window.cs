namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Starting points for a <see cref="WindowSpec"/>:
/// <c>Window.PartitionBy("dept").OrderBy(Col("salary").Desc())</c>, then <c>Functions.Rank().Over(window)</c>.
/// </summary>
public static class Window
{
    /// <summary>Frame boundary: the first row of the partition.</summary>
    public const long UnboundedPreceding = long.MinValue;
    /// <summary>Frame boundary: the last row of the partition.</summary>
    public const long UnboundedFollowing = long.MaxValue;
    /// <summary>Frame boundary: the current row.</summary>
    public const long CurrentRow = 0;

    /// <summary>A window partitioned by these columns.</summary>
    public static WindowSpec PartitionBy(params Column[] columns) => WindowSpec.Empty.PartitionBy(columns);
    /// <summary>A window partitioned by the named columns.</summary>
    public static WindowSpec PartitionBy(params string[] columnNames) => WindowSpec.Empty.PartitionBy(columnNames);
    /// <summary>A window over the whole result, ordered by these columns.</summary>
    public static WindowSpec OrderBy(params Column[] columns) => WindowSpec.Empty.OrderBy(columns);
    /// <summary>A window over the whole result, ordered by the named columns.</summary>
    public static WindowSpec OrderBy(params string[] columnNames) => WindowSpec.Empty.OrderBy(columnNames);
    /// <summary>A window with a ROWS frame (see <see cref="WindowSpec.RowsBetween"/>).</summary>
    public static WindowSpec RowsBetween(long start, long end) => WindowSpec.Empty.RowsBetween(start, end);
    /// <summary>A window with a RANGE frame (see <see cref="WindowSpec.RangeBetween"/>).</summary>
    public static WindowSpec RangeBetween(long start, long end) => WindowSpec.Empty.RangeBetween(start, end);
}

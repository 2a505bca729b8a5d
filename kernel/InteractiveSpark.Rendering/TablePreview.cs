using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering;

/// <summary>
/// The rows of a result that a person gets to see, with the result's schema and what is known about the rest:
/// either every row is here (<see cref="TotalRows"/> is the count), or there are more (<see cref="HasMore"/>).
/// </summary>
public sealed class TablePreview
{
    /// <summary>The number of rows <see cref="FetchAsync"/> fetches unless told otherwise.</summary>
    public const int DefaultRows = 100;

    /// <summary>Creates a preview.</summary>
    /// <param name="schema">The result's columns.</param>
    /// <param name="rows">The rows shown (the first ones of the result).</param>
    /// <param name="hasMore">Whether the result has rows after <paramref name="rows"/>.</param>
    /// <param name="totalRows">The result's row count when known (it is when <paramref name="hasMore"/> is false).</param>
    public TablePreview(StructType schema, IReadOnlyList<Row> rows, bool hasMore, long? totalRows = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rows);
        Schema = schema;
        Rows = rows;
        HasMore = hasMore;
        TotalRows = hasMore ? totalRows : rows.Count;
    }

    /// <summary>The result's columns.</summary>
    public StructType Schema { get; }

    /// <summary>The rows shown.</summary>
    public IReadOnlyList<Row> Rows { get; }

    /// <summary>Whether the result has more rows than <see cref="Rows"/>.</summary>
    public bool HasMore { get; }

    /// <summary>The result's row count, when known.</summary>
    public long? TotalRows { get; }

    /// <summary>
    /// What the preview holds, in words: "no rows", "all 42 rows", "showing rows 1-100 of more" or "showing rows
    /// 1-1,000 of 10,000".
    /// </summary>
    public string Summary
    {
        get
        {
            if (!HasMore)
            {
                return Rows.Count switch
                {
                    0 => "no rows",
                    1 => "1 row",
                    var n => $"all {Count(n)} rows",
                };
            }

            var shown = Rows.Count == 0 ? "no rows shown" : $"showing rows 1-{Count(Rows.Count)}";
            return TotalRows is { } total ? $"{shown} of {Count(total)}" : $"{shown} of more";
        }
    }

    /// <summary>
    /// The preview of rows already in memory: the first <paramref name="maxRows"/> of them (the count of the rest is known).
    /// </summary>
    /// <param name="rows">Collected rows.</param>
    /// <param name="schema">Their schema; null: the first row's (an empty list without a schema has no columns).</param>
    /// <param name="maxRows">The most rows to keep.</param>
    public static TablePreview FromRows(IReadOnlyList<Row> rows, StructType? schema = null, int maxRows = TableRenderOptions.DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        schema ??= rows.Count > 0 ? rows[0].Schema : new StructType();
        if (rows.Count <= maxRows)
        {
            return new TablePreview(schema, rows, hasMore: false);
        }

        var head = new Row[maxRows];
        for (var i = 0; i < maxRows; i++)
        {
            head[i] = rows[i];
        }

        return new TablePreview(schema, head, hasMore: true, rows.Count);
    }

    /// <summary>
    /// Fetches what a display of <paramref name="dataFrame"/> shows, and nothing more: its first
    /// <paramref name="maxRows"/> rows, through a <c>LIMIT maxRows + 1</c> (the extra row says whether there are more).
    /// The schema comes with the rows; an empty result asks the server for it.
    /// </summary>
    /// <param name="dataFrame">The DataFrame to preview.</param>
    /// <param name="maxRows">The most rows to show (at least 1).</param>
    /// <param name="options">Execution options (progress, tags), or null.</param>
    /// <param name="cancellationToken">Cancels the query (the server interrupts it).</param>
    public static async Task<TablePreview> FetchAsync(
        DataFrame dataFrame, int maxRows = DefaultRows, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataFrame);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var rows = await dataFrame.Limit(maxRows + 1).CollectAsync(options, cancellationToken).ConfigureAwait(false);
        var schema = rows.Count > 0 ? rows[0].Schema : await dataFrame.SchemaAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count <= maxRows)
        {
            return new TablePreview(schema, rows, hasMore: false);
        }

        var head = new Row[maxRows];
        for (var i = 0; i < maxRows; i++)
        {
            head[i] = rows[i];
        }

        return new TablePreview(schema, head, hasMore: true);
    }

    private static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>How tables are rendered.</summary>
public sealed record TableRenderOptions
{
    /// <summary>The most rows a table of rows already in memory shows (the rest are counted, not rendered).</summary>
    public const int DefaultMaxRows = 1000;

    /// <summary>The default options.</summary>
    public static TableRenderOptions Default { get; } = new();

    /// <summary>Rows per page of the HTML table (pages switch in the browser, without a round trip).</summary>
    public int PageSize { get; init; } = 20;

    /// <summary>The most characters a cell shows; longer values end with an ellipsis (HTML shows the whole value on hover up to 4 times this).</summary>
    public int MaxCellChars { get; init; } = 200;

    /// <summary>The most characters a text/plain column is wide.</summary>
    public int MaxTextColumnWidth { get; init; } = 40;
}

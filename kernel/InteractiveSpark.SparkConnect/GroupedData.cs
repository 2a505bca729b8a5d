using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A grouping of a <see cref="DataFrame"/> (GROUP BY, ROLLUP, CUBE, GROUPING SETS, optionally pivoted), waiting for its
/// aggregates: <c>df.GroupBy("dept").Agg(Avg("salary"), Count("*"))</c> or a shortcut such as <see cref="Count"/>.
/// </summary>
public sealed class GroupedData
{
    private readonly DataFrame _df;
    private readonly P.Aggregate.Types.GroupType _type;
    private readonly Column[] _grouping;
    private readonly Column[][]? _groupingSets;
    private readonly Column? _pivotColumn;
    private readonly object?[]? _pivotValues;

    internal GroupedData(DataFrame df, P.Aggregate.Types.GroupType type, Column[] grouping,
        Column[][]? groupingSets = null, Column? pivotColumn = null, object?[]? pivotValues = null)
    {
        ArgumentNullException.ThrowIfNull(grouping);
        _df = df;
        _type = type;
        _grouping = grouping.ToArray();
        _groupingSets = groupingSets;
        _pivotColumn = pivotColumn;
        _pivotValues = pivotValues;
    }

    /// <summary>The aggregates, one column each, after the grouping columns.</summary>
    public DataFrame Agg(Column aggregate, params Column[] more)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return AggCore([aggregate, .. more]);
    }

    /// <summary>The aggregates named by function per column, e.g. <c>{ ["age"] = "max", ["salary"] = "avg" }</c>.</summary>
    public DataFrame Agg(IReadOnlyDictionary<string, string> columnToFunction)
    {
        ArgumentNullException.ThrowIfNull(columnToFunction);
        return AggCore(columnToFunction.Select(kv => kv.Key == "*" && kv.Value.Equals("count", StringComparison.OrdinalIgnoreCase)
            ? Functions.Count(Functions.Lit(1)).Alias("count(1)")
            : Functions.Call(kv.Value, Functions.Col(kv.Key))).ToArray());
    }

    private DataFrame AggCore(IReadOnlyList<Column> aggregates)
    {
        var rel = DataFrame.NewRelation(_df.Session, r =>
        {
            var a = new P.Aggregate { Input = _df.Relation, GroupType = _type };
            foreach (var g in _grouping) a.GroupingExpressions.Add(g.Expression);
            foreach (var c in aggregates) a.AggregateExpressions.Add(c.Expression);
            if (_pivotColumn is not null)
            {
                a.Pivot = new P.Aggregate.Types.Pivot { Col = _pivotColumn.Expression };
                if (_pivotValues is not null)
                    foreach (var v in _pivotValues) a.Pivot.Values.Add(Literals.Convert(v).Literal);
            }
            if (_groupingSets is not null)
            {
                foreach (var set in _groupingSets)
                {
                    var gs = new P.Aggregate.Types.GroupingSets();
                    foreach (var c in set) gs.GroupingSet.Add(c.Expression);
                    a.GroupingSets.Add(gs);
                }
            }
            r.Aggregate = a;
        });
        return new DataFrame(_df.Session, rel);
    }

    private DataFrame Numeric(string function, string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        if (columnNames.Length == 0)
            throw new ArgumentException($"Name the columns to {function}, e.g. {function}(\"price\").", nameof(columnNames));
        return AggCore(columnNames.Select(n => Functions.Call(function, Functions.Col(n))).ToArray());
    }

    /// <summary>The number of rows of each group, in a column named <c>count</c>.</summary>
    public DataFrame Count() => Agg(Functions.Count(Functions.Lit(1)).Alias("count"));
    /// <summary>Sum of each named column per group (columns named <c>sum(x)</c>).</summary>
    public DataFrame Sum(params string[] columnNames) => Numeric("sum", columnNames);
    /// <summary>Average of each named column per group (columns named <c>avg(x)</c>).</summary>
    public DataFrame Avg(params string[] columnNames) => Numeric("avg", columnNames);
    /// <summary>Same as <see cref="Avg"/>.</summary>
    public DataFrame Mean(params string[] columnNames) => Numeric("avg", columnNames);
    /// <summary>Minimum of each named column per group.</summary>
    public DataFrame Min(params string[] columnNames) => Numeric("min", columnNames);
    /// <summary>Maximum of each named column per group.</summary>
    public DataFrame Max(params string[] columnNames) => Numeric("max", columnNames);

    /// <summary>
    /// Pivots on <paramref name="pivotColumn"/>: one result column per distinct value of it (found by the server with an
    /// extra job) and aggregate. Only after <see cref="DataFrame.GroupBy(Column[])"/>.
    /// </summary>
    public GroupedData Pivot(Column pivotColumn) => PivotCore(pivotColumn, null);

    /// <summary>Pivots on the named column (distinct values found by the server).</summary>
    public GroupedData Pivot(string pivotColumn) => PivotCore(Functions.Col(pivotColumn), null);

    /// <summary>Pivots on <paramref name="pivotColumn"/> with the given values only, in this order (no extra job).</summary>
    public GroupedData Pivot(Column pivotColumn, IEnumerable<object?> values) =>
        PivotCore(pivotColumn, (values ?? throw new ArgumentNullException(nameof(values))).ToArray());

    /// <summary>Pivots on the named column with the given values only.</summary>
    public GroupedData Pivot(string pivotColumn, IEnumerable<object?> values) => Pivot(Functions.Col(pivotColumn), values);

    private GroupedData PivotCore(Column pivotColumn, object?[]? values)
    {
        ArgumentNullException.ThrowIfNull(pivotColumn);
        if (_type != P.Aggregate.Types.GroupType.Groupby)
            throw new InvalidOperationException("Pivot() can only follow GroupBy(), not Rollup, Cube, GroupingSets or another Pivot.");
        return new GroupedData(_df, P.Aggregate.Types.GroupType.Pivot, _grouping, null, pivotColumn, values);
    }
}

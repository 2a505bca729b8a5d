using System.Runtime.CompilerServices;
using Apache.Arrow;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A lazily evaluated, immutable query: transformations (<see cref="Select(Column[])"/>, <see cref="Filter(Column)"/>,
/// <see cref="Join(DataFrame, Column, string)"/>, ...) only build a plan; actions (<see cref="CollectAsync(CancellationToken)"/>,
/// <see cref="CountAsync(CancellationToken)"/>, <see cref="ShowAsync"/>, ...) send it to the Spark Connect server and
/// read the result. Every DataFrame has its own plan id, so <c>df["x"]</c> names the column <c>x</c> of that DataFrame
/// even in a self-join.
/// </summary>
public sealed class DataFrame
{
    private StructType? _schema;

    internal DataFrame(SparkSession session, P.Relation relation)
    {
        Session = session ?? throw new ArgumentNullException(nameof(session));
        Relation = relation ?? throw new ArgumentNullException(nameof(relation));
        if (Relation.Common is null || !Relation.Common.HasPlanId)
        {
            Relation.Common ??= new P.RelationCommon();
            Relation.Common.PlanId = session.NextPlanId();
        }
    }

    /// <summary>The session this DataFrame runs in.</summary>
    public SparkSession Session { get; }

    /// <summary>The plan (never mutated after construction).</summary>
    internal P.Relation Relation { get; }

    /// <summary>The plan id of this DataFrame's root relation.</summary>
    internal long PlanId => Relation.Common.PlanId;

    /// <summary>Wraps a new relation node (with a fresh plan id) built by <paramref name="fill"/>.</summary>
    private DataFrame With(Action<P.Relation> fill) => new(Session, NewRelation(Session, fill));

    internal static P.Relation NewRelation(SparkSession session, Action<P.Relation> fill)
    {
        var r = new P.Relation { Common = new P.RelationCommon { PlanId = session.NextPlanId() } };
        fill(r);
        return r;
    }

    private static IEnumerable<P.Expression> Exprs(IEnumerable<Column> columns) => columns.Select(c => (c ?? throw new ArgumentNullException(nameof(columns))).Expression);

    private void CheckSameSession(DataFrame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Session, Session))
            throw new ArgumentException("Both DataFrames must belong to the same SparkSession.", nameof(other));
    }

    // ================================================================ columns

    /// <summary>The column <paramref name="name"/> of this DataFrame (bound to it by plan id, so it stays unambiguous in self-joins).</summary>
    public Column this[string name] => Col(name);

    /// <summary>The column <paramref name="name"/> of this DataFrame; <c>"*"</c> is all its columns.</summary>
    public Column Col(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "*")
            return new Column(new P.Expression { UnresolvedStar = new P.Expression.Types.UnresolvedStar { PlanId = PlanId } });
        return new Column(new P.Expression
        {
            UnresolvedAttribute = new P.Expression.Types.UnresolvedAttribute { UnparsedIdentifier = name, PlanId = PlanId },
        });
    }

    /// <summary>The columns of this DataFrame whose names match a regular expression given in backticks, e.g. <c>"`a.*`"</c>.</summary>
    public Column ColRegex(string regex) => new(new P.Expression
    {
        UnresolvedRegex = new P.Expression.Types.UnresolvedRegex { ColName = regex, PlanId = PlanId },
    });

    // ================================================================ projections

    /// <summary>Projects a set of expressions.</summary>
    public DataFrame Select(params Column[] columns) => With(r =>
    {
        r.Project = new P.Project { Input = Relation };
        r.Project.Expressions.AddRange(Exprs(columns));
    });

    /// <summary>Projects the named columns (<c>"*"</c> for all).</summary>
    public DataFrame Select(params string[] columnNames) => Select(columnNames.Select(Functions.Col).ToArray());

    /// <summary>Projects SQL expressions, e.g. <c>SelectExpr("a", "b * 2 AS c", "abs(d)")</c>.</summary>
    public DataFrame SelectExpr(params string[] expressions) => Select(expressions.Select(Functions.Expr).ToArray());

    /// <summary>Keeps the rows where <paramref name="condition"/> is true.</summary>
    public DataFrame Filter(Column condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return With(r => r.Filter = new P.Filter { Input = Relation, Condition = condition.Expression });
    }

    /// <summary>Keeps the rows where the SQL condition is true, e.g. <c>Filter("age &gt; 21")</c>.</summary>
    public DataFrame Filter(string condition) => Filter(Functions.Expr(condition));
    /// <summary>Same as <see cref="Filter(Column)"/>.</summary>
    public DataFrame Where(Column condition) => Filter(condition);
    /// <summary>Same as <see cref="Filter(string)"/>.</summary>
    public DataFrame Where(string condition) => Filter(condition);

    /// <summary>Adds a column, or replaces the column of the same name.</summary>
    public DataFrame WithColumn(string name, Column column) =>
        WithColumns(new Dictionary<string, Column> { [name] = column ?? throw new ArgumentNullException(nameof(column)) });

    /// <summary>Adds or replaces several columns at once (in the dictionary's order).</summary>
    public DataFrame WithColumns(IReadOnlyDictionary<string, Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return With(r =>
        {
            r.WithColumns = new P.WithColumns { Input = Relation };
            foreach (var (name, col) in columns)
            {
                var a = new P.Expression.Types.Alias { Expr = col.Expression };
                a.Name.Add(name);
                r.WithColumns.Aliases.Add(a);
            }
        });
    }

    /// <summary>Renames a column (no-op when it does not exist).</summary>
    public DataFrame WithColumnRenamed(string existing, string newName) =>
        WithColumnsRenamed(new Dictionary<string, string> { [existing] = newName });

    /// <summary>Renames several columns (existing name to new name).</summary>
    public DataFrame WithColumnsRenamed(IReadOnlyDictionary<string, string> renames)
    {
        ArgumentNullException.ThrowIfNull(renames);
        return With(r =>
        {
            r.WithColumnsRenamed = new P.WithColumnsRenamed { Input = Relation };
            foreach (var (from, to) in renames)
                r.WithColumnsRenamed.Renames.Add(new P.WithColumnsRenamed.Types.Rename { ColName = from, NewColName = to });
        });
    }

    /// <summary>Drops the named columns (names that do not exist are ignored).</summary>
    public DataFrame Drop(params string[] columnNames) => With(r =>
    {
        r.Drop = new P.Drop { Input = Relation };
        r.Drop.ColumnNames.AddRange(columnNames);
    });

    /// <summary>Drops columns given as column references (e.g. <c>other["id"]</c> after a join).</summary>
    public DataFrame Drop(params Column[] columns) => With(r =>
    {
        r.Drop = new P.Drop { Input = Relation };
        r.Drop.Columns.AddRange(Exprs(columns));
    });

    /// <summary>The same rows with new column names, in order.</summary>
    public DataFrame ToDF(params string[] columnNames) => With(r =>
    {
        r.ToDf = new P.ToDF { Input = Relation };
        r.ToDf.ColumnNames.AddRange(columnNames);
    });

    /// <summary>Converts to <paramref name="schema"/>: columns matched by name, reordered, cast, missing nullable ones rejected.</summary>
    public DataFrame To(StructType schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return With(r => r.ToSchema = new P.ToSchema { Input = Relation, Schema = schema.ToProto() });
    }

    /// <summary>A name for this DataFrame, usable as a qualifier: <c>df.Alias("a").Select("a.x")</c>.</summary>
    public DataFrame Alias(string alias) => With(r => r.SubqueryAlias = new P.SubqueryAlias { Input = Relation, Alias = alias });
    /// <summary>Same as <see cref="Alias(string)"/>.</summary>
    public DataFrame As(string alias) => Alias(alias);

    /// <summary>An optimizer hint such as <c>"broadcast"</c>, <c>"merge"</c>, <c>"shuffle_hash"</c>, <c>"coalesce"</c> (parameters: literals or columns).</summary>
    public DataFrame Hint(string name, params object?[] parameters) => With(r =>
    {
        r.Hint = new P.Hint { Input = Relation, Name = name };
        foreach (var p in parameters)
        {
            if (p is IEnumerable<string> names && p is not string)
                foreach (var n in names) r.Hint.Parameters.Add(Functions.Lit(n).Expression);
            else
                r.Hint.Parameters.Add(Column.Of(p).Expression);
        }
    });

    // ================================================================ aggregation

    /// <summary>One group of all rows (for a pivot or aggregates over everything).</summary>
    public GroupedData GroupBy() => new(this, P.Aggregate.Types.GroupType.Groupby, []);
    /// <summary>Groups by the columns, for <see cref="GroupedData.Agg(Column, Column[])"/> and the aggregate shortcuts.</summary>
    public GroupedData GroupBy(params Column[] columns) => new(this, P.Aggregate.Types.GroupType.Groupby, columns);
    /// <summary>Groups by the named columns.</summary>
    public GroupedData GroupBy(params string[] columnNames) => GroupBy(columnNames.Select(Functions.Col).ToArray());
    /// <summary>Groups by every prefix of the columns, down to the grand total (SQL ROLLUP).</summary>
    public GroupedData Rollup(params Column[] columns) => new(this, P.Aggregate.Types.GroupType.Rollup, columns);
    /// <summary>ROLLUP by the named columns.</summary>
    public GroupedData Rollup(params string[] columnNames) => Rollup(columnNames.Select(Functions.Col).ToArray());
    /// <summary>Groups by every combination of the columns (SQL CUBE).</summary>
    public GroupedData Cube(params Column[] columns) => new(this, P.Aggregate.Types.GroupType.Cube, columns);
    /// <summary>CUBE by the named columns.</summary>
    public GroupedData Cube(params string[] columnNames) => Cube(columnNames.Select(Functions.Col).ToArray());

    /// <summary>
    /// Groups by each of <paramref name="groupingSets"/> (SQL GROUPING SETS); <paramref name="columns"/> are the grouping
    /// columns of the result (every column used in a set).
    /// </summary>
    public GroupedData GroupingSets(IEnumerable<IEnumerable<Column>> groupingSets, params Column[] columns)
    {
        ArgumentNullException.ThrowIfNull(groupingSets);
        return new GroupedData(this, P.Aggregate.Types.GroupType.GroupingSets, columns,
            groupingSets: groupingSets.Select(s => s.ToArray()).ToArray());
    }

    /// <summary>Aggregates the whole DataFrame (no grouping): <c>df.Agg(Max("x"), Avg("y"))</c>.</summary>
    public DataFrame Agg(Column aggregate, params Column[] more) => GroupBy().Agg(aggregate, more);

    // ================================================================ joins and set operations

    private static P.Join.Types.JoinType ParseJoinType(string joinType)
    {
        ArgumentNullException.ThrowIfNull(joinType);
        return joinType.Trim().ToLowerInvariant().Replace("_", "", StringComparison.Ordinal) switch
        {
            "inner" => P.Join.Types.JoinType.Inner,
            "outer" or "full" or "fullouter" => P.Join.Types.JoinType.FullOuter,
            "left" or "leftouter" => P.Join.Types.JoinType.LeftOuter,
            "right" or "rightouter" => P.Join.Types.JoinType.RightOuter,
            "semi" or "leftsemi" => P.Join.Types.JoinType.LeftSemi,
            "anti" or "leftanti" => P.Join.Types.JoinType.LeftAnti,
            "cross" => P.Join.Types.JoinType.Cross,
            _ => throw new ArgumentException(
                $"Unknown join type '{joinType}'. Use inner, outer/full/full_outer, left/left_outer, right/right_outer, " +
                "left_semi/semi, left_anti/anti or cross.", nameof(joinType)),
        };
    }

    /// <summary>Inner join without a condition: every pair of rows (a cartesian product).</summary>
    public DataFrame Join(DataFrame right)
    {
        CheckSameSession(right);
        return With(r => r.Join = new P.Join { Left = Relation, Right = right.Relation, JoinType = P.Join.Types.JoinType.Inner });
    }

    /// <summary>Equi-join on a column present on both sides; the result has it once.</summary>
    public DataFrame Join(DataFrame right, string usingColumn, string joinType = "inner") => Join(right, new[] { usingColumn }, joinType);

    /// <summary>
    /// Equi-join on columns present on both sides (SQL <c>USING</c>); the result has them once. <paramref name="joinType"/>:
    /// inner, outer/full/full_outer, left/left_outer, right/right_outer, left_semi, left_anti, cross.
    /// </summary>
    public DataFrame Join(DataFrame right, IEnumerable<string> usingColumns, string joinType = "inner")
    {
        CheckSameSession(right);
        ArgumentNullException.ThrowIfNull(usingColumns);
        var type = ParseJoinType(joinType);
        return With(r =>
        {
            r.Join = new P.Join { Left = Relation, Right = right.Relation, JoinType = type };
            r.Join.UsingColumns.AddRange(usingColumns);
        });
    }

    /// <summary>Join on a condition, e.g. <c>a.Join(b, a["id"] == b["id"], "left")</c>.</summary>
    public DataFrame Join(DataFrame right, Column on, string joinType = "inner")
    {
        CheckSameSession(right);
        ArgumentNullException.ThrowIfNull(on);
        var type = ParseJoinType(joinType);
        return With(r => r.Join = new P.Join { Left = Relation, Right = right.Relation, JoinCondition = on.Expression, JoinType = type });
    }

    /// <summary>Cartesian product.</summary>
    public DataFrame CrossJoin(DataFrame right)
    {
        CheckSameSession(right);
        return With(r => r.Join = new P.Join { Left = Relation, Right = right.Relation, JoinType = P.Join.Types.JoinType.Cross });
    }

    private DataFrame SetOp(DataFrame other, P.SetOperation.Types.SetOpType type, bool isAll, bool byName = false, bool allowMissing = false)
    {
        CheckSameSession(other);
        return With(r =>
        {
            r.SetOp = new P.SetOperation { LeftInput = Relation, RightInput = other.Relation, SetOpType = type, IsAll = isAll };
            if (byName)
            {
                r.SetOp.ByName = true;
                r.SetOp.AllowMissingColumns = allowMissing;
            }
        });
    }

    /// <summary>Rows of both, with duplicates (SQL UNION ALL), columns matched by position.</summary>
    public DataFrame Union(DataFrame other) => SetOp(other, P.SetOperation.Types.SetOpType.Union, isAll: true);
    /// <summary>Same as <see cref="Union"/>.</summary>
    public DataFrame UnionAll(DataFrame other) => Union(other);
    /// <summary>Rows of both, with duplicates, columns matched by name; missing columns are null when <paramref name="allowMissingColumns"/>.</summary>
    public DataFrame UnionByName(DataFrame other, bool allowMissingColumns = false) =>
        SetOp(other, P.SetOperation.Types.SetOpType.Union, isAll: true, byName: true, allowMissing: allowMissingColumns);
    /// <summary>Distinct rows present in both (SQL INTERSECT).</summary>
    public DataFrame Intersect(DataFrame other) => SetOp(other, P.SetOperation.Types.SetOpType.Intersect, isAll: false);
    /// <summary>Rows present in both, keeping duplicates (SQL INTERSECT ALL).</summary>
    public DataFrame IntersectAll(DataFrame other) => SetOp(other, P.SetOperation.Types.SetOpType.Intersect, isAll: true);
    /// <summary>Distinct rows of this one not in <paramref name="other"/> (SQL EXCEPT).</summary>
    public DataFrame Except(DataFrame other) => SetOp(other, P.SetOperation.Types.SetOpType.Except, isAll: false);
    /// <summary>Same as <see cref="Except"/>.</summary>
    public DataFrame Subtract(DataFrame other) => Except(other);
    /// <summary>Rows of this one not in <paramref name="other"/>, keeping duplicates (SQL EXCEPT ALL).</summary>
    public DataFrame ExceptAll(DataFrame other) => SetOp(other, P.SetOperation.Types.SetOpType.Except, isAll: true);

    // ================================================================ ordering, limits, sampling

    private DataFrame SortBy(IEnumerable<Column> columns, bool global) => With(r =>
    {
        r.Sort = new P.Sort { Input = Relation, IsGlobal = global };
        r.Sort.Order.AddRange(columns.Select(c => c.ToSortOrder()));
    });

    /// <summary>Sorts the whole result; columns sort ascending unless given as <c>Col("x").Desc()</c> etc.</summary>
    public DataFrame OrderBy(params Column[] columns) => SortBy(columns, true);
    /// <summary>Sorts the whole result by the named columns, ascending.</summary>
    public DataFrame OrderBy(params string[] columnNames) => SortBy(columnNames.Select(Functions.Col), true);
    /// <summary>Same as <see cref="OrderBy(Column[])"/>.</summary>
    public DataFrame Sort(params Column[] columns) => OrderBy(columns);
    /// <summary>Same as <see cref="OrderBy(string[])"/>.</summary>
    public DataFrame Sort(params string[] columnNames) => OrderBy(columnNames);
    /// <summary>Sorts each partition only (no shuffle).</summary>
    public DataFrame SortWithinPartitions(params Column[] columns) => SortBy(columns, false);
    /// <summary>Sorts each partition by the named columns.</summary>
    public DataFrame SortWithinPartitions(params string[] columnNames) => SortBy(columnNames.Select(Functions.Col), false);

    /// <summary>The first <paramref name="n"/> rows.</summary>
    public DataFrame Limit(int n) => With(r => r.Limit = new P.Limit { Input = Relation, Limit_ = n });
    /// <summary>All rows but the first <paramref name="n"/>.</summary>
    public DataFrame Offset(int n) => With(r => r.Offset = new P.Offset { Input = Relation, Offset_ = n });

    /// <summary>Distinct rows.</summary>
    public DataFrame Distinct() => With(r => r.Deduplicate = new P.Deduplicate { Input = Relation, AllColumnsAsKeys = true });

    /// <summary>One row per distinct combination of the named columns (all columns when none are given).</summary>
    public DataFrame DropDuplicates(params string[] columnNames) => With(r =>
    {
        r.Deduplicate = new P.Deduplicate { Input = Relation };
        if (columnNames.Length == 0) r.Deduplicate.AllColumnsAsKeys = true;
        else r.Deduplicate.ColumnNames.AddRange(columnNames);
    });

    /// <summary>Streaming: drops duplicates within the watermark.</summary>
    public DataFrame DropDuplicatesWithinWatermark(params string[] columnNames) => With(r =>
    {
        r.Deduplicate = new P.Deduplicate { Input = Relation, WithinWatermark = true };
        if (columnNames.Length == 0) r.Deduplicate.AllColumnsAsKeys = true;
        else r.Deduplicate.ColumnNames.AddRange(columnNames);
    });

    /// <summary>A random sample of about <paramref name="fraction"/> of the rows (fixed by <paramref name="seed"/>).</summary>
    public DataFrame Sample(double fraction, long? seed = null) => Sample(false, fraction, seed);

    /// <summary>A random sample; with replacement, <paramref name="fraction"/> is the expected number of times each row is picked.</summary>
    public DataFrame Sample(bool withReplacement, double fraction, long? seed = null)
    {
        if (fraction < 0 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction must be >= 0.");
        return With(r =>
        {
            r.Sample = new P.Sample { Input = Relation, LowerBound = 0, UpperBound = fraction, WithReplacement = withReplacement };
            if (seed is { } s) r.Sample.Seed = s;
        });
    }

    /// <summary>
    /// Splits the rows randomly into DataFrames with sizes proportional to <paramref name="weights"/>; every row lands
    /// in exactly one of them (for a given seed and unchanged input).
    /// </summary>
    public DataFrame[] RandomSplit(double[] weights, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length == 0 || weights.Any(w => w < 0 || double.IsNaN(w)))
            throw new ArgumentException("Weights must be non-negative and at least one is required.", nameof(weights));
        var total = weights.Sum();
        if (total <= 0) throw new ArgumentException("The sum of the weights must be positive.", nameof(weights));
        var s = seed ?? Random.Shared.NextInt64();
        var bounds = new double[weights.Length + 1];
        for (int i = 0; i < weights.Length; i++) bounds[i + 1] = bounds[i] + weights[i] / total;
        bounds[^1] = 1.0;
        var result = new DataFrame[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            var (lo, hi) = (bounds[i], bounds[i + 1]);
            result[i] = With(r => r.Sample = new P.Sample
            {
                Input = Relation, LowerBound = lo, UpperBound = hi, WithReplacement = false, Seed = s, DeterministicOrder = true,
            });
        }
        return result;
    }

    // ================================================================ partitioning

    /// <summary>Exactly <paramref name="numPartitions"/> partitions, by a round-robin shuffle.</summary>
    public DataFrame Repartition(int numPartitions) =>
        With(r => r.Repartition = new P.Repartition { Input = Relation, NumPartitions = numPartitions, Shuffle = true });

    /// <summary>Hash-partitioned by the columns into <paramref name="numPartitions"/> partitions.</summary>
    public DataFrame Repartition(int numPartitions, params Column[] columns) => RepartitionBy(numPartitions, columns.Select(c => c.Expression));
    /// <summary>Hash-partitioned by the columns (spark.sql.shuffle.partitions partitions).</summary>
    public DataFrame Repartition(params Column[] columns) => RepartitionBy(null, columns.Select(c => c.Expression));
    /// <summary>Hash-partitioned by the named columns.</summary>
    public DataFrame Repartition(params string[] columnNames) => Repartition(columnNames.Select(Functions.Col).ToArray());

    /// <summary>Range-partitioned by the columns (sorted by them) into <paramref name="numPartitions"/> partitions.</summary>
    public DataFrame RepartitionByRange(int numPartitions, params Column[] columns) =>
        RepartitionBy(numPartitions, columns.Select(c => new P.Expression { SortOrder = c.ToSortOrder() }));
    /// <summary>Range-partitioned by the columns.</summary>
    public DataFrame RepartitionByRange(params Column[] columns) =>
        RepartitionBy(null, columns.Select(c => new P.Expression { SortOrder = c.ToSortOrder() }));

    private DataFrame RepartitionBy(int? numPartitions, IEnumerable<P.Expression> exprs) => With(r =>
    {
        r.RepartitionByExpression = new P.RepartitionByExpression { Input = Relation };
        r.RepartitionByExpression.PartitionExprs.AddRange(exprs);
        if (numPartitions is { } n) r.RepartitionByExpression.NumPartitions = n;
    });

    /// <summary>At most <paramref name="numPartitions"/> partitions, merging without a shuffle.</summary>
    public DataFrame Coalesce(int numPartitions) =>
        With(r => r.Repartition = new P.Repartition { Input = Relation, NumPartitions = numPartitions, Shuffle = false });

    // ================================================================ statistics, reshaping, null handling

    /// <summary>count, mean, stddev, min and max of the named columns (all numeric and string columns when none).</summary>
    public DataFrame Describe(params string[] columnNames) => With(r =>
    {
        r.Describe = new P.StatDescribe { Input = Relation };
        r.Describe.Cols.AddRange(columnNames);
    });

    /// <summary>
    /// Statistics of every numeric and string column: count, mean, stddev, min, approximate percentiles (e.g. "25%"),
    /// max, count_distinct, approx_count_distinct. Default: count, mean, stddev, min, 25%, 50%, 75%, max.
    /// </summary>
    public DataFrame Summary(params string[] statistics) => With(r =>
    {
        r.Summary = new P.StatSummary { Input = Relation };
        r.Summary.Statistics.AddRange(statistics);
    });

    /// <summary>Null and NaN handling: <c>df.Na.Fill(0)</c>, <c>df.Na.Drop()</c>, <c>df.Na.Replace(...)</c>.</summary>
    public DataFrameNaFunctions Na => new(this);

    /// <summary>Statistics: correlation, covariance, crosstab, approximate quantiles, frequent items, stratified sampling.</summary>
    public DataFrameStatFunctions Stat => new(this);

    /// <summary>Fills nulls with <paramref name="value"/> in the named columns (all compatible columns when none). Same as <c>Na.Fill</c>.</summary>
    public DataFrame FillNa(object value, params string[] columnNames) => Na.Fill(value, columnNames);
    /// <summary>
    /// Drops rows with nulls or NaN (PySpark's <c>dropna</c>): <paramref name="how"/> <c>any</c> or <c>all</c>;
    /// <paramref name="thresh"/>, when given, wins (rows with fewer non-null values are dropped); among the named columns
    /// (all when none). See <see cref="Na"/> for the other forms.
    /// </summary>
    public DataFrame DropNa(string how = "any", int? thresh = null, params string[] columnNames) => Na.Drop(how, thresh, columnNames);

    /// <summary>
    /// Wide to long: one row per (id columns, value column) pair; <paramref name="values"/> null means all non-id columns.
    /// </summary>
    public DataFrame Unpivot(Column[] ids, Column[]? values, string variableColumnName, string valueColumnName)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return With(r =>
        {
            r.Unpivot = new P.Unpivot { Input = Relation, VariableColumnName = variableColumnName, ValueColumnName = valueColumnName };
            r.Unpivot.Ids.AddRange(Exprs(ids));
            if (values is not null)
            {
                r.Unpivot.Values = new P.Unpivot.Types.Values();
                r.Unpivot.Values.Values_.AddRange(Exprs(values));
            }
        });
    }

    /// <summary>Same as <see cref="Unpivot"/>.</summary>
    public DataFrame Melt(Column[] ids, Column[]? values, string variableColumnName, string valueColumnName) =>
        Unpivot(ids, values, variableColumnName, valueColumnName);

    /// <summary>Rows become columns: the values of <paramref name="indexColumn"/> (default: the first column) become column names.</summary>
    public DataFrame Transpose(Column? indexColumn = null) => With(r =>
    {
        r.Transpose = new P.Transpose { Input = Relation };
        if (indexColumn is not null) r.Transpose.IndexColumns.Add(indexColumn.Expression);
    });

    /// <summary>Streaming: declares <paramref name="eventTime"/> as event time, accepting data late by up to <paramref name="delayThreshold"/> (e.g. "10 minutes").</summary>
    public DataFrame WithWatermark(string eventTime, string delayThreshold) =>
        With(r => r.WithWatermark = new P.WithWatermark { Input = Relation, EventTime = eventTime, DelayThreshold = delayThreshold });

    /// <summary>
    /// Collects the aggregate <paramref name="metric"/> (and <paramref name="metrics"/>) while this DataFrame runs, as
    /// PySpark's <c>df.observe(observation, ...)</c>: after an action on the DataFrame returned, <see cref="Observation.Values"/>
    /// holds them by column name. Each metric is an aggregate expression with a name, e.g.
    /// <c>Functions.Count(Functions.Lit(1)).Alias("rows")</c>. An <see cref="Observation"/> serves one DataFrame.
    /// </summary>
    public DataFrame Observe(Observation observation, Column metric, params Column[] metrics)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var observed = Observe(observation.Name, metric, metrics);
        observation.Attach();
        Session.RegisterObservation(observation);
        return observed;
    }

    /// <summary>
    /// Collects named aggregate metrics while this DataFrame runs under the name <paramref name="name"/> (PySpark's
    /// <c>df.observe(name, ...)</c>): a streaming query reports them in its progress; for batch queries pass an
    /// <see cref="Observation"/> instead to read them.
    /// </summary>
    public DataFrame Observe(string name, Column metric, params Column[] metrics)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(metrics);
        return With(r =>
        {
            r.CollectMetrics = new P.CollectMetrics { Input = Relation, Name = name };
            r.CollectMetrics.Metrics.Add(Exprs([metric, .. metrics]));
        });
    }

    // ================================================================ writing

    /// <summary>Saves the content to files or tables (the v1 writer): <c>await df.Write.Mode("overwrite").ParquetAsync(path)</c>.</summary>
    public DataFrameWriter Write => new(this);

    /// <summary>Starts a streaming query over this streaming DataFrame: <c>await df.WriteStream.Format("memory").QueryName("t").StartAsync()</c>.</summary>
    public Streaming.DataStreamWriter WriteStream => new(this);

    /// <summary>Writes to a table through a v2 catalog: <c>await df.WriteTo("t").Using("parquet").CreateOrReplaceAsync()</c>.</summary>
    public DataFrameWriterV2 WriteTo(string table) => new(this, table);

    // ================================================================ views and caching (eager)

    private Task CreateViewAsync(string name, bool global, bool replace, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var cmd = new P.Command
        {
            CreateDataframeView = new P.CreateDataFrameViewCommand { Input = Relation, Name = name, IsGlobal = global, Replace = replace },
        };
        return Session.RunCommandAsync(cmd, null, ct);
    }

    /// <summary>Registers this DataFrame as a session-scoped temporary view, replacing one of the same name.</summary>
    public Task CreateOrReplaceTempViewAsync(string name, CancellationToken cancellationToken = default) => CreateViewAsync(name, false, true, cancellationToken);
    /// <summary>Registers this DataFrame as a temporary view; fails if the name is taken.</summary>
    public Task CreateTempViewAsync(string name, CancellationToken cancellationToken = default) => CreateViewAsync(name, false, false, cancellationToken);
    /// <summary>Registers a global temporary view (<c>global_temp.name</c>), replacing one of the same name.</summary>
    public Task CreateOrReplaceGlobalTempViewAsync(string name, CancellationToken cancellationToken = default) => CreateViewAsync(name, true, true, cancellationToken);
    /// <summary>Registers a global temporary view (<c>global_temp.name</c>); fails if the name is taken.</summary>
    public Task CreateGlobalTempViewAsync(string name, CancellationToken cancellationToken = default) => CreateViewAsync(name, true, false, cancellationToken);

    /// <summary>
    /// Checkpoints this DataFrame to the checkpoint directory (PySpark's <c>df.checkpoint</c>): the DataFrame returned
    /// reads the saved data, its plan truncated there. <paramref name="eager"/> (the default) saves it now; otherwise at
    /// the first action. The server keeps it as a cached relation of the session until the DataFrame returned (and every
    /// DataFrame built from it) is no longer referenced, then the client releases it, as PySpark does.
    /// </summary>
    public Task<DataFrame> CheckpointAsync(bool eager = true, CancellationToken cancellationToken = default) =>
        CheckpointAsync(local: false, eager, null, cancellationToken);

    /// <summary>
    /// Checkpoints this DataFrame in the executors' storage (PySpark's <c>df.localCheckpoint</c>: faster than
    /// <see cref="CheckpointAsync(bool, CancellationToken)"/>, lost with an executor), at <paramref name="storageLevel"/>
    /// when given; released as <see cref="CheckpointAsync(bool, CancellationToken)"/>'s result is.
    /// </summary>
    public Task<DataFrame> LocalCheckpointAsync(bool eager = true, StorageLevel? storageLevel = null, CancellationToken cancellationToken = default) =>
        CheckpointAsync(local: true, eager, storageLevel, cancellationToken);

    private async Task<DataFrame> CheckpointAsync(bool local, bool eager, StorageLevel? storageLevel, CancellationToken ct)
    {
        var checkpoint = new P.CheckpointCommand { Relation = Relation, Local = local, Eager = eager };
        if (storageLevel is not null) checkpoint.StorageLevel = storageLevel.ToProto();
        var responses = await Session.RunCommandAsync(new P.Command { CheckpointCommand = checkpoint }, null, ct).ConfigureAwait(false);
        var cached = responses.Select(r => r.CheckpointCommandResult?.Relation).FirstOrDefault(r => r is not null)
            ?? throw new SparkException("The Spark server answered the checkpoint without the checkpointed DataFrame.");
        return Session.CachedRemoteDataFrame(cached);
    }

    /// <summary>Caches the result with the default storage level (memory and disk) once it is computed. Returns this DataFrame.</summary>
    public async Task<DataFrame> CacheAsync(CancellationToken cancellationToken = default)
    {
        await Session.Client.PersistAsync(Relation, null, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>Caches the result with <paramref name="storageLevel"/> once it is computed. Returns this DataFrame.</summary>
    public async Task<DataFrame> PersistAsync(StorageLevel storageLevel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storageLevel);
        await Session.Client.PersistAsync(Relation, storageLevel.ToProto(), cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>Caches with the default storage level. Returns this DataFrame.</summary>
    public Task<DataFrame> PersistAsync(CancellationToken cancellationToken = default) => CacheAsync(cancellationToken);

    /// <summary>Removes the cached result; with <paramref name="blocking"/>, waits until its blocks are freed. Returns this DataFrame.</summary>
    public async Task<DataFrame> UnpersistAsync(bool blocking = false, CancellationToken cancellationToken = default)
    {
        await Session.Client.UnpersistAsync(Relation, blocking, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>The storage level the DataFrame is cached with (<see cref="StorageLevel.None"/> when not cached).</summary>
    public async Task<StorageLevel> StorageLevelAsync(CancellationToken cancellationToken = default) =>
        StorageLevel.FromProto(await Session.Client.GetStorageLevelAsync(Relation, cancellationToken).ConfigureAwait(false));

    // ================================================================ analysis (eager, no job)

    /// <summary>The schema (asked of the server once, then remembered).</summary>
    public async Task<StructType> SchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schema is { } s) return s;
        var proto = await Session.Client.SchemaAsync(Relation, cancellationToken).ConfigureAwait(false);
        var type = DataType.FromProto(proto);
        s = type as StructType ?? new StructType(new StructField("value", type));
        _schema = s;
        return s;
    }

    /// <summary>The column names, in order.</summary>
    public async Task<IReadOnlyList<string>> ColumnsAsync(CancellationToken cancellationToken = default) =>
        (await SchemaAsync(cancellationToken).ConfigureAwait(false)).Fields.Select(f => f.Name).ToArray();

    /// <summary>Column names and SQL type names (e.g. <c>("id", "bigint")</c>).</summary>
    public async Task<IReadOnlyList<(string Name, string Type)>> DTypesAsync(CancellationToken cancellationToken = default) =>
        (await SchemaAsync(cancellationToken).ConfigureAwait(false)).Fields.Select(f => (f.Name, f.DataType.SimpleString)).ToArray();

    /// <summary>The schema as a tree (Spark's printSchema text), down to <paramref name="level"/> levels of nesting when given.</summary>
    public Task<string> TreeStringAsync(int? level = null, CancellationToken cancellationToken = default) =>
        Session.Client.TreeStringAsync(Relation, level, cancellationToken);

    /// <summary>Prints the schema tree to <paramref name="output"/> (the console by default).</summary>
    public async Task PrintSchemaAsync(int? level = null, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        var text = await TreeStringAsync(level, cancellationToken).ConfigureAwait(false);
        await (output ?? Console.Out).WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The plans Spark would run, in mode <c>simple</c> (physical plan), <c>extended</c> (logical and physical),
    /// <c>codegen</c>, <c>cost</c> or <c>formatted</c>.
    /// </summary>
    public Task<string> ExplainStringAsync(string mode = "simple", CancellationToken cancellationToken = default) =>
        Session.Client.ExplainAsync(Relation, SparkConnectClient.ParseExplainMode(mode), cancellationToken);

    /// <summary>Prints the plan (see <see cref="ExplainStringAsync"/>) to <paramref name="output"/> (the console by default) and returns it.</summary>
    public async Task<string> ExplainAsync(string mode = "simple", TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        var text = await ExplainStringAsync(mode, cancellationToken).ConfigureAwait(false);
        await (output ?? Console.Out).WriteLineAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        return text;
    }

    /// <summary>Prints the physical plan, or with <paramref name="extended"/> the logical plans too, and returns it.</summary>
    public Task<string> ExplainAsync(bool extended, TextWriter? output = null, CancellationToken cancellationToken = default) =>
        ExplainAsync(extended ? "extended" : "simple", output, cancellationToken);

    /// <summary>Whether collecting can run on the driver alone (no executors).</summary>
    public Task<bool> IsLocalAsync(CancellationToken cancellationToken = default) => Session.Client.IsLocalAsync(Relation, cancellationToken);
    /// <summary>Whether the DataFrame reads a streaming source.</summary>
    public Task<bool> IsStreamingAsync(CancellationToken cancellationToken = default) => Session.Client.IsStreamingAsync(Relation, cancellationToken);
    /// <summary>The files this DataFrame reads (best effort).</summary>
    public Task<IReadOnlyList<string>> InputFilesAsync(CancellationToken cancellationToken = default) => Session.Client.InputFilesAsync(Relation, cancellationToken);
    /// <summary>Whether both DataFrames compute the same result (same canonical plan).</summary>
    public Task<bool> SameSemanticsAsync(DataFrame other, CancellationToken cancellationToken = default)
    {
        CheckSameSession(other);
        return Session.Client.SameSemanticsAsync(Relation, other.Relation, cancellationToken);
    }
    /// <summary>A hash of the canonical plan.</summary>
    public Task<int> SemanticHashAsync(CancellationToken cancellationToken = default) => Session.Client.SemanticHashAsync(Relation, cancellationToken);

    // ================================================================ actions

    private IAsyncEnumerable<P.ExecutePlanResponse> Execute(P.Relation relation, ExecutionOptions? options, CancellationToken ct) =>
        Session.Client.ExecuteAsync(new P.Plan { Root = relation }, options, ct);

    private async Task<IReadOnlyList<Row>> CollectRelationAsync(P.Relation relation, ExecutionOptions? options, CancellationToken ct)
    {
        var (_, rows) = await ArrowResults.CollectAsync(Execute(relation, options, ct), ct).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Number of rows.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => CountAsync(null, cancellationToken);

    /// <summary>Number of rows.</summary>
    public async Task<long> CountAsync(ExecutionOptions? options, CancellationToken cancellationToken = default)
    {
        var agg = Agg(Functions.Count(Functions.Lit(1)).Alias("count"));
        var rows = await CollectRelationAsync(agg.Relation, options, cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>All rows, in memory. For large results prefer <see cref="ToLocalIteratorAsync(CancellationToken)"/> or <see cref="ToArrowAsync(CancellationToken)"/>.</summary>
    public Task<IReadOnlyList<Row>> CollectAsync(CancellationToken cancellationToken = default) => CollectAsync(null, cancellationToken);

    /// <summary>All rows, in memory.</summary>
    public Task<IReadOnlyList<Row>> CollectAsync(ExecutionOptions? options, CancellationToken cancellationToken = default) =>
        CollectRelationAsync(Relation, options, cancellationToken);

    /// <summary>The first <paramref name="n"/> rows.</summary>
    public Task<IReadOnlyList<Row>> TakeAsync(int n, CancellationToken cancellationToken = default) => Limit(n).CollectAsync(null, cancellationToken);
    /// <summary>The first <paramref name="n"/> rows.</summary>
    public Task<IReadOnlyList<Row>> TakeAsync(int n, ExecutionOptions? options, CancellationToken cancellationToken = default) =>
        Limit(n).CollectAsync(options, cancellationToken);
    /// <summary>The first <paramref name="n"/> rows (same as <see cref="TakeAsync(int, CancellationToken)"/>).</summary>
    public Task<IReadOnlyList<Row>> HeadAsync(int n, CancellationToken cancellationToken = default) => TakeAsync(n, null, cancellationToken);
    /// <summary>The first <paramref name="n"/> rows.</summary>
    public Task<IReadOnlyList<Row>> HeadAsync(int n, ExecutionOptions? options, CancellationToken cancellationToken = default) =>
        TakeAsync(n, options, cancellationToken);

    /// <summary>The first row, or null when there is none.</summary>
    public Task<Row?> FirstAsync(CancellationToken cancellationToken = default) => FirstAsync(null, cancellationToken);

    /// <summary>The first row, or null when there is none.</summary>
    public async Task<Row?> FirstAsync(ExecutionOptions? options, CancellationToken cancellationToken = default)
    {
        var rows = await TakeAsync(1, options, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The last <paramref name="n"/> rows (all of them travel to the driver, not to the client).</summary>
    public Task<IReadOnlyList<Row>> TailAsync(int n, CancellationToken cancellationToken = default) => TailAsync(n, null, cancellationToken);

    /// <summary>The last <paramref name="n"/> rows.</summary>
    public Task<IReadOnlyList<Row>> TailAsync(int n, ExecutionOptions? options, CancellationToken cancellationToken = default)
    {
        var tail = NewRelation(Session, r => r.Tail = new P.Tail { Input = Relation, Limit = n });
        return CollectRelationAsync(tail, options, cancellationToken);
    }

    /// <summary>Whether there are no rows (reads at most one).</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default) =>
        await Limit(1).CountAsync(null, cancellationToken).ConfigureAwait(false) == 0;

    /// <summary>The rows as they arrive: constant memory however large the result.</summary>
    public IAsyncEnumerable<Row> ToLocalIteratorAsync(CancellationToken cancellationToken = default) => ToLocalIteratorAsync(null, cancellationToken);

    /// <summary>The rows as they arrive: constant memory however large the result.</summary>
    public async IAsyncEnumerable<Row> ToLocalIteratorAsync(ExecutionOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ArrowResults.ReadRowsAsync(Execute(Relation, options, cancellationToken), cancellationToken).ConfigureAwait(false))
            yield return row;
    }

    /// <summary>The result as Arrow record batches, as they arrive.</summary>
    public IAsyncEnumerable<RecordBatch> ToArrowAsync(CancellationToken cancellationToken = default) => ToArrowAsync(null, cancellationToken);

    /// <summary>The result as Arrow record batches, as they arrive.</summary>
    public async IAsyncEnumerable<RecordBatch> ToArrowAsync(ExecutionOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in ArrowResults.ReadBatchesAsync(Execute(Relation, options, cancellationToken), cancellationToken).ConfigureAwait(false))
            yield return batch;
    }

    /// <summary>The whole result as one Arrow table (in memory).</summary>
    public async Task<Apache.Arrow.Table> ToArrowTableAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in ToArrowAsync(options, cancellationToken).ConfigureAwait(false)) batches.Add(b);
        if (batches.Count == 0)
        {
            // No batch to take the Arrow schema from: build it from the Spark schema, with the types Spark sends.
            var schema = await SchemaAsync(cancellationToken).ConfigureAwait(false);
            var fields = schema.Fields.Select(f => new Field(f.Name, ArrowTypeOrNull(f.DataType), f.Nullable));
            return Apache.Arrow.Table.TableFromRecordBatches(new Schema(fields, null), batches);
        }
        return Apache.Arrow.Table.TableFromRecordBatches(batches[0].Schema, batches);
    }

    private static Apache.Arrow.Types.IArrowType ArrowTypeOrNull(DataType type)
    {
        try
        {
            return LocalArrow.ArrowType(type);
        }
        catch (NotSupportedException)
        {
            return Apache.Arrow.Types.NullType.Default;
        }
    }

    /// <summary>
    /// The first <paramref name="numRows"/> rows as the text table Spark's <c>show()</c> prints (formatted by the server),
    /// cells cut to <paramref name="truncate"/> characters (0: not cut), or one block per row when <paramref name="vertical"/>.
    /// </summary>
    public async Task<string> ShowStringAsync(int numRows = 20, int truncate = 20, bool vertical = false,
        ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var show = NewRelation(Session, r => r.ShowString = new P.ShowString { Input = Relation, NumRows = numRows, Truncate = truncate, Vertical = vertical });
        var rows = await CollectRelationAsync(show, options, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? "" : rows[0][0] as string ?? "";
    }

    /// <summary>Prints the first <paramref name="numRows"/> rows as Spark's <c>show()</c> does, to <paramref name="output"/> (the console by default).</summary>
    public async Task ShowAsync(int numRows = 20, int truncate = 20, bool vertical = false, TextWriter? output = null,
        ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = await ShowStringAsync(numRows, truncate, vertical, options, cancellationToken).ConfigureAwait(false);
        await (output ?? Console.Out).WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A short description: the plan id and the kind of the root relation.</summary>
    public override string ToString() => _schema is { } s
        ? $"DataFrame[{string.Join(", ", s.Fields.Select(f => $"{f.Name}: {f.DataType.SimpleString}"))}]"
        : $"DataFrame(plan {PlanId}: {Relation.RelTypeCase})";
}

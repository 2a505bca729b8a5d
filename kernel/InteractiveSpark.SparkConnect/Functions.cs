using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Column functions, as in Spark's <c>org.apache.spark.sql.functions</c> / <c>pyspark.sql.functions</c>: the common ones
/// typed, and <see cref="Call(string, Column[])"/> for any function of Spark's catalogue by name.
/// Tip: <c>using F = InteractiveSpark.SparkConnect.Functions;</c> then <c>F.Sum("x")</c>.
/// </summary>
/// <remarks>Overloads taking a <see cref="string"/> column name are shorthands for <see cref="Col(string)"/>.</remarks>
public static class Functions
{
    private static Column C(string name) => Col(name);
    private static Column F(string name, params Column[] args) => Column.Fn(name, args);

    // ---------------------------------------------------------------- basics

    /// <summary>
    /// The column named <paramref name="name"/> (possibly qualified, e.g. <c>"t.x"</c>, or a struct field <c>"s.f"</c>;
    /// backticks quote names with dots). <c>"*"</c> is all columns, <c>"t.*"</c> all columns of <c>t</c>.
    /// </summary>
    public static Column Col(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "*")
            return new Column(new P.Expression { UnresolvedStar = new P.Expression.Types.UnresolvedStar() });
        if (name.EndsWith(".*", StringComparison.Ordinal))
            return new Column(new P.Expression { UnresolvedStar = new P.Expression.Types.UnresolvedStar { UnparsedTarget = name } });
        return new Column(new P.Expression { UnresolvedAttribute = new P.Expression.Types.UnresolvedAttribute { UnparsedIdentifier = name } });
    }

    /// <summary>
    /// A literal: null, bool, sbyte (tinyint), byte and short (smallint), ushort and int (int), uint and long (bigint),
    /// ulong (decimal(20,0)), float, double, decimal, string, char, Guid (string), byte[] (binary), DateOnly (date),
    /// DateTime (timestamp; <see cref="DateTimeKind.Unspecified"/> gives timestamp_ntz), DateTimeOffset (timestamp),
    /// TimeSpan (interval day to second), TimeOnly (time), arrays and lists (array), dictionaries (map), <see cref="Row"/>
    /// (struct). A <see cref="Column"/> is returned as it is.
    /// </summary>
    public static Column Lit(object? value) => value as Column ?? new Column(Literals.Expression(value));

    /// <summary>A column from a SQL expression, e.g. <c>Expr("a + 1 AS b")</c> or <c>Expr("count(*)")</c>.</summary>
    public static Column Expr(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return new Column(new P.Expression { ExpressionString = new P.Expression.Types.ExpressionString { Expression = expression } });
    }

    /// <summary>Calls any function of Spark's catalogue (built-in, or a registered/temporary SQL function) by name.</summary>
    public static Column Call(string name, params Column[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Column.Fn(name, args);
    }

    /// <summary>Calls a function by name with DISTINCT arguments, e.g. <c>CallDistinct("sum", col)</c>.</summary>
    public static Column CallDistinct(string name, params Column[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Column.Fn(name, true, args);
    }

    /// <summary>Ascending sort order on a column (nulls first).</summary>
    public static Column Asc(string columnName) => C(columnName).Asc();
    /// <summary>Descending sort order on a column (nulls last).</summary>
    public static Column Desc(string columnName) => C(columnName).Desc();

    // ---------------------------------------------------------------- aggregates

    /// <summary>Number of non-null values (<c>Count("*")</c> or <c>Count(Lit(1))</c> counts rows).</summary>
    public static Column Count(Column column) => F("count", column);
    /// <summary>Number of non-null values of a column; <c>"*"</c> counts rows.</summary>
    public static Column Count(string columnName) => columnName == "*" ? F("count", Lit(1)) : F("count", C(columnName));
    /// <summary>Number of distinct non-null combinations of the columns.</summary>
    public static Column CountDistinct(Column column, params Column[] others) => Column.Fn("count", true, [column, .. others]);
    /// <summary>Number of distinct non-null combinations of the named columns.</summary>
    public static Column CountDistinct(string columnName, params string[] others) => Column.Fn("count", true, [C(columnName), .. others.Select(C)]);
    /// <summary>Sum.</summary>
    public static Column Sum(Column column) => F("sum", column);
    /// <summary>Sum.</summary>
    public static Column Sum(string columnName) => F("sum", C(columnName));
    /// <summary>Sum of the distinct values.</summary>
    public static Column SumDistinct(Column column) => Column.Fn("sum", true, column);
    /// <summary>Average.</summary>
    public static Column Avg(Column column) => F("avg", column);
    /// <summary>Average.</summary>
    public static Column Avg(string columnName) => F("avg", C(columnName));
    /// <summary>Average (alias of <see cref="Avg(Column)"/>).</summary>
    public static Column Mean(Column column) => F("mean", column);
    /// <summary>Average (alias of <see cref="Avg(string)"/>).</summary>
    public static Column Mean(string columnName) => F("mean", C(columnName));
    /// <summary>Minimum.</summary>
    public static Column Min(Column column) => F("min", column);
    /// <summary>Minimum.</summary>
    public static Column Min(string columnName) => F("min", C(columnName));
    /// <summary>Maximum.</summary>
    public static Column Max(Column column) => F("max", column);
    /// <summary>Maximum.</summary>
    public static Column Max(string columnName) => F("max", C(columnName));
    /// <summary>The value of <paramref name="column"/> in the row where <paramref name="ordering"/> is largest.</summary>
    public static Column MaxBy(Column column, Column ordering) => F("max_by", column, ordering);
    /// <summary>The value of <paramref name="column"/> in the row where <paramref name="ordering"/> is smallest.</summary>
    public static Column MinBy(Column column, Column ordering) => F("min_by", column, ordering);
    /// <summary>The first value of a group (order is not deterministic without a sorted window).</summary>
    public static Column First(Column column, bool ignoreNulls = false) => F("first", column, Lit(ignoreNulls));
    /// <summary>The first value of a group.</summary>
    public static Column First(string columnName, bool ignoreNulls = false) => First(C(columnName), ignoreNulls);
    /// <summary>The last value of a group (order is not deterministic without a sorted window).</summary>
    public static Column Last(Column column, bool ignoreNulls = false) => F("last", column, Lit(ignoreNulls));
    /// <summary>The last value of a group.</summary>
    public static Column Last(string columnName, bool ignoreNulls = false) => Last(C(columnName), ignoreNulls);
    /// <summary>Any value of a group.</summary>
    public static Column AnyValue(Column column) => F("any_value", column);
    /// <summary>The values of a group as an array, with duplicates.</summary>
    public static Column CollectList(Column column) => F("collect_list", column);
    /// <summary>The values of a group as an array, with duplicates.</summary>
    public static Column CollectList(string columnName) => F("collect_list", C(columnName));
    /// <summary>The distinct values of a group as an array.</summary>
    public static Column CollectSet(Column column) => F("collect_set", column);
    /// <summary>The distinct values of a group as an array.</summary>
    public static Column CollectSet(string columnName) => F("collect_set", C(columnName));
    /// <summary>Sample standard deviation.</summary>
    public static Column Stddev(Column column) => F("stddev", column);
    /// <summary>Sample standard deviation.</summary>
    public static Column Stddev(string columnName) => F("stddev", C(columnName));
    /// <summary>Population standard deviation.</summary>
    public static Column StddevPop(Column column) => F("stddev_pop", column);
    /// <summary>Sample variance.</summary>
    public static Column Variance(Column column) => F("variance", column);
    /// <summary>Sample variance.</summary>
    public static Column Variance(string columnName) => F("variance", C(columnName));
    /// <summary>Population variance.</summary>
    public static Column VarPop(Column column) => F("var_pop", column);
    /// <summary>Pearson correlation of two columns.</summary>
    public static Column Corr(Column x, Column y) => F("corr", x, y);
    /// <summary>Sample covariance of two columns.</summary>
    public static Column CovarSamp(Column x, Column y) => F("covar_samp", x, y);
    /// <summary>Number of rows where the condition is true.</summary>
    public static Column CountIf(Column condition) => F("count_if", condition);
    /// <summary>Exact median.</summary>
    public static Column Median(Column column) => F("median", column);
    /// <summary>Approximate distinct count (HyperLogLog++) with maximum relative standard deviation <paramref name="rsd"/>.</summary>
    public static Column ApproxCountDistinct(Column column, double? rsd = null) =>
        rsd is null ? F("approx_count_distinct", column) : F("approx_count_distinct", column, Lit(rsd.Value));
    /// <summary>Approximate distinct count.</summary>
    public static Column ApproxCountDistinct(string columnName, double? rsd = null) => ApproxCountDistinct(C(columnName), rsd);
    /// <summary>Approximate percentile: the smallest value with at least <paramref name="percentage"/> of the values at or below it.</summary>
    public static Column PercentileApprox(Column column, double percentage, int accuracy = 10000) =>
        F("percentile_approx", column, Lit(percentage), Lit(accuracy));
    /// <summary>Approximate percentiles for several percentages (an array result).</summary>
    public static Column PercentileApprox(Column column, double[] percentages, int accuracy = 10000) =>
        F("percentile_approx", column, Lit(percentages), Lit(accuracy));
    /// <summary>Exact percentile.</summary>
    public static Column Percentile(Column column, double percentage) => F("percentile", column, Lit(percentage));
    /// <summary>1 when a column is aggregated away in this row of a ROLLUP/CUBE/GROUPING SETS result, else 0.</summary>
    public static Column Grouping(Column column) => F("grouping", column);
    /// <summary>The grouping level bit vector of the given columns.</summary>
    public static Column GroupingId(params Column[] columns) => F("grouping_id", columns);

    // ---------------------------------------------------------------- math

    /// <summary>Absolute value.</summary>
    public static Column Abs(Column column) => F("abs", column);
    /// <summary>Square root.</summary>
    public static Column Sqrt(Column column) => F("sqrt", column);
    /// <summary>Square root.</summary>
    public static Column Sqrt(string columnName) => F("sqrt", C(columnName));
    /// <summary>e to the power of the value.</summary>
    public static Column Exp(Column column) => F("exp", column);
    /// <summary>Natural logarithm.</summary>
    public static Column Log(Column column) => F("ln", column);
    /// <summary>Logarithm in base <paramref name="logBase"/>.</summary>
    public static Column Log(double logBase, Column column) => F("log", Lit(logBase), column);
    /// <summary>Base-10 logarithm.</summary>
    public static Column Log10(Column column) => F("log10", column);
    /// <summary>Base-2 logarithm.</summary>
    public static Column Log2(Column column) => F("log2", column);
    /// <summary><paramref name="x"/> to the power <paramref name="y"/> (columns or numbers).</summary>
    public static Column Pow(object x, object y) => F("power", Column.Of(x), Column.Of(y));
    /// <summary>Rounded to <paramref name="scale"/> decimal places, half up.</summary>
    public static Column Round(Column column, int scale = 0) => F("round", column, Lit(scale));
    /// <summary>Rounded to <paramref name="scale"/> decimal places, half even (banker's rounding).</summary>
    public static Column Bround(Column column, int scale = 0) => F("bround", column, Lit(scale));
    /// <summary>Largest integer not greater than the value.</summary>
    public static Column Floor(Column column) => F("floor", column);
    /// <summary>Smallest integer not smaller than the value.</summary>
    public static Column Ceil(Column column) => F("ceil", column);
    /// <summary>Sign: -1, 0 or 1.</summary>
    public static Column Signum(Column column) => F("signum", column);
    /// <summary>Remainder that is never negative.</summary>
    public static Column Pmod(Column dividend, object divisor) => F("pmod", dividend, Column.Of(divisor));
    /// <summary>Sine (radians).</summary>
    public static Column Sin(Column column) => F("sin", column);
    /// <summary>Cosine (radians).</summary>
    public static Column Cos(Column column) => F("cos", column);

    // ---------------------------------------------------------------- strings

    /// <summary>Concatenation of strings (null if any is null), binaries or arrays.</summary>
    public static Column Concat(params Column[] columns) => F("concat", columns);
    /// <summary>Concatenation with a separator, skipping nulls.</summary>
    public static Column ConcatWs(string separator, params Column[] columns) => F("concat_ws", [Lit(separator), .. columns]);
    /// <summary>Upper case.</summary>
    public static Column Upper(Column column) => F("upper", column);
    /// <summary>Upper case.</summary>
    public static Column Upper(string columnName) => F("upper", C(columnName));
    /// <summary>Lower case.</summary>
    public static Column Lower(Column column) => F("lower", column);
    /// <summary>Lower case.</summary>
    public static Column Lower(string columnName) => F("lower", C(columnName));
    /// <summary>Spaces removed at both ends.</summary>
    public static Column Trim(Column column) => F("trim", column);
    /// <summary>Spaces removed at the start.</summary>
    public static Column Ltrim(Column column) => F("ltrim", column);
    /// <summary>Spaces removed at the end.</summary>
    public static Column Rtrim(Column column) => F("rtrim", column);
    /// <summary>Substring starting at <paramref name="pos"/> (1-based; negative counts from the end) of <paramref name="length"/> characters.</summary>
    public static Column Substring(Column column, int pos, int length) => F("substring", column, Lit(pos), Lit(length));
    /// <summary>Substring of a named column.</summary>
    public static Column Substring(string columnName, int pos, int length) => Substring(C(columnName), pos, length);
    /// <summary>Number of characters of a string, bytes of a binary.</summary>
    public static Column Length(Column column) => F("length", column);
    /// <summary>Number of characters of a string column.</summary>
    public static Column Length(string columnName) => F("length", C(columnName));
    /// <summary>Every match of a Java regular expression replaced (<c>$1</c> refers to groups).</summary>
    public static Column RegexpReplace(Column column, string pattern, string replacement) =>
        F("regexp_replace", column, Lit(pattern), Lit(replacement));
    /// <summary>Every match replaced, pattern and replacement given as columns.</summary>
    public static Column RegexpReplace(Column column, Column pattern, Column replacement) => F("regexp_replace", column, pattern, replacement);
    /// <summary>Group <paramref name="groupIndex"/> of the first match of a Java regular expression ("" when none).</summary>
    public static Column RegexpExtract(Column column, string pattern, int groupIndex) =>
        F("regexp_extract", column, Lit(pattern), Lit(groupIndex));
    /// <summary>The string split around matches of a Java regular expression; at most <paramref name="limit"/> parts when positive.</summary>
    public static Column Split(Column column, string pattern, int limit = -1) => F("split", column, Lit(pattern), Lit(limit));
    /// <summary>printf-style formatting, e.g. <c>FormatString("%d items of %s", n, name)</c>.</summary>
    public static Column FormatString(string format, params Column[] columns) => F("format_string", [Lit(format), .. columns]);
    /// <summary>First letter of each word upper case.</summary>
    public static Column InitCap(Column column) => F("initcap", column);
    /// <summary>Left-padded to <paramref name="length"/> with <paramref name="pad"/>.</summary>
    public static Column Lpad(Column column, int length, string pad) => F("lpad", column, Lit(length), Lit(pad));
    /// <summary>Right-padded to <paramref name="length"/> with <paramref name="pad"/>.</summary>
    public static Column Rpad(Column column, int length, string pad) => F("rpad", column, Lit(length), Lit(pad));
    /// <summary>1-based position of the first occurrence of <paramref name="substring"/>, 0 when absent.</summary>
    public static Column Instr(Column column, string substring) => F("instr", column, Lit(substring));
    /// <summary>The string repeated <paramref name="n"/> times.</summary>
    public static Column Repeat(Column column, int n) => F("repeat", column, Lit(n));
    /// <summary>Reversed string or array.</summary>
    public static Column Reverse(Column column) => F("reverse", column);
    /// <summary>Characters of <paramref name="matching"/> replaced by the character at the same position in <paramref name="replace"/>.</summary>
    public static Column Translate(Column column, string matching, string replace) => F("translate", column, Lit(matching), Lit(replace));

    // ---------------------------------------------------------------- dates and times

    /// <summary>Today's date at the start of the query (session time zone).</summary>
    public static Column CurrentDate() => F("current_date");
    /// <summary>The timestamp at the start of the query.</summary>
    public static Column CurrentTimestamp() => F("current_timestamp");
    /// <summary>The date <paramref name="days"/> (a number or a column) days after <paramref name="start"/>.</summary>
    public static Column DateAdd(Column start, object days) => F("date_add", start, Column.Of(days));
    /// <summary>The date <paramref name="days"/> (a number or a column) days before <paramref name="start"/>.</summary>
    public static Column DateSub(Column start, object days) => F("date_sub", start, Column.Of(days));
    /// <summary>Days from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static Column DateDiff(Column end, Column start) => F("datediff", end, start);
    /// <summary>The date <paramref name="months"/> months after <paramref name="start"/>.</summary>
    public static Column AddMonths(Column start, object months) => F("add_months", start, Column.Of(months));
    /// <summary>Months between two timestamps (fractional).</summary>
    public static Column MonthsBetween(Column end, Column start) => F("months_between", end, start);
    /// <summary>Year.</summary>
    public static Column Year(Column column) => F("year", column);
    /// <summary>Quarter (1-4).</summary>
    public static Column Quarter(Column column) => F("quarter", column);
    /// <summary>Month (1-12).</summary>
    public static Column Month(Column column) => F("month", column);
    /// <summary>Day of the month (1-31).</summary>
    public static Column DayOfMonth(Column column) => F("dayofmonth", column);
    /// <summary>Day of the week (1 = Sunday ... 7 = Saturday).</summary>
    public static Column DayOfWeek(Column column) => F("dayofweek", column);
    /// <summary>Day of the year (1-366).</summary>
    public static Column DayOfYear(Column column) => F("dayofyear", column);
    /// <summary>ISO week of the year.</summary>
    public static Column WeekOfYear(Column column) => F("weekofyear", column);
    /// <summary>Hour (0-23).</summary>
    public static Column Hour(Column column) => F("hour", column);
    /// <summary>Minute (0-59).</summary>
    public static Column Minute(Column column) => F("minute", column);
    /// <summary>Second (0-59).</summary>
    public static Column Second(Column column) => F("second", column);
    /// <summary>Last day of the month of the date.</summary>
    public static Column LastDay(Column column) => F("last_day", column);
    /// <summary>A date parsed from a string (default or the given datetime pattern) or converted from a timestamp.</summary>
    public static Column ToDate(Column column, string? format = null) =>
        format is null ? F("to_date", column) : F("to_date", column, Lit(format));
    /// <summary>A timestamp parsed from a string (default or the given datetime pattern).</summary>
    public static Column ToTimestamp(Column column, string? format = null) =>
        format is null ? F("to_timestamp", column) : F("to_timestamp", column, Lit(format));
    /// <summary>A date/timestamp formatted with a datetime pattern, e.g. <c>"yyyy-MM-dd"</c>.</summary>
    public static Column DateFormat(Column column, string format) => F("date_format", column, Lit(format));
    /// <summary>A timestamp truncated to a unit: <c>"year"</c>, <c>"month"</c>, <c>"week"</c>, <c>"day"</c>, <c>"hour"</c>, ...</summary>
    public static Column DateTrunc(string format, Column timestamp) => F("date_trunc", Lit(format), timestamp);
    /// <summary>A date truncated to a unit (<c>"year"</c>, <c>"month"</c>, ...).</summary>
    public static Column Trunc(Column date, string format) => F("trunc", date, Lit(format));
    /// <summary>Seconds since the epoch of a timestamp (or of now when <paramref name="column"/> is null).</summary>
    public static Column UnixTimestamp(Column? column = null, string format = "yyyy-MM-dd HH:mm:ss") =>
        column is null ? F("unix_timestamp") : F("unix_timestamp", column, Lit(format));
    /// <summary>Seconds since the epoch formatted as a string.</summary>
    public static Column FromUnixtime(Column seconds, string format = "yyyy-MM-dd HH:mm:ss") => F("from_unixtime", seconds, Lit(format));

    // ---------------------------------------------------------------- conditionals and nulls

    /// <summary>The first non-null value.</summary>
    public static Column Coalesce(params Column[] columns) => F("coalesce", columns);
    /// <summary>True where the value is NaN.</summary>
    public static Column IsNaN(Column column) => F("isnan", column);
    /// <summary>True where the value is null.</summary>
    public static Column IsNull(Column column) => F("isnull", column);
    /// <summary><paramref name="column"/> unless it is NaN, else <paramref name="replacement"/>.</summary>
    public static Column NaNvl(Column column, Column replacement) => F("nanvl", column, replacement);
    /// <summary>Largest value, skipping nulls.</summary>
    public static Column Greatest(params Column[] columns) => F("greatest", columns);
    /// <summary>Smallest value, skipping nulls.</summary>
    public static Column Least(params Column[] columns) => F("least", columns);
    /// <summary>
    /// SQL <c>CASE WHEN</c>: <c>When(cond, value)</c>, continued with <see cref="Column.When(Column, object?)"/>
    /// and ended with <see cref="Column.Otherwise(object?)"/> (null when nothing matches and no Otherwise).
    /// </summary>
    public static Column When(Column condition, object? value) => F("when", condition, Column.Of(value));

    // ---------------------------------------------------------------- collections and structs

    /// <summary>An array of the values.</summary>
    public static Column Array(params Column[] columns) => F("array", columns);
    /// <summary>An array of the named columns' values.</summary>
    public static Column Array(params string[] columnNames) => F("array", columnNames.Select(C).ToArray());
    /// <summary>A map from alternating key and value columns: <c>CreateMap(k1, v1, k2, v2, ...)</c>.</summary>
    public static Column CreateMap(params Column[] keysAndValues) => F("map", keysAndValues);
    /// <summary>A map from an array of keys and an array of values.</summary>
    public static Column MapFromArrays(Column keys, Column values) => F("map_from_arrays", keys, values);
    /// <summary>A struct whose fields are the columns (named after them, or their aliases).</summary>
    public static Column Struct(params Column[] columns) => F("struct", columns);
    /// <summary>A struct of the named columns.</summary>
    public static Column Struct(params string[] columnNames) => F("struct", columnNames.Select(C).ToArray());
    /// <summary>One row per array element (column <c>col</c>) or map entry (<c>key</c>, <c>value</c>); null or empty gives no row.</summary>
    public static Column Explode(Column column) => F("explode", column);
    /// <summary>Like <see cref="Explode"/> but a null or empty collection gives one row with null.</summary>
    public static Column ExplodeOuter(Column column) => F("explode_outer", column);
    /// <summary>Like <see cref="Explode"/> with the position (<c>pos</c>) as well.</summary>
    public static Column PosExplode(Column column) => F("posexplode", column);
    /// <summary>Number of elements of an array or map (-1 for null by default).</summary>
    public static Column Size(Column column) => F("size", column);
    /// <summary>True where the array contains <paramref name="value"/>.</summary>
    public static Column ArrayContains(Column column, object? value) => F("array_contains", column, Column.Of(value));
    /// <summary>Array element at a 1-based index (negative from the end), or map value for a key.</summary>
    public static Column ElementAt(Column column, object indexOrKey) => F("element_at", column, Column.Of(indexOrKey));
    /// <summary>Sorted array (ascending, nulls first; or descending, nulls last).</summary>
    public static Column SortArray(Column column, bool ascending = true) => F("sort_array", column, Lit(ascending));
    /// <summary>Array without duplicates.</summary>
    public static Column ArrayDistinct(Column column) => F("array_distinct", column);
    /// <summary>Elements of an array joined into a string.</summary>
    public static Column ArrayJoin(Column column, string delimiter) => F("array_join", column, Lit(delimiter));
    /// <summary>An array of arrays flattened by one level.</summary>
    public static Column Flatten(Column column) => F("flatten", column);
    /// <summary>Keys of a map.</summary>
    public static Column MapKeys(Column column) => F("map_keys", column);
    /// <summary>Values of a map.</summary>
    public static Column MapValues(Column column) => F("map_values", column);

    // ---------------------------------------------------------------- window functions

    /// <summary>1, 2, 3, ... within the window partition, in window order.</summary>
    public static Column RowNumber() => F("row_number");
    /// <summary>Rank with gaps (1, 1, 3) within the window partition.</summary>
    public static Column Rank() => F("rank");
    /// <summary>Rank without gaps (1, 1, 2) within the window partition.</summary>
    public static Column DenseRank() => F("dense_rank");
    /// <summary>(rank - 1) / (rows in partition - 1).</summary>
    public static Column PercentRank() => F("percent_rank");
    /// <summary>Fraction of rows at or before this one in the partition.</summary>
    public static Column CumeDist() => F("cume_dist");
    /// <summary>Bucket number 1..<paramref name="n"/> of the row within its partition.</summary>
    public static Column Ntile(int n) => F("ntile", Lit(n));
    /// <summary>The value <paramref name="offset"/> rows before, or <paramref name="defaultValue"/>.</summary>
    public static Column Lag(Column column, int offset = 1, object? defaultValue = null) => F("lag", column, Lit(offset), Column.Of(defaultValue));
    /// <summary>The value <paramref name="offset"/> rows before, or <paramref name="defaultValue"/>.</summary>
    public static Column Lag(string columnName, int offset = 1, object? defaultValue = null) => Lag(C(columnName), offset, defaultValue);
    /// <summary>The value <paramref name="offset"/> rows after, or <paramref name="defaultValue"/>.</summary>
    public static Column Lead(Column column, int offset = 1, object? defaultValue = null) => F("lead", column, Lit(offset), Column.Of(defaultValue));
    /// <summary>The value <paramref name="offset"/> rows after, or <paramref name="defaultValue"/>.</summary>
    public static Column Lead(string columnName, int offset = 1, object? defaultValue = null) => Lead(C(columnName), offset, defaultValue);
    /// <summary>The <paramref name="n"/>-th value of the window frame.</summary>
    public static Column NthValue(Column column, int n, bool ignoreNulls = false) => F("nth_value", column, Lit(n), Lit(ignoreNulls));

    // ---------------------------------------------------------------- misc

    /// <summary>Unique, increasing (not consecutive) 64-bit ids.</summary>
    public static Column MonotonicallyIncreasingId() => F("monotonically_increasing_id");
    /// <summary>Uniform random numbers in [0, 1).</summary>
    public static Column Rand(long? seed = null) => seed is null ? F("rand") : F("rand", Lit(seed.Value));
    /// <summary>Standard normal random numbers.</summary>
    public static Column Randn(long? seed = null) => seed is null ? F("randn") : F("randn", Lit(seed.Value));
    /// <summary>Spark's 32-bit Murmur3 hash of the columns.</summary>
    public static Column Hash(params Column[] columns) => F("hash", columns);
    /// <summary>64-bit xxHash of the columns.</summary>
    public static Column XxHash64(params Column[] columns) => F("xxhash64", columns);
    /// <summary>MD5 digest as 32 hex characters.</summary>
    public static Column Md5(Column column) => F("md5", column);
    /// <summary>SHA-1 digest as hex.</summary>
    public static Column Sha1(Column column) => F("sha1", column);
    /// <summary>SHA-2 digest as hex; <paramref name="numBits"/> is 224, 256 (or 0), 384 or 512.</summary>
    public static Column Sha2(Column column, int numBits) => F("sha2", column, Lit(numBits));
    /// <summary>CRC32 checksum.</summary>
    public static Column Crc32(Column column) => F("crc32", column);
    /// <summary>Base64 encoding of a binary.</summary>
    public static Column Base64(Column column) => F("base64", column);

    /// <summary>A struct (or other type) parsed from a JSON string column, with a DDL schema such as <c>"a INT, b STRING"</c>.</summary>
    public static Column FromJson(Column column, string schema, IReadOnlyDictionary<string, string>? options = null) =>
        options is null || options.Count == 0 ? F("from_json", column, Lit(schema)) : F("from_json", column, Lit(schema), OptionsMap(options));
    /// <summary>A value parsed from a JSON string column with the given type.</summary>
    public static Column FromJson(Column column, DataType schema, IReadOnlyDictionary<string, string>? options = null) =>
        FromJson(column, TypeStrings.Json(schema.ToProto()), options);
    /// <summary>A value parsed from a JSON string column with a schema given as a column (e.g. <see cref="SchemaOfJson"/>).</summary>
    public static Column FromJson(Column column, Column schema) => F("from_json", column, schema);
    /// <summary>A struct, array or map column as a JSON string.</summary>
    public static Column ToJson(Column column, IReadOnlyDictionary<string, string>? options = null) =>
        options is null || options.Count == 0 ? F("to_json", column) : F("to_json", column, OptionsMap(options));
    /// <summary>The DDL schema inferred from a JSON string.</summary>
    public static Column SchemaOfJson(string json) => F("schema_of_json", Lit(json));
    /// <summary>A field of a JSON string by JSON path, e.g. <c>"$.a.b"</c>.</summary>
    public static Column GetJsonObject(Column column, string path) => F("get_json_object", column, Lit(path));

    /// <summary>A broadcast hint on a DataFrame, for joins: same as <c>df.Hint("broadcast")</c>.</summary>
    public static DataFrame Broadcast(DataFrame df)
    {
        ArgumentNullException.ThrowIfNull(df);
        return df.Hint("broadcast");
    }

    private static Column OptionsMap(IReadOnlyDictionary<string, string> options) =>
        F("map", options.SelectMany(kv => new[] { Lit(kv.Key), Lit(kv.Value) }).ToArray());
}

using System.Collections;
using System.Runtime.CompilerServices;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A column expression: a name, a literal, a function call or any combination of them, evaluated by the server
/// against the rows of a <see cref="DataFrame"/>. Columns are immutable; every method returns a new column.
/// </summary>
/// <remarks>
/// The comparison operators (<c>==</c>, <c>!=</c>, <c>&lt;</c>, ...) build expressions: <c>col("a") == 1</c> is a
/// <see cref="Column"/>, not a <see cref="bool"/>. Because of that, <see cref="Equals(object?)"/> is reference equality.
/// Any operand that is not a <see cref="Column"/> is turned into a literal with <see cref="Functions.Lit(object?)"/>.
/// </remarks>
public sealed class Column
{
    internal Column(P.Expression expression) => Expression = expression;

    /// <summary>The protocol expression (never mutated after construction).</summary>
    internal P.Expression Expression { get; }

    // ---------------------------------------------------------------- builders shared with Functions

    internal static Column Fn(string name, params Column[] args) => Fn(name, false, args);

    internal static Column Fn(string name, bool distinct, params Column[] args)
    {
        var f = new P.Expression.Types.UnresolvedFunction { FunctionName = name, IsDistinct = distinct };
        foreach (var a in args) f.Arguments.Add(a.Expression);
        return new Column(new P.Expression { UnresolvedFunction = f });
    }

    /// <summary>A column for <paramref name="value"/>: itself if it is a Column, else a literal.</summary>
    internal static Column Of(object? value) => value as Column ?? Functions.Lit(value);

    private Column Binary(string op, object? other) => Fn(op, this, Of(other));

    // ---------------------------------------------------------------- operators

    /// <summary>Addition.</summary>
    public static Column operator +(Column? left, Column? right) => Of(left).Binary("+", right);
    /// <summary>Addition with a literal.</summary>
    public static Column operator +(Column? left, object? right) => Of(left).Binary("+", right);
    /// <summary>Addition of a literal and a column.</summary>
    public static Column operator +(object? left, Column? right) => Of(left).Binary("+", right);
    /// <summary>Subtraction.</summary>
    public static Column operator -(Column? left, Column? right) => Of(left).Binary("-", right);
    /// <summary>Subtraction of a literal.</summary>
    public static Column operator -(Column? left, object? right) => Of(left).Binary("-", right);
    /// <summary>Subtraction from a literal.</summary>
    public static Column operator -(object? left, Column? right) => Of(left).Binary("-", right);
    /// <summary>Multiplication.</summary>
    public static Column operator *(Column? left, Column? right) => Of(left).Binary("*", right);
    /// <summary>Multiplication by a literal.</summary>
    public static Column operator *(Column? left, object? right) => Of(left).Binary("*", right);
    /// <summary>Multiplication of a literal.</summary>
    public static Column operator *(object? left, Column? right) => Of(left).Binary("*", right);
    /// <summary>Division (always fractional, as in Spark SQL's <c>/</c>).</summary>
    public static Column operator /(Column? left, Column? right) => Of(left).Binary("/", right);
    /// <summary>Division by a literal.</summary>
    public static Column operator /(Column? left, object? right) => Of(left).Binary("/", right);
    /// <summary>Division of a literal.</summary>
    public static Column operator /(object? left, Column? right) => Of(left).Binary("/", right);
    /// <summary>Remainder.</summary>
    public static Column operator %(Column? left, Column? right) => Of(left).Binary("%", right);
    /// <summary>Remainder by a literal.</summary>
    public static Column operator %(Column? left, object? right) => Of(left).Binary("%", right);
    /// <summary>Remainder of a literal.</summary>
    public static Column operator %(object? left, Column? right) => Of(left).Binary("%", right);
    /// <summary>Arithmetic negation.</summary>
    public static Column operator -(Column value) => Fn("negative", Of(value));
    /// <summary>Boolean negation (SQL <c>NOT</c>).</summary>
    public static Column operator !(Column value) => Fn("not", Of(value));
    /// <summary>Boolean AND (SQL <c>AND</c>, not bitwise).</summary>
    public static Column operator &(Column? left, Column? right) => Of(left).Binary("and", right);
    /// <summary>Boolean AND with a literal.</summary>
    public static Column operator &(Column? left, object? right) => Of(left).Binary("and", right);
    /// <summary>Boolean AND of a literal.</summary>
    public static Column operator &(object? left, Column? right) => Of(left).Binary("and", right);
    /// <summary>Boolean OR (SQL <c>OR</c>, not bitwise).</summary>
    public static Column operator |(Column? left, Column? right) => Of(left).Binary("or", right);
    /// <summary>Boolean OR with a literal.</summary>
    public static Column operator |(Column? left, object? right) => Of(left).Binary("or", right);
    /// <summary>Boolean OR of a literal.</summary>
    public static Column operator |(object? left, Column? right) => Of(left).Binary("or", right);
    /// <summary>Equality (SQL <c>=</c>): builds an expression, it does not compare the two objects.</summary>
    public static Column operator ==(Column? left, Column? right) => Of(left).Eq(right);
    /// <summary>Equality with a literal (SQL <c>=</c>).</summary>
    public static Column operator ==(Column? left, object? right) => Of(left).Eq(right);
    /// <summary>Equality of a literal (SQL <c>=</c>).</summary>
    public static Column operator ==(object? left, Column? right) => Of(left).Eq(right);
    /// <summary>Inequality (SQL <c>NOT (a = b)</c>).</summary>
    public static Column operator !=(Column? left, Column? right) => Of(left).NotEq(right);
    /// <summary>Inequality with a literal.</summary>
    public static Column operator !=(Column? left, object? right) => Of(left).NotEq(right);
    /// <summary>Inequality of a literal.</summary>
    public static Column operator !=(object? left, Column? right) => Of(left).NotEq(right);
    /// <summary>Less than.</summary>
    public static Column operator <(Column? left, Column? right) => Of(left).Binary("<", right);
    /// <summary>Less than a literal.</summary>
    public static Column operator <(Column? left, object? right) => Of(left).Binary("<", right);
    /// <summary>A literal less than a column.</summary>
    public static Column operator <(object? left, Column? right) => Of(left).Binary("<", right);
    /// <summary>Greater than.</summary>
    public static Column operator >(Column? left, Column? right) => Of(left).Binary(">", right);
    /// <summary>Greater than a literal.</summary>
    public static Column operator >(Column? left, object? right) => Of(left).Binary(">", right);
    /// <summary>A literal greater than a column.</summary>
    public static Column operator >(object? left, Column? right) => Of(left).Binary(">", right);
    /// <summary>Less than or equal.</summary>
    public static Column operator <=(Column? left, Column? right) => Of(left).Binary("<=", right);
    /// <summary>Less than or equal to a literal.</summary>
    public static Column operator <=(Column? left, object? right) => Of(left).Binary("<=", right);
    /// <summary>A literal less than or equal to a column.</summary>
    public static Column operator <=(object? left, Column? right) => Of(left).Binary("<=", right);
    /// <summary>Greater than or equal.</summary>
    public static Column operator >=(Column? left, Column? right) => Of(left).Binary(">=", right);
    /// <summary>Greater than or equal to a literal.</summary>
    public static Column operator >=(Column? left, object? right) => Of(left).Binary(">=", right);
    /// <summary>A literal greater than or equal to a column.</summary>
    public static Column operator >=(object? left, Column? right) => Of(left).Binary(">=", right);

    /// <summary>Equality expression (SQL <c>=</c>); same as the <c>==</c> operator.</summary>
    public Column Eq(object? other) => Binary("==", other);
    /// <summary>Inequality expression (SQL <c>NOT (a = b)</c>); same as the <c>!=</c> operator.</summary>
    public Column NotEq(object? other) => Fn("not", Eq(other));
    /// <summary>Null-safe equality (SQL <c>&lt;=&gt;</c>): true when both sides are null.</summary>
    public Column EqNullSafe(object? other) => Binary("<=>", other);
    /// <summary>Logical AND, same as <c>&amp;</c>.</summary>
    public Column And(object? other) => Binary("and", other);
    /// <summary>Logical OR, same as <c>|</c>.</summary>
    public Column Or(object? other) => Binary("or", other);
    /// <summary>Bitwise AND of integral values.</summary>
    public Column BitwiseAnd(object? other) => Binary("&", other);
    /// <summary>Bitwise OR of integral values.</summary>
    public Column BitwiseOr(object? other) => Binary("|", other);
    /// <summary>Bitwise XOR of integral values.</summary>
    public Column BitwiseXor(object? other) => Binary("^", other);

    // ---------------------------------------------------------------- naming and types

    /// <summary>Gives the column a name (SQL <c>AS</c>).</summary>
    public Column Alias(string name) => Alias(new[] { name });

    /// <summary>Gives several names to a column producing several columns (e.g. <c>explode</c> of a map).</summary>
    public Column Alias(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0) throw new ArgumentException("At least one name is required.", nameof(names));
        var a = new P.Expression.Types.Alias { Expr = Expression };
        a.Name.AddRange(names);
        return new Column(new P.Expression { Alias = a });
    }

    /// <summary>Gives the column a name and Spark field metadata (a JSON object, e.g. <c>{"comment": "..."}</c>).</summary>
    public Column AliasWithMetadata(string name, string metadataJson)
    {
        var a = new P.Expression.Types.Alias { Expr = Expression, Metadata = metadataJson };
        a.Name.Add(name);
        return new Column(new P.Expression { Alias = a });
    }

    /// <summary>Same as <see cref="Alias(string)"/>.</summary>
    public Column As(string name) => Alias(name);
    /// <summary>Same as <see cref="Alias(string[])"/>.</summary>
    public Column As(params string[] names) => Alias(names);
    /// <summary>Same as <see cref="Alias(string)"/>.</summary>
    public Column Name(string name) => Alias(name);

    /// <summary>Converts to <paramref name="type"/> (SQL <c>CAST</c>).</summary>
    public Column Cast(DataType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Column(new P.Expression { Cast = new P.Expression.Types.Cast { Expr = Expression, Type = type.ToProto() } });
    }

    /// <summary>Converts to the type named by a SQL type string, e.g. <c>"int"</c>, <c>"decimal(10,2)"</c>, <c>"array&lt;string&gt;"</c>.</summary>
    public Column Cast(string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        return new Column(new P.Expression { Cast = new P.Expression.Types.Cast { Expr = Expression, TypeStr = typeName } });
    }

    /// <summary>Converts to <paramref name="type"/>, giving null instead of an error when a value cannot be converted.</summary>
    public Column TryCast(DataType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Column(new P.Expression
        {
            Cast = new P.Expression.Types.Cast { Expr = Expression, Type = type.ToProto(), EvalMode = P.Expression.Types.Cast.Types.EvalMode.Try },
        });
    }

    /// <summary>Converts to the type named by a SQL type string, giving null instead of an error.</summary>
    public Column TryCast(string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        return new Column(new P.Expression
        {
            Cast = new P.Expression.Types.Cast { Expr = Expression, TypeStr = typeName, EvalMode = P.Expression.Types.Cast.Types.EvalMode.Try },
        });
    }

    // ---------------------------------------------------------------- CASE WHEN

    private bool IsOpenWhen(out P.Expression.Types.UnresolvedFunction f)
    {
        f = Expression.UnresolvedFunction;
        return Expression.ExprTypeCase == P.Expression.ExprTypeOneofCase.UnresolvedFunction
               && f.FunctionName == "when" && f.Arguments.Count % 2 == 0;
    }

    /// <summary>
    /// Adds a branch to a <see cref="Functions.When(Column, object?)"/> expression:
    /// <c>When(cond1, v1).When(cond2, v2).Otherwise(v3)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">This column is not a <c>When</c> expression, or already has <c>Otherwise</c>.</exception>
    public Column When(Column condition, object? value)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (!IsOpenWhen(out var f))
            throw new InvalidOperationException("When() can only follow Functions.When(...) or another When(), and not Otherwise().");
        var g = f.Clone();
        g.Arguments.Add(condition.Expression);
        g.Arguments.Add(Of(value).Expression);
        return new Column(new P.Expression { UnresolvedFunction = g });
    }

    /// <summary>The value of a <see cref="Functions.When(Column, object?)"/> expression when no branch matches (else null).</summary>
    /// <exception cref="InvalidOperationException">This column is not a <c>When</c> expression, or already has <c>Otherwise</c>.</exception>
    public Column Otherwise(object? value)
    {
        if (!IsOpenWhen(out var f))
            throw new InvalidOperationException("Otherwise() can only follow Functions.When(...) or When(), once.");
        var g = f.Clone();
        g.Arguments.Add(Of(value).Expression);
        return new Column(new P.Expression { UnresolvedFunction = g });
    }

    // ---------------------------------------------------------------- predicates

    /// <summary>True where the value is null.</summary>
    public Column IsNull() => Fn("isnull", this);
    /// <summary>True where the value is not null.</summary>
    public Column IsNotNull() => Fn("isnotnull", this);
    /// <summary>True where the value is NaN.</summary>
    public Column IsNaN() => Fn("isnan", this);

    /// <summary>
    /// SQL <c>IN</c>: true where the value equals one of <paramref name="values"/> (literals or columns).
    /// A single collection argument (e.g. an <c>int[]</c> or a <c>List</c>) is expanded into its elements.
    /// </summary>
    public Column IsIn(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        IEnumerable<object?> items = values;
        if (values.Length == 1 && values[0] is IEnumerable e && values[0] is not string && values[0] is not byte[] && values[0] is not Column)
            items = e.Cast<object?>();
        return Fn("in", new[] { this }.Concat(items.Select(Of)).ToArray());
    }

    /// <summary>SQL <c>LIKE</c> with <c>%</c> and <c>_</c> wildcards.</summary>
    public Column Like(string pattern) => Binary("like", pattern);
    /// <summary>Case-insensitive SQL <c>ILIKE</c>.</summary>
    public Column ILike(string pattern) => Binary("ilike", pattern);
    /// <summary>Regular expression match (Java syntax), true when the pattern matches a part of the value.</summary>
    public Column RLike(string pattern) => Binary("rlike", pattern);
    /// <summary>True where the string starts with <paramref name="prefix"/> (a string or a column).</summary>
    public Column StartsWith(object prefix) => Binary("startswith", prefix);
    /// <summary>True where the string ends with <paramref name="suffix"/> (a string or a column).</summary>
    public Column EndsWith(object suffix) => Binary("endswith", suffix);
    /// <summary>True where the string contains <paramref name="other"/> (a string or a column).</summary>
    public Column Contains(object other) => Binary("contains", other);

    /// <summary>True where <paramref name="lowerBound"/> &lt;= value &lt;= <paramref name="upperBound"/>.</summary>
    public Column Between(object? lowerBound, object? upperBound) => (this >= lowerBound) & (this <= upperBound);

    /// <summary>Substring starting at <paramref name="startPos"/> (1-based) of <paramref name="length"/> characters (or bytes for binary).</summary>
    public Column Substr(int startPos, int length) => Fn("substr", this, Functions.Lit(startPos), Functions.Lit(length));
    /// <summary>Substring with a computed start (1-based) and length.</summary>
    public Column Substr(Column startPos, Column length) => Fn("substr", this, startPos, length);

    // ---------------------------------------------------------------- nested values

    /// <summary>An element of an array (0-based index) or the value of a map key.</summary>
    public Column GetItem(object key) => new(new P.Expression
    {
        UnresolvedExtractValue = new P.Expression.Types.UnresolvedExtractValue { Child = Expression, Extraction = Of(key).Expression },
    });

    /// <summary>A field of a struct.</summary>
    public Column GetField(string name) => GetItem(name);

    /// <summary>A struct field (by name), an array element (by 0-based index) or a map value (by key).</summary>
    public Column this[object key] => GetItem(key);

    /// <summary>The struct with field <paramref name="fieldName"/> added or replaced.</summary>
    public Column WithField(string fieldName, Column value) => new(new P.Expression
    {
        UpdateFields = new P.Expression.Types.UpdateFields { StructExpression = Expression, FieldName = fieldName, ValueExpression = value.Expression },
    });

    /// <summary>The struct without the named fields.</summary>
    public Column DropFields(params string[] fieldNames)
    {
        var e = Expression;
        foreach (var n in fieldNames)
            e = new P.Expression { UpdateFields = new P.Expression.Types.UpdateFields { StructExpression = e, FieldName = n } };
        return new Column(e);
    }

    // ---------------------------------------------------------------- ordering and windows

    internal Column Sort(bool ascending, bool nullsFirst) => new(new P.Expression
    {
        SortOrder = new P.Expression.Types.SortOrder
        {
            Child = Expression,
            Direction = ascending ? P.Expression.Types.SortOrder.Types.SortDirection.Ascending : P.Expression.Types.SortOrder.Types.SortDirection.Descending,
            NullOrdering = nullsFirst ? P.Expression.Types.SortOrder.Types.NullOrdering.SortNullsFirst : P.Expression.Types.SortOrder.Types.NullOrdering.SortNullsLast,
        },
    });

    /// <summary>Ascending order, nulls first (Spark's default).</summary>
    public Column Asc() => Sort(true, true);
    /// <summary>Ascending order, nulls first.</summary>
    public Column AscNullsFirst() => Sort(true, true);
    /// <summary>Ascending order, nulls last.</summary>
    public Column AscNullsLast() => Sort(true, false);
    /// <summary>Descending order, nulls last (Spark's default).</summary>
    public Column Desc() => Sort(false, false);
    /// <summary>Descending order, nulls first.</summary>
    public Column DescNullsFirst() => Sort(false, true);
    /// <summary>Descending order, nulls last.</summary>
    public Column DescNullsLast() => Sort(false, false);

    /// <summary>This column as a sort order: itself if already one, else ascending.</summary>
    internal P.Expression.Types.SortOrder ToSortOrder() =>
        Expression.ExprTypeCase == P.Expression.ExprTypeOneofCase.SortOrder ? Expression.SortOrder : Asc().Expression.SortOrder;

    /// <summary>Evaluates this window or aggregate function over <paramref name="window"/>.</summary>
    public Column Over(WindowSpec window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new Column(new P.Expression { Window = window.ToProto(Expression) });
    }

    /// <summary>Evaluates this window or aggregate function over the whole result (an empty window).</summary>
    public Column Over() => Over(WindowSpec.Empty);

    // ---------------------------------------------------------------- object members

    /// <summary>Reference equality. Use <c>==</c> or <see cref="Eq(object?)"/> to build an equality expression.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>A hash of the object reference, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    /// <summary>A readable SQL-like rendering of the expression, e.g. <c>Column&lt;'(a + 1) AS b'&gt;</c>.</summary>
    public override string ToString() => $"Column<'{ExpressionText.Render(Expression)}'>";
}

using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
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

/// <summary>Renders protocol expressions as SQL-like text (for <see cref="Column.ToString"/> only).</summary>
internal static class ExpressionText
{
    private static readonly HashSet<string> Infix = ["+", "-", "*", "/", "%", "==", "<=>", "<", "<=", ">", ">=", "&", "|", "^", "and", "or"];

    public static string Render(P.Expression e)
    {
        switch (e.ExprTypeCase)
        {
            case P.Expression.ExprTypeOneofCase.UnresolvedAttribute: return e.UnresolvedAttribute.UnparsedIdentifier;
            case P.Expression.ExprTypeOneofCase.UnresolvedStar: return e.UnresolvedStar.HasUnparsedTarget ? e.UnresolvedStar.UnparsedTarget : "*";
            case P.Expression.ExprTypeOneofCase.UnresolvedRegex: return e.UnresolvedRegex.ColName;
            case P.Expression.ExprTypeOneofCase.ExpressionString: return e.ExpressionString.Expression;
            case P.Expression.ExprTypeOneofCase.Literal: return RenderLiteral(e.Literal);
            case P.Expression.ExprTypeOneofCase.Alias: return $"{Render(e.Alias.Expr)} AS {string.Join(", ", e.Alias.Name)}";
            case P.Expression.ExprTypeOneofCase.Cast:
                return $"CAST({Render(e.Cast.Expr)} AS {(e.Cast.HasTypeStr ? e.Cast.TypeStr : e.Cast.Type?.KindCase.ToString().ToUpperInvariant())})";
            case P.Expression.ExprTypeOneofCase.SortOrder:
                var s = e.SortOrder;
                return $"{Render(s.Child)} {(s.Direction == P.Expression.Types.SortOrder.Types.SortDirection.Descending ? "DESC" : "ASC")} NULLS {(s.NullOrdering == P.Expression.Types.SortOrder.Types.NullOrdering.SortNullsLast ? "LAST" : "FIRST")}";
            case P.Expression.ExprTypeOneofCase.UnresolvedExtractValue:
                return $"{Render(e.UnresolvedExtractValue.Child)}[{Render(e.UnresolvedExtractValue.Extraction)}]";
            case P.Expression.ExprTypeOneofCase.Window:
                return $"{Render(e.Window.WindowFunction)} OVER (...)";
            case P.Expression.ExprTypeOneofCase.UpdateFields:
                return $"update_fields({Render(e.UpdateFields.StructExpression)}, {e.UpdateFields.FieldName})";
            case P.Expression.ExprTypeOneofCase.UnresolvedFunction:
                var f = e.UnresolvedFunction;
                var args = f.Arguments.Select(Render).ToList();
                if (args.Count == 2 && Infix.Contains(f.FunctionName))
                    return $"({args[0]} {(f.FunctionName == "==" ? "=" : f.FunctionName.ToUpperInvariant() is "AND" or "OR" ? f.FunctionName.ToUpperInvariant() : f.FunctionName)} {args[1]})";
                if (f.FunctionName == "not" && args.Count == 1) return $"(NOT {args[0]})";
                if (f.FunctionName == "negative" && args.Count == 1) return $"(- {args[0]})";
                return $"{f.FunctionName}({(f.IsDistinct ? "DISTINCT " : "")}{string.Join(", ", args)})";
            default: return e.ExprTypeCase.ToString();
        }
    }

    private static string RenderLiteral(P.Expression.Types.Literal l) => l.LiteralTypeCase switch
    {
        P.Expression.Types.Literal.LiteralTypeOneofCase.Null => "NULL",
        P.Expression.Types.Literal.LiteralTypeOneofCase.String => "'" + l.String.Replace("'", "\\'") + "'",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Boolean => l.Boolean ? "true" : "false",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Byte => l.Byte.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Short => l.Short.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Integer => l.Integer.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Long => l.Long.ToString(CultureInfo.InvariantCulture) + "L",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Float => l.Float.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Double => l.Double.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Decimal => l.Decimal.Value + "BD",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Array => "array(" + string.Join(", ", l.Array.Elements.Select(RenderLiteral)) + ")",
        _ => l.LiteralTypeCase.ToString(),
    };
}

/// <summary>Turns .NET values into protocol literals.</summary>
internal static class Literals
{
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>The literal for <paramref name="value"/> and its Spark type.</summary>
    /// <exception cref="ArgumentException">A value with no Spark literal (the message names its .NET type).</exception>
    public static (P.Expression.Types.Literal Literal, P.DataType Type) Convert(object? value)
    {
        var l = new P.Expression.Types.Literal();
        switch (value)
        {
            case null:
                l.Null = Types.Null();
                return (l, l.Null);
            case P.Expression.Types.Literal lit:
                return (lit, lit.DataType ?? Types.Null());
            case bool b: l.Boolean = b; return (l, Types.Boolean());
            case sbyte sb: l.Byte = sb; return (l, Types.Byte());
            case byte ub: l.Short = ub; return (l, Types.Short());
            case short s: l.Short = s; return (l, Types.Short());
            case ushort us: l.Integer = us; return (l, Types.Integer());
            case int i: l.Integer = i; return (l, Types.Integer());
            case uint ui: l.Long = ui; return (l, Types.Long());
            case long lg: l.Long = lg; return (l, Types.Long());
            case ulong ul: return Decimal(ul.ToString(CultureInfo.InvariantCulture), 20, 0);
            case float f: l.Float = f; return (l, Types.Float());
            case Half h: l.Float = (float)h; return (l, Types.Float());
            case double d: l.Double = d; return (l, Types.Double());
            case decimal m: return Decimal(m);
            case BigInteger bi:
                var bis = bi.ToString(CultureInfo.InvariantCulture);
                var digits = bis.TrimStart('-').Length;
                if (digits > 38) throw new ArgumentException($"BigInteger {bis} has more than 38 digits, the most a Spark decimal holds.");
                return Decimal(bis, Math.Max(digits, 1), 0);
            case string str: l.String = str; return (l, Types.String());
            case char c: l.String = c.ToString(); return (l, Types.String());
            case Guid g: l.String = g.ToString(); return (l, Types.String());
            case byte[] bytes: l.Binary = ByteString.CopyFrom(bytes); return (l, Types.Binary());
            case ReadOnlyMemory<byte> rom: l.Binary = ByteString.CopyFrom(rom.Span); return (l, Types.Binary());
            case Memory<byte> mem: l.Binary = ByteString.CopyFrom(mem.Span); return (l, Types.Binary());
            case DateOnly date: l.Date = date.DayNumber - EpochDayNumber; return (l, Types.Date());
            case DateTime dt when dt.Kind == DateTimeKind.Unspecified:
                l.TimestampNtz = (dt.Ticks - UnixEpoch.Ticks) / 10;
                return (l, Types.TimestampNtz());
            case DateTime dt:
                l.Timestamp = (dt.ToUniversalTime().Ticks - UnixEpoch.Ticks) / 10;
                return (l, Types.Timestamp());
            case DateTimeOffset dto:
                l.Timestamp = (dto.UtcTicks - UnixEpoch.Ticks) / 10;
                return (l, Types.Timestamp());
            case TimeSpan ts:
                l.DayTimeInterval = ts.Ticks / 10;
                return (l, new P.DataType { DayTimeInterval = new P.DataType.Types.DayTimeInterval { StartField = 0, EndField = 3 } });
            case TimeOnly t:
                l.Time = new P.Expression.Types.Literal.Types.Time { Nano = t.Ticks * 100, Precision = 6 };
                return (l, new P.DataType { Time = new P.DataType.Types.Time { Precision = 6 } });
            case System.Data.SqlTypes.SqlDecimal sd:
                if (sd.IsNull) goto case null;
                return Decimal(sd.ToString(), Math.Max((int)sd.Precision, 1), sd.Scale);
            case CalendarInterval ci:
                l.CalendarInterval = new P.Expression.Types.Literal.Types.CalendarInterval { Months = ci.Months, Days = ci.Days, Microseconds = ci.Microseconds };
                return (l, new P.DataType { CalendarInterval = new P.DataType.Types.CalendarInterval() });
            case YearMonthInterval ym:
                l.YearMonthInterval = ym.TotalMonths;
                return (l, new P.DataType { YearMonthInterval = new P.DataType.Types.YearMonthInterval { StartField = 0, EndField = 1 } });
            case Row row:
                return Struct(row);
            case IDictionary dict:
                return Map(dict, value.GetType());
            case IReadOnlyDictionary<object, object?> rodict:
                return Map(rodict.ToDictionary(kv => kv.Key, kv => kv.Value), typeof(object));
            case IEnumerable seq:
                return Array(seq, value.GetType());
            case Enum en:
                l.String = en.ToString();
                return (l, Types.String());
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType().FullName} cannot be a Spark literal. Supported: null, bool, integers, float, double, decimal, string, " +
                    "byte[], DateOnly, DateTime, DateTimeOffset, TimeSpan, TimeOnly, arrays/lists, dictionaries, Row.");
        }
    }

    /// <summary>A literal expression for <paramref name="value"/>, with its full type attached for nulls and nested values.</summary>
    public static P.Expression Expression(object? value)
    {
        var (l, t) = Convert(value);
        if (l.LiteralTypeCase is P.Expression.Types.Literal.LiteralTypeOneofCase.Array
            or P.Expression.Types.Literal.LiteralTypeOneofCase.Map
            or P.Expression.Types.Literal.LiteralTypeOneofCase.Struct)
        {
            l = l.Clone();
            l.DataType = t;
        }
        return new P.Expression { Literal = l };
    }

    private static (P.Expression.Types.Literal, P.DataType) Decimal(decimal m)
    {
        var bits = decimal.GetBits(m);
        var scale = (bits[3] >> 16) & 0xFF;
        var text = m.ToString(CultureInfo.InvariantCulture);
        var digits = text.Count(char.IsAsciiDigit);
        // "0.05" has 3 digit characters but precision 2 is enough; a leading zero before the point does not count.
        var intPart = text.TrimStart('-').Split('.')[0];
        if (intPart == "0") digits -= 1;
        return Decimal(text, Math.Max(Math.Max(digits, scale), 1), scale);
    }

    private static (P.Expression.Types.Literal, P.DataType) Decimal(string text, int precision, int scale)
    {
        var l = new P.Expression.Types.Literal
        {
            Decimal = new P.Expression.Types.Literal.Types.Decimal { Value = text, Precision = precision, Scale = scale },
        };
        return (l, new P.DataType { Decimal = new P.DataType.Types.Decimal { Precision = precision, Scale = scale } });
    }

    private static Type? ElementTypeOf(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        var e = t.GetInterfaces().Append(t)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return e?.GetGenericArguments()[0];
    }

    /// <summary>The Spark type for values of a .NET type, when it follows from the type alone.</summary>
    private static P.DataType? TypeFor(Type? t)
    {
        if (t is null) return null;
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(object)) return null;
        if (t == typeof(bool)) return Types.Boolean();
        if (t == typeof(sbyte)) return Types.Byte();
        if (t == typeof(byte) || t == typeof(short)) return Types.Short();
        if (t == typeof(ushort) || t == typeof(int)) return Types.Integer();
        if (t == typeof(uint) || t == typeof(long)) return Types.Long();
        if (t == typeof(float) || t == typeof(Half)) return Types.Float();
        if (t == typeof(double)) return Types.Double();
        if (t == typeof(string) || t == typeof(char) || t == typeof(Guid)) return Types.String();
        if (t == typeof(byte[])) return Types.Binary();
        if (t == typeof(DateOnly)) return Types.Date();
        if (t == typeof(DateTimeOffset)) return Types.Timestamp();
        return null; // decimal (precision varies), DateTime (kind varies), nested: from the values
    }

    private static P.DataType Widen(P.DataType? declared, IEnumerable<P.DataType> seen)
    {
        if (declared is not null) return declared;
        P.DataType? result = null;
        foreach (var t in seen)
        {
            if (t.KindCase == P.DataType.KindOneofCase.Null) continue;
            if (result is null) { result = t; continue; }
            if (result.Equals(t)) continue;
            if (result.KindCase == P.DataType.KindOneofCase.Decimal && t.KindCase == P.DataType.KindOneofCase.Decimal)
            {
                // widen to hold both: integral digits and scale of the widest
                int s = Math.Max(result.Decimal.Scale, t.Decimal.Scale);
                int ip = Math.Max(result.Decimal.Precision - result.Decimal.Scale, t.Decimal.Precision - t.Decimal.Scale);
                result = new P.DataType { Decimal = new P.DataType.Types.Decimal { Precision = Math.Min(38, ip + s), Scale = s } };
                continue;
            }
            throw new ArgumentException($"A collection literal mixes element types {result.KindCase} and {t.KindCase}.");
        }
        return result ?? Types.Null();
    }

    /// <summary>Re-encodes a literal to <paramref name="target"/> where needed (decimals widened to a common scale).</summary>
    private static P.Expression.Types.Literal Coerce(P.Expression.Types.Literal l, P.DataType target)
    {
        if (l.LiteralTypeCase == P.Expression.Types.Literal.LiteralTypeOneofCase.Decimal && target.KindCase == P.DataType.KindOneofCase.Decimal)
        {
            var c = l.Clone();
            c.Decimal.Precision = target.Decimal.Precision;
            c.Decimal.Scale = target.Decimal.Scale;
            return c;
        }
        if (l.LiteralTypeCase == P.Expression.Types.Literal.LiteralTypeOneofCase.Null)
            return new P.Expression.Types.Literal { Null = target };
        return l;
    }

#pragma warning disable CS0612, CS0618 // element_type / key_type / value_type are deprecated but older servers need them
    private static (P.Expression.Types.Literal, P.DataType) Array(IEnumerable seq, Type type)
    {
        var items = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        foreach (var o in seq) items.Add(Convert(o));
        var elementType = Widen(TypeFor(ElementTypeOf(type)), items.Select(x => x.T));
        var arr = new P.Expression.Types.Literal.Types.Array { ElementType = elementType };
        foreach (var (l, _) in items) arr.Elements.Add(Coerce(l, elementType));
        var dt = new P.DataType { Array = new P.DataType.Types.Array { ElementType = elementType, ContainsNull = true } };
        return (new P.Expression.Types.Literal { Array = arr }, dt);
    }

    private static (P.Expression.Types.Literal, P.DataType) Map(IDictionary dict, Type type)
    {
        Type? kt = null, vt = null;
        var gi = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (gi is not null) { kt = gi.GetGenericArguments()[0]; vt = gi.GetGenericArguments()[1]; }
        var keys = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        var values = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        foreach (DictionaryEntry entry in dict)
        {
            keys.Add(Convert(entry.Key));
            values.Add(Convert(entry.Value));
        }
        var keyType = Widen(TypeFor(kt), keys.Select(x => x.T));
        var valueType = Widen(TypeFor(vt), values.Select(x => x.T));
        var map = new P.Expression.Types.Literal.Types.Map { KeyType = keyType, ValueType = valueType };
        foreach (var (l, _) in keys) map.Keys.Add(Coerce(l, keyType));
        foreach (var (l, _) in values) map.Values.Add(Coerce(l, valueType));
        var dt = new P.DataType { Map = new P.DataType.Types.Map { KeyType = keyType, ValueType = valueType, ValueContainsNull = true } };
        return (new P.Expression.Types.Literal { Map = map }, dt);
    }

    private static (P.Expression.Types.Literal, P.DataType) Struct(Row row)
    {
        var st = new P.DataType.Types.Struct();
        var lit = new P.Expression.Types.Literal.Types.Struct();
        var schemaType = row.Schema?.ToProto();
        for (int i = 0; i < row.Count; i++)
        {
            var (l, t) = Convert(row[i]);
            var field = schemaType?.Struct?.Fields.ElementAtOrDefault(i);
            var ft = field?.DataType ?? t;
            st.Fields.Add(new P.DataType.Types.StructField { Name = field?.Name ?? $"col{i + 1}", DataType = ft, Nullable = true });
            lit.Elements.Add(Coerce(l, ft));
        }
        var dt = new P.DataType { Struct = st };
        lit.StructType = dt;
        return (new P.Expression.Types.Literal { Struct = lit }, dt);
    }
#pragma warning restore CS0612, CS0618

    /// <summary>Protocol data types for literals.</summary>
    internal static class Types
    {
        public static P.DataType Null() => new() { Null = new P.DataType.Types.NULL() };
        public static P.DataType Boolean() => new() { Boolean = new P.DataType.Types.Boolean() };
        public static P.DataType Byte() => new() { Byte = new P.DataType.Types.Byte() };
        public static P.DataType Short() => new() { Short = new P.DataType.Types.Short() };
        public static P.DataType Integer() => new() { Integer = new P.DataType.Types.Integer() };
        public static P.DataType Long() => new() { Long = new P.DataType.Types.Long() };
        public static P.DataType Float() => new() { Float = new P.DataType.Types.Float() };
        public static P.DataType Double() => new() { Double = new P.DataType.Types.Double() };
        public static P.DataType String() => new() { String = new P.DataType.Types.String() };
        public static P.DataType Binary() => new() { Binary = new P.DataType.Types.Binary() };
        public static P.DataType Date() => new() { Date = new P.DataType.Types.Date() };
        public static P.DataType Timestamp() => new() { Timestamp = new P.DataType.Types.Timestamp() };
        public static P.DataType TimestampNtz() => new() { TimestampNtz = new P.DataType.Types.TimestampNTZ() };
    }

    /// <summary>Spark's text for option values: booleans lower case, numbers in the invariant culture.</summary>
    public static string OptionText(object? value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "An option value cannot be null."),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A backtick-quoted identifier part when it needs quoting.</summary>
    public static string QuoteIfNeeded(string name)
    {
        if (name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return name;
        var sb = new StringBuilder("`");
        foreach (var c in name) sb.Append(c == '`' ? "``" : c.ToString());
        return sb.Append('`').ToString();
    }
}

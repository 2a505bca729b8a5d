using System.Collections;
using System.Data.SqlTypes;
using System.Text;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// One row of a result (or a value of a <see cref="StructType"/>): its values by ordinal or by field name,
/// with the <see cref="Schema"/> that names and types them.
/// </summary>
/// <remarks>
/// Values are natural .NET values; SQL NULL is <c>null</c>. By Spark type: boolean <see cref="bool"/>,
/// tinyint <see cref="sbyte"/>, smallint <see cref="short"/>, int <see cref="int"/>, bigint <see cref="long"/>,
/// float <see cref="float"/>, double <see cref="double"/>, decimal(p,s) <see cref="decimal"/> when p &lt;= 28 else
/// <see cref="SqlDecimal"/> (for the whole column, so that every value stays exact), string / char / varchar
/// <see cref="string"/>, binary <see cref="byte"/>[], date <see cref="DateOnly"/>, timestamp
/// <see cref="DateTimeOffset"/> (UTC), timestamp_ntz <see cref="DateTime"/> (unspecified kind), time
/// <see cref="TimeOnly"/>, interval <see cref="CalendarInterval"/>, interval year to month
/// <see cref="YearMonthInterval"/>, interval day to second <see cref="TimeSpan"/>, variant
/// <see cref="VariantValue"/>, geometry / geography <see cref="Geometry"/> / <see cref="Geography"/>,
/// array <see cref="IReadOnlyList{T}"/> of object (an <c>object?[]</c>), map
/// <see cref="IReadOnlyDictionary{TKey,TValue}"/> of object to object (entries in the server's order, keys
/// compared by value, byte[] and nested keys included), struct <see cref="Row"/>.
/// Rows compare equal when their values are equal (deeply: arrays, maps, rows and byte[] by content); the
/// schema is not compared.
/// Collected rows (<see cref="DataFrame.CollectAsync(CancellationToken)"/>) stay in their Arrow columns: a value is
/// decoded when it is read, so reading it twice gives equal values, not the same object, and
/// <see cref="Get{T}(int)"/> of a fixed-width column as its own type (<c>Get&lt;long&gt;</c> of a bigint) reads it
/// without boxing.
/// </remarks>
public sealed class Row : IReadOnlyList<object?>, IEquatable<Row>
{
    // A row holds its values in one of two ways: boxed, in values[offset .. offset + schema.Count) (rows made here, or
    // decoded while streaming, where consecutive rows share one buffer), or as row `offset` of an Arrow batch's columns
    // (collected rows: a value is read from Arrow, and boxed, only when asked for).
    private readonly object?[] _values;
    private readonly ColumnarRows? _columns;
    private readonly int _offset;

    /// <summary>A row of <paramref name="schema"/> with these values (one per field, in order).</summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of fields.</exception>
    public Row(StructType schema, params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != schema.Count)
            throw new ArgumentException($"The schema has {schema.Count} fields but {values.Length} values were given.", nameof(values));
        Schema = schema;
        _values = values;
        _offset = 0;
    }

    // Decoders share one buffer between consecutive rows: this row is values[offset .. offset + schema.Count).
    internal Row(StructType schema, object?[] values, int offset)
    {
        Schema = schema;
        _values = values;
        _offset = offset;
    }

    internal Row(ColumnarRows columns, int index)
    {
        Schema = columns.Schema;
        _values = [];
        _columns = columns;
        _offset = index;
    }

    /// <summary>The row's fields: names, types and nullability.</summary>
    public StructType Schema { get; }

    /// <summary>The number of values (fields).</summary>
    public int Count => Schema.Count;

    /// <summary>The value at <paramref name="ordinal"/> (null for SQL NULL).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is not a field's ordinal.</exception>
    public object? this[int ordinal]
    {
        get
        {
            if ((uint)ordinal >= (uint)Schema.Count) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"The row has {Schema.Count} fields.");
            return ValueAt(ordinal);
        }
    }

    private object? ValueAt(int ordinal) => _columns is { } columns ? columns.Get(_offset, ordinal) : _values[_offset + ordinal];

    /// <summary>The value of the field named <paramref name="name"/> (exact match; the first of duplicates).</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public object? this[string name] => ValueAt(Schema.FieldIndex(name));

    /// <summary>The ordinal of the field named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public int FieldIndex(string name) => Schema.FieldIndex(name);

    /// <summary>Whether the value at <paramref name="ordinal"/> is null.</summary>
    public bool IsNullAt(int ordinal) => this[ordinal] is null;

    /// <summary>
    /// The value at <paramref name="ordinal"/> as <typeparamref name="T"/>: the value itself when it is a
    /// <typeparamref name="T"/>, else converted: between numeric types (<see cref="Convert.ChangeType(object, Type, IFormatProvider)"/>),
    /// between <see cref="decimal"/>, <see cref="SqlDecimal"/> and <see cref="double"/>, from an array to
    /// <c>U[]</c> or <c>List&lt;U&gt;</c>, from a map to <c>Dictionary&lt;K,V&gt;</c>. A null value gives
    /// <c>default</c> for a reference or nullable <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="InvalidCastException">The value is null and <typeparamref name="T"/> is a non-nullable value type, or cannot be converted.</exception>
    public T Get<T>(int ordinal)
    {
        // A fixed-width column read as its own type (long, int, double, ...) is read straight from Arrow, unboxed.
        if (_columns is { } columns && (uint)ordinal < (uint)Schema.Count && columns.Column(ordinal) is IUnboxedColumn<T> typed
            && typed.TryRead(_offset, out var unboxed))
            return unboxed;
        var value = this[ordinal];
        if (value is T t) return t;
        return ValueConversion.To<T>(value, () => $"field {ordinal} ('{Schema[ordinal].Name}')");
    }

    /// <summary>The value of the field named <paramref name="name"/> as <typeparamref name="T"/> (see <see cref="Get{T}(int)"/>).</summary>
    public T Get<T>(string name) => Get<T>(Schema.FieldIndex(name));

    /// <summary>Finds the value of the field named <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        if (Schema.TryGetFieldIndex(name, out int i)) { value = ValueAt(i); return true; }
        value = null;
        return false;
    }

    /// <summary>A copy of the values, in field order.</summary>
    public object?[] ToArray()
    {
        var values = new object?[Schema.Count];
        for (int i = 0; i < values.Length; i++) values[i] = ValueAt(i);
        return values;
    }

    /// <summary>The values by field name, in field order (the first of duplicate names wins).</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>(Schema.Count, StringComparer.Ordinal);
        for (int i = 0; i < Schema.Count; i++) d.TryAdd(Schema[i].Name, ValueAt(i));
        return d;
    }

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator()
    {
        for (int i = 0; i < Schema.Count; i++) yield return ValueAt(i);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether both rows hold equal values (deeply; the schemas are not compared).</summary>
    public bool Equals(Row? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        int n = Schema.Count;
        if (other.Schema.Count != n) return false;
        for (int i = 0; i < n; i++)
        {
            if (!ValueComparer.Instance.Equals(ValueAt(i), other.ValueAt(i))) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Row);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < Schema.Count; i++) h.Add(ValueAt(i), ValueComparer.Instance);
        return h.ToHashCode();
    }

    /// <summary>
    /// The values like Spark's <c>Row.toString</c>, <c>[1,abc,null]</c>; nested values as Spark's <c>show</c>
    /// prints them: arrays <c>[1, 2]</c>, maps <c>{a -> 1}</c>, structs <c>{1, abc}</c>, binary <c>[01 02]</c>.
    /// Culture-invariant.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < Schema.Count; i++)
        {
            if (i > 0) sb.Append(',');
            ValueFormatter.Append(sb, ValueAt(i));
        }
        return sb.Append(']').ToString();
    }
}

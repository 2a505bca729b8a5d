using System.Collections;
using System.Data.SqlTypes;
using System.Globalization;
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
/// </remarks>
public sealed class Row : IReadOnlyList<object?>, IEquatable<Row>
{
    private readonly object?[] _values;
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
            return _values[_offset + ordinal];
        }
    }

    /// <summary>The value of the field named <paramref name="name"/> (exact match; the first of duplicates).</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public object? this[string name] => _values[_offset + Schema.FieldIndex(name)];

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
        var value = this[ordinal];
        if (value is T t) return t;
        return ValueConversion.To<T>(value, () => $"field {ordinal} ('{Schema[ordinal].Name}')");
    }

    /// <summary>The value of the field named <paramref name="name"/> as <typeparamref name="T"/> (see <see cref="Get{T}(int)"/>).</summary>
    public T Get<T>(string name) => Get<T>(Schema.FieldIndex(name));

    /// <summary>Finds the value of the field named <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        if (Schema.TryGetFieldIndex(name, out int i)) { value = _values[_offset + i]; return true; }
        value = null;
        return false;
    }

    /// <summary>A copy of the values, in field order.</summary>
    public object?[] ToArray() => _values.AsSpan(_offset, Schema.Count).ToArray();

    /// <summary>The values by field name, in field order (the first of duplicate names wins).</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>(Schema.Count, StringComparer.Ordinal);
        for (int i = 0; i < Schema.Count; i++) d.TryAdd(Schema[i].Name, _values[_offset + i]);
        return d;
    }

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator()
    {
        for (int i = 0; i < Schema.Count; i++) yield return _values[_offset + i];
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
            if (!ValueComparer.Instance.Equals(_values[_offset + i], other._values[other._offset + i])) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Row);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < Schema.Count; i++) h.Add(_values[_offset + i], ValueComparer.Instance);
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
            ValueFormatter.Append(sb, _values[_offset + i]);
        }
        return sb.Append(']').ToString();
    }
}

/// <summary>Deep, structural equality for decoded values (byte[], arrays, maps and rows by content).</summary>
internal sealed class ValueComparer : IEqualityComparer<object?>
{
    public static ValueComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        switch (x)
        {
            case byte[] bx:
                return y is byte[] by && bx.AsSpan().SequenceEqual(by);
            case Row rx:
                return y is Row ry && rx.Equals(ry);
            case IReadOnlyDictionary<object, object?> mx:
                {
                    if (y is not IReadOnlyDictionary<object, object?> my || mx.Count != my.Count) return false;
                    foreach (var kv in mx)
                    {
                        if (!my.TryGetValue(kv.Key, out var v) || !Equals(kv.Value, v)) return false;
                    }
                    return true;
                }
            case string:
                return x.Equals(y);
            case IReadOnlyList<object?> lx:
                {
                    if (y is not IReadOnlyList<object?> ly || lx.Count != ly.Count) return false;
                    for (int i = 0; i < lx.Count; i++)
                    {
                        if (!Equals(lx[i], ly[i])) return false;
                    }
                    return true;
                }
            default:
                return x.Equals(y);
        }
    }

    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null: return 0;
            case byte[] b:
                {
                    var h = new HashCode();
                    h.AddBytes(b);
                    return h.ToHashCode();
                }
            case Row r: return r.GetHashCode();
            case IReadOnlyDictionary<object, object?> m:
                {
                    int sum = m.Count;
                    foreach (var kv in m) sum += HashCode.Combine(GetHashCode(kv.Key), GetHashCode(kv.Value));
                    return sum;
                }
            case string s: return s.GetHashCode();
            case IReadOnlyList<object?> l:
                {
                    var h = new HashCode();
                    foreach (var e in l) h.Add(GetHashCode(e));
                    return h.ToHashCode();
                }
            default: return obj.GetHashCode();
        }
    }
}

/// <summary>
/// A decoded Spark map: entries in the server's order; lookups compare keys by value through
/// <see cref="ValueComparer"/> (so byte[], array and struct keys work).
/// </summary>
internal sealed class OrderedMap : IReadOnlyDictionary<object, object?>, IEquatable<OrderedMap>
{
    private readonly object?[] _keys;
    private readonly object?[] _values;
    private Dictionary<object, int>? _index;

    public OrderedMap(object?[] keys, object?[] values)
    {
        _keys = keys;
        _values = values;
    }

    public int Count => _keys.Length;

    public object? this[object key] =>
        TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The map has no key {ValueFormatter.Format(key)}.");

    public IEnumerable<object> Keys => _keys!;

    public IEnumerable<object?> Values => _values;

    public bool ContainsKey(object key) => IndexOf(key) >= 0;

    public bool TryGetValue(object key, out object? value)
    {
        int i = IndexOf(key);
        value = i >= 0 ? _values[i] : null;
        return i >= 0;
    }

    private int IndexOf(object key)
    {
        if (key is null) return -1;
        if (_keys.Length <= 8)
        {
            // Last one wins, as a Spark map built with LAST_WIN deduplication would.
            for (int i = _keys.Length - 1; i >= 0; i--)
            {
                if (ValueComparer.Instance.Equals(_keys[i], key)) return i;
            }
            return -1;
        }
        var index = _index;
        if (index is null)
        {
            index = new Dictionary<object, int>(_keys.Length, ValueComparer.Instance!);
            for (int i = 0; i < _keys.Length; i++)
            {
                if (_keys[i] is { } k) index[k] = i;
            }
            _index = index;
        }
        return index.TryGetValue(key, out int found) ? found : -1;
    }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator()
    {
        for (int i = 0; i < _keys.Length; i++) yield return new KeyValuePair<object, object?>(_keys[i]!, _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(OrderedMap? other) => other is not null && ValueComparer.Instance.Equals(this, other);

    public override bool Equals(object? obj) => obj is OrderedMap m && Equals(m);

    public override int GetHashCode() => ValueComparer.Instance.GetHashCode(this);

    public override string ToString() => ValueFormatter.Format(this);
}

/// <summary>Culture-invariant text for decoded values (Spark <c>show</c> style for nested values).</summary>
internal static class ValueFormatter
{
    public static string Format(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: sb.Append(s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f: sb.Append(f.ToString("R", CultureInfo.InvariantCulture)); break;
            case byte[] bytes:
                sb.Append('[');
                for (int i = 0; i < bytes.Length; i++)
                {
                    if (i > 0) sb.Append(' ');
                    sb.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
                }
                sb.Append(']');
                break;
            case DateOnly date: sb.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto:
                AppendDateTime(sb, dto.UtcDateTime);
                sb.Append('Z');
                break;
            case DateTime dt: AppendDateTime(sb, dt); break;
            case TimeOnly t:
                sb.Append(t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case TimeSpan ts: sb.Append(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case Row row:
                sb.Append('{');
                for (int i = 0; i < row.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, row[i]);
                }
                sb.Append('}');
                break;
            case IReadOnlyDictionary<object, object?> map:
                {
                    sb.Append('{');
                    bool first = true;
                    foreach (var kv in map)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        Append(sb, kv.Key);
                        sb.Append(" -> ");
                        Append(sb, kv.Value);
                    }
                    sb.Append('}');
                    break;
                }
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, list[i]);
                }
                sb.Append(']');
                break;
            case IFormattable formattable: sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture)); break;
            default: sb.Append(value.ToString()); break;
        }
    }

    private static void AppendDateTime(StringBuilder sb, DateTime dt) =>
        sb.Append(dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
}

/// <summary>Conversions behind <see cref="Row.Get{T}(int)"/>.</summary>
internal static class ValueConversion
{
    public static T To<T>(object? value, Func<string> where)
    {
        if (value is T t) return t;
        if (value is null)
        {
            if (default(T) is null) return default!;
            throw new InvalidCastException($"The value of {where()} is null and {typeof(T).Name} cannot hold null; ask for {typeof(T).Name}? instead.");
        }
        return (T)Convert(value, typeof(T), where)!;
    }

    public static object? Convert(object? value, Type target, Func<string> where)
    {
        if (value is null)
        {
            if (!target.IsValueType || Nullable.GetUnderlyingType(target) is not null) return null;
            throw new InvalidCastException($"The value of {where()} is null and {target.Name} cannot hold null.");
        }
        if (target.IsInstanceOfType(value)) return value;
        var u = Nullable.GetUnderlyingType(target) ?? target;
        if (u.IsInstanceOfType(value)) return value;
        try
        {
            switch (value)
            {
                case SqlDecimal sd:
                    if (u == typeof(decimal)) return sd.Value;
                    if (u == typeof(double)) return sd.ToDouble();
                    if (u == typeof(string)) return sd.ToString();
                    if (u.IsPrimitive) return System.Convert.ChangeType(sd.Value, u, CultureInfo.InvariantCulture);
                    break;
                case decimal d when u == typeof(SqlDecimal):
                    return new SqlDecimal(d);
                case DateTimeOffset dto when u == typeof(DateTime):
                    return dto.UtcDateTime;
                case DateTime dt when u == typeof(DateTimeOffset):
                    return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
                case YearMonthInterval ym when u == typeof(int):
                    return ym.TotalMonths;
                case IReadOnlyDictionary<object, object?> map when u.IsGenericType && IsDictionaryTarget(u):
                    return ConvertMap(map, u, where);
                case IReadOnlyList<object?> list when u.IsArray || (u.IsGenericType && IsListTarget(u)):
                    return ConvertList(list, u, where);
            }
            if (value is IConvertible && (u.IsPrimitive || u == typeof(decimal) || u == typeof(string)))
                return System.Convert.ChangeType(value, u, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or FormatException or SqlNullValueException)
        {
            throw new InvalidCastException($"The value of {where()} ({value.GetType().Name}) cannot be converted to {target.Name}: {e.Message}", e);
        }
        throw new InvalidCastException($"The value of {where()} is a {value.GetType().Name}, not convertible to {target.Name}.");
    }

    private static bool IsListTarget(Type t)
    {
        var g = t.GetGenericTypeDefinition();
        return g == typeof(List<>) || g == typeof(IReadOnlyList<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>)
            || g == typeof(IReadOnlyCollection<>) || g == typeof(ICollection<>);
    }

    private static bool IsDictionaryTarget(Type t)
    {
        var g = t.GetGenericTypeDefinition();
        return g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>) || g == typeof(IDictionary<,>);
    }

    private static object ConvertList(IReadOnlyList<object?> list, Type target, Func<string> where)
    {
        var elementType = target.IsArray ? target.GetElementType()! : target.GetGenericArguments()[0];
        var array = System.Array.CreateInstance(elementType, list.Count);
        for (int i = 0; i < list.Count; i++) array.SetValue(Convert(list[i], elementType, where), i);
        if (target.IsArray || target.GetGenericTypeDefinition() != typeof(List<>) && target.IsAssignableFrom(array.GetType())) return array;
        return Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType), array)!;
    }

    private static object ConvertMap(IReadOnlyDictionary<object, object?> map, Type target, Func<string> where)
    {
        var args = target.GetGenericArguments();
        var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
        foreach (var kv in map) dict[Convert(kv.Key, args[0], where)!] = Convert(kv.Value, args[1], where);
        return dict;
    }
}

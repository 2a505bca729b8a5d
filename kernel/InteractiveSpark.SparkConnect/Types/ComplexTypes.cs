using System.Text;
using P = Spark.Connect.DataType.Types;
using Proto = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Spark's <c>array&lt;T&gt;</c>. Values: <see cref="IReadOnlyList{T}"/> of <see cref="object"/> (an
/// <c>object?[]</c>) holding the decoded elements.
/// </summary>
/// <param name="ElementType">The elements' type.</param>
/// <param name="ContainsNull">Whether elements may be null.</param>
public sealed record ArrayType(DataType ElementType, bool ContainsNull = true) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => $"array<{ElementType.SimpleString}>";
    /// <inheritdoc />
    public override string TypeName => "array";
    internal override Proto.DataType ToProto() =>
        new() { Array = new P.Array { ElementType = ElementType.ToProto(), ContainsNull = ContainsNull } };
}

/// <summary>
/// Spark's <c>map&lt;K,V&gt;</c>. Values: <see cref="IReadOnlyDictionary{TKey,TValue}"/> of
/// <see cref="object"/> to <see cref="object"/>? that enumerates its entries in the server's order and
/// compares keys by value (byte[], arrays and struct <see cref="Row"/>s by content), so any Spark key type,
/// binary included, can be looked up.
/// </summary>
/// <param name="KeyType">The keys' type (keys are never null).</param>
/// <param name="ValueType">The values' type.</param>
/// <param name="ValueContainsNull">Whether values may be null.</param>
public sealed record MapType(DataType KeyType, DataType ValueType, bool ValueContainsNull = true) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => $"map<{KeyType.SimpleString},{ValueType.SimpleString}>";
    /// <inheritdoc />
    public override string TypeName => "map";
    internal override Proto.DataType ToProto() =>
        new()
        {
            Map = new P.Map { KeyType = KeyType.ToProto(), ValueType = ValueType.ToProto(), ValueContainsNull = ValueContainsNull },
        };
}

/// <summary>A field of a <see cref="StructType"/>.</summary>
/// <param name="Name">The field's name.</param>
/// <param name="DataType">The field's type.</param>
/// <param name="Nullable">Whether the field may be null.</param>
/// <param name="Metadata">Spark's field metadata as a JSON object, or null.</param>
public sealed record StructField(string Name, DataType DataType, bool Nullable = true, string? Metadata = null)
{
    /// <summary>Spark's form: <c>StructField(name,type,nullable)</c>.</summary>
    public override string ToString() => $"StructField({Name},{DataType.SimpleString},{(Nullable ? "true" : "false")})";

    internal Proto.DataType.Types.StructField ToProto()
    {
        var f = new P.StructField { Name = Name, DataType = DataType.ToProto(), Nullable = Nullable };
        if (Metadata is not null) f.Metadata = Metadata;
        return f;
    }
}

/// <summary>
/// Spark's <c>struct&lt;a:T,b:U&gt;</c>, and the schema of a result. Values: <see cref="Row"/>.
/// Compares by value (its fields in order).
/// </summary>
public sealed record StructType : DataType
{
    private readonly StructField[] _fields;
    private Dictionary<string, int>? _index;

    /// <summary>A struct with these fields, in order.</summary>
    public StructType(IEnumerable<StructField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = fields.ToArray();
    }

    /// <summary>A struct with these fields, in order.</summary>
    public StructType(params StructField[] fields) : this((IEnumerable<StructField>)fields) { }

    /// <summary>The fields, in order.</summary>
    public IReadOnlyList<StructField> Fields => _fields;

    /// <summary>The fields' names, in order.</summary>
    public IReadOnlyList<string> FieldNames => Array.ConvertAll(_fields, f => f.Name);

    /// <summary>The number of fields.</summary>
    public int Count => _fields.Length;

    /// <summary>The field at <paramref name="index"/>.</summary>
    public StructField this[int index] => _fields[index];

    /// <summary>The field named <paramref name="name"/> (exact, case-sensitive match; the first of duplicates).</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public StructField this[string name] => _fields[FieldIndex(name)];

    /// <summary>A new struct with one more field at the end.</summary>
    public StructType Add(string name, DataType dataType, bool nullable = true) =>
        new(_fields.Append(new StructField(name, dataType, nullable)));

    /// <summary>A new struct with one more field at the end.</summary>
    public StructType Add(StructField field) => new(_fields.Append(field));

    /// <summary>The index of the field named <paramref name="name"/> (exact match; the first of duplicates).</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public int FieldIndex(string name) =>
        TryGetFieldIndex(name, out var i)
            ? i
            : throw new KeyNotFoundException($"No field named '{name}' in {SimpleString}.");

    /// <summary>Finds the index of the field named <paramref name="name"/> (exact match; the first of duplicates).</summary>
    public bool TryGetFieldIndex(string name, out int index)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_fields.Length <= 8)
        {
            for (int i = 0; i < _fields.Length; i++)
            {
                if (string.Equals(_fields[i].Name, name, StringComparison.Ordinal)) { index = i; return true; }
            }
            index = -1;
            return false;
        }
        var map = _index;
        if (map is null)
        {
            map = new Dictionary<string, int>(_fields.Length, StringComparer.Ordinal);
            for (int i = 0; i < _fields.Length; i++) map.TryAdd(_fields[i].Name, i);
            _index = map;
        }
        if (map.TryGetValue(name, out index)) return true;
        index = -1;
        return false;
    }

    /// <inheritdoc />
    public override string SimpleString
    {
        get
        {
            var sb = new StringBuilder("struct<");
            for (int i = 0; i < _fields.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(_fields[i].Name).Append(':').Append(_fields[i].DataType.SimpleString);
            }
            return sb.Append('>').ToString();
        }
    }

    /// <inheritdoc />
    public override string TypeName => "struct";

    /// <summary>
    /// The schema as a tree, exactly as Spark's <c>printSchema</c> / <c>StructType.treeString</c> prints it:
    /// <c>root</c>, then one <c> |-- name: type (nullable = true)</c> line per field, nested types indented.
    /// Every line ends with a newline.
    /// </summary>
    public string TreeString => BuildTreeString(int.MaxValue);

    /// <summary><see cref="TreeString"/> down to <paramref name="maxDepth"/> levels (0 or less: all).</summary>
    public string BuildTreeString(int maxDepth)
    {
        var sb = new StringBuilder("root\n");
        int depth = maxDepth > 0 ? maxDepth : int.MaxValue;
        foreach (var f in _fields) AppendField(sb, " |", f, depth);
        return sb.ToString();
    }

    private static void AppendField(StringBuilder sb, string prefix, StructField f, int maxDepth)
    {
        if (maxDepth <= 0) return;
        sb.Append(prefix).Append("-- ").Append(EscapeMetaCharacters(f.Name)).Append(": ").Append(f.DataType.TypeName)
          .Append(" (nullable = ").Append(f.Nullable ? "true" : "false").Append(")\n");
        AppendNested(sb, f.DataType, prefix + "    |", maxDepth - 1);
    }

    private static void AppendNested(StringBuilder sb, DataType type, string prefix, int maxDepth)
    {
        switch (type)
        {
            case StructType st:
                foreach (var f in st._fields) AppendField(sb, prefix, f, maxDepth);
                break;
            case ArrayType at:
                if (maxDepth <= 0) return;
                sb.Append(prefix).Append("-- element: ").Append(at.ElementType.TypeName)
                  .Append(" (containsNull = ").Append(at.ContainsNull ? "true" : "false").Append(")\n");
                AppendNested(sb, at.ElementType, prefix + "    |", maxDepth - 1);
                break;
            case MapType mt:
                if (maxDepth <= 0) return;
                sb.Append(prefix).Append("-- key: ").Append(mt.KeyType.TypeName).Append('\n');
                AppendNested(sb, mt.KeyType, prefix + "    |", maxDepth - 1);
                sb.Append(prefix).Append("-- value: ").Append(mt.ValueType.TypeName)
                  .Append(" (valueContainsNull = ").Append(mt.ValueContainsNull ? "true" : "false").Append(")\n");
                AppendNested(sb, mt.ValueType, prefix + "    |", maxDepth - 1);
                break;
            case UserDefinedType { SqlType: not null } udt:
                AppendNested(sb, udt.SqlType, prefix, maxDepth);
                break;
        }
    }

    // Spark's SparkStringUtils.escapeMetaCharacters.
    private static string EscapeMetaCharacters(string s)
    {
        if (s.AsSpan().IndexOfAny("\n\r\t\f\b\v\a") < 0) return s;
        return s.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t").Replace("\f", "\\f")
                .Replace("\b", "\\b").Replace("\v", "\\v").Replace("\a", "\\a");
    }

    /// <summary>Whether both structs have equal fields in the same order.</summary>
    public bool Equals(StructType? other) =>
        other is not null && (ReferenceEquals(this, other) || _fields.AsSpan().SequenceEqual(other._fields));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var f in _fields) h.Add(f);
        return h.ToHashCode();
    }

    internal override Proto.DataType ToProto()
    {
        var s = new P.Struct();
        foreach (var f in _fields) s.Fields.Add(f.ToProto());
        return new Proto.DataType { Struct = s };
    }
}

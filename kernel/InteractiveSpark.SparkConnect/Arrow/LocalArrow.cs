using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using AT = Apache.Arrow.Types;

namespace InteractiveSpark.SparkConnect;

/// <summary>Encodes local rows as an Arrow IPC stream for a LocalRelation, with the Arrow types Spark expects.</summary>
internal static class LocalArrow
{
    public static byte[] Encode(IReadOnlyList<IReadOnlyList<object?>> rows, StructType schema)
    {
        var arrowSchema = Schema(schema);
        using var ms = new MemoryStream();
        using (var writer = new ArrowStreamWriter(ms, arrowSchema))
        {
            writer.WriteRecordBatch(Batch(rows, schema, arrowSchema, 0));
            writer.WriteEnd();
        }
        return ms.ToArray();
    }

    /// <summary>The Arrow schema of a Spark schema, with the Arrow types Spark expects.</summary>
    public static Schema Schema(StructType schema) =>
        new(schema.Fields.Select(f => new Field(f.Name, ArrowType(f.DataType), f.Nullable)).ToList(), null);

    /// <summary>One record batch of <paramref name="rows"/> (<paramref name="firstRow"/>: the index of the first, for messages).</summary>
    public static RecordBatch Batch(IReadOnlyList<IReadOnlyList<object?>> rows, StructType schema, Schema arrowSchema, long firstRow)
    {
        var fields = schema.Fields;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r] is null || rows[r].Count != fields.Count)
                throw new ArgumentException($"Row {firstRow + r} has {rows[r]?.Count ?? 0} values but the schema has {fields.Count} fields.", nameof(rows));
        }
        var columns = new IArrowArray[fields.Count];
        var values = new object?[rows.Count];
        for (int c = 0; c < fields.Count; c++)
        {
            for (int r = 0; r < rows.Count; r++) values[r] = rows[r][c];
            columns[c] = Build(fields[c].DataType, values, $"field '{fields[c].Name}'");
        }
        return new RecordBatch(arrowSchema, columns, rows.Count);
    }

    /// <summary>The Arrow type Spark uses for a Spark type (as Spark's ArrowUtils.toArrowType).</summary>
    internal static AT.IArrowType ArrowType(DataType t) => t switch
    {
        NullType => AT.NullType.Default,
        BooleanType => AT.BooleanType.Default,
        ByteType => AT.Int8Type.Default,
        ShortType => AT.Int16Type.Default,
        IntegerType => AT.Int32Type.Default,
        LongType => AT.Int64Type.Default,
        FloatType => AT.FloatType.Default,
        DoubleType => AT.DoubleType.Default,
        StringType or CharType or VarcharType => AT.StringType.Default,
        BinaryType => AT.BinaryType.Default,
        DecimalType d => new AT.Decimal128Type(d.Precision, d.Scale),
        DateType => AT.Date32Type.Default,
        TimestampType => new AT.TimestampType(AT.TimeUnit.Microsecond, "UTC"),
        TimestampNtzType => new AT.TimestampType(AT.TimeUnit.Microsecond, (string?)null),
        TimeType => new AT.Time64Type(AT.TimeUnit.Nanosecond),
        ArrayType a => new AT.ListType(new Field("element", ArrowType(a.ElementType), a.ContainsNull)),
        MapType m => new AT.MapType(new Field("key", ArrowType(m.KeyType), false), new Field("value", ArrowType(m.ValueType), m.ValueContainsNull)),
        StructType s => new AT.StructType(s.Fields.Select(f => new Field(f.Name, ArrowType(f.DataType), f.Nullable)).ToList()),
        _ => throw new NotSupportedException($"CreateDataFrame does not support {t.SimpleString} fields yet; cast from a supported type in Spark instead."),
    };

    private static T Conv<T>(object v, string where)
    {
        try
        {
            return (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"The value {v} ({v.GetType().Name}) of {where} cannot be a {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>One Arrow column of <paramref name="type"/> from .NET values (<paramref name="where"/> names it in messages).</summary>
    internal static IArrowArray Build(DataType type, IReadOnlyList<object?> values, string where)
    {
        switch (type)
        {
            case NullType:
                return new NullArray(values.Count);
            case BooleanType:
                return Fill(new BooleanArray.Builder(), values, (b, v) => b.Append(v is bool x ? x : Conv<bool>(v, where)), b => b.AppendNull(), b => b.Build());
            case ByteType:
                return Fill(new Int8Array.Builder(), values, (b, v) => b.Append(v is sbyte x ? x : Conv<sbyte>(v, where)), b => b.AppendNull(), b => b.Build());
            case ShortType:
                return Fill(new Int16Array.Builder(), values, (b, v) => b.Append(v is short x ? x : Conv<short>(v, where)), b => b.AppendNull(), b => b.Build());
            case IntegerType:
                return Fill(new Int32Array.Builder(), values, (b, v) => b.Append(v is int x ? x : Conv<int>(v, where)), b => b.AppendNull(), b => b.Build());
            case LongType:
                return Fill(new Int64Array.Builder(), values, (b, v) => b.Append(v is long x ? x : Conv<long>(v, where)), b => b.AppendNull(), b => b.Build());
            case FloatType:
                return Fill(new FloatArray.Builder(), values, (b, v) => b.Append(v is float x ? x : Conv<float>(v, where)), b => b.AppendNull(), b => b.Build());
            case DoubleType:
                return Fill(new DoubleArray.Builder(), values, (b, v) => b.Append(v is double x ? x : Conv<double>(v, where)), b => b.AppendNull(), b => b.Build());
            case StringType or CharType or VarcharType:
                return Fill(new StringArray.Builder(), values,
                    (b, v) => b.Append(v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture)), b => b.AppendNull(), b => b.Build());
            case BinaryType:
                return Fill(new BinaryArray.Builder(), values,
                    (b, v) => b.Append(v is byte[] bytes ? bytes : throw new ArgumentException($"A binary value of {where} must be a byte[], not {v.GetType().Name}.")),
                    b => b.AppendNull(), b => b.Build());
            case DecimalType d:
                return Fill(new Decimal128Array.Builder(new AT.Decimal128Type(d.Precision, d.Scale)), values,
                    (b, v) =>
                    {
                        if (v is System.Data.SqlTypes.SqlDecimal sd) b.Append(sd);
                        else b.Append(Conv<decimal>(v, where));
                    },
                    b => b.AppendNull(), b => b.Build());
            case DateType:
                return Fill(new Date32Array.Builder(), values, (b, v) => b.Append(v switch
                {
                    DateOnly date => date,
                    DateTime dt => DateOnly.FromDateTime(dt),
                    DateTimeOffset dto => DateOnly.FromDateTime(dto.Date),
                    _ => throw new ArgumentException($"A date value of {where} must be a DateOnly or DateTime, not {v.GetType().Name}."),
                }), b => b.AppendNull(), b => b.Build());
            case TimestampType:
                return Fill(new TimestampArray.Builder(new AT.TimestampType(AT.TimeUnit.Microsecond, "UTC")), values, (b, v) => b.Append(v switch
                {
                    DateTimeOffset dto => dto,
                    DateTime { Kind: DateTimeKind.Unspecified } dt => new DateTimeOffset(dt.Ticks, TimeSpan.Zero),
                    DateTime dt => new DateTimeOffset(dt.ToUniversalTime()),
                    _ => throw new ArgumentException($"A timestamp value of {where} must be a DateTimeOffset or DateTime, not {v.GetType().Name}."),
                }), b => b.AppendNull(), b => b.Build());
            case TimestampNtzType:
                return Fill(new TimestampArray.Builder(new AT.TimestampType(AT.TimeUnit.Microsecond, (string?)null)), values, (b, v) => b.Append(v switch
                {
                    DateTime dt => new DateTimeOffset(dt.Ticks, TimeSpan.Zero),
                    DateTimeOffset dto => new DateTimeOffset(dto.DateTime.Ticks, TimeSpan.Zero),
                    _ => throw new ArgumentException($"A timestamp_ntz value of {where} must be a DateTime, not {v.GetType().Name}."),
                }), b => b.AppendNull(), b => b.Build());
            case TimeType:
                // Spark reads TIME as Arrow time64[ns]; a TimeOnly's 100 ns ticks hold every TIME(p) value (p <= 6) exactly.
                return Fill(new Time64Array.Builder(new AT.Time64Type(AT.TimeUnit.Nanosecond)), values, (b, v) => b.Append(v switch
                {
                    TimeOnly t => t.Ticks * 100,
                    TimeSpan ts when ts >= TimeSpan.Zero && ts < TimeSpan.FromDays(1) => ts.Ticks * 100,
                    _ => throw new ArgumentException($"A time value of {where} must be a TimeOnly (or a TimeSpan within a day), not {v}."),
                }), b => b.AppendNull(), b => b.Build());
            case ArrayType a:
                {
                    var offsets = new ArrowBuffer.Builder<int>();
                    var validity = new ArrowBuffer.BitmapBuilder();
                    var flat = new List<object?>();
                    int nulls = 0;
                    offsets.Append(0);
                    foreach (var v in values)
                    {
                        if (v is null) { validity.Append(false); nulls++; }
                        else
                        {
                            if (v is not System.Collections.IEnumerable e || v is string)
                                throw new ArgumentException($"An array value of {where} must be a collection, not {v.GetType().Name}.");
                            foreach (var item in e) flat.Add(item);
                            validity.Append(true);
                        }
                        offsets.Append(flat.Count);
                    }
                    var child = Build(a.ElementType, flat, where + " element");
                    return new ListArray((AT.ListType)ArrowType(a), values.Count, offsets.Build(), child, validity.Build(), nulls);
                }
            case MapType m:
                {
                    var offsets = new ArrowBuffer.Builder<int>();
                    var validity = new ArrowBuffer.BitmapBuilder();
                    var keys = new List<object?>();
                    var vals = new List<object?>();
                    int nulls = 0;
                    offsets.Append(0);
                    foreach (var v in values)
                    {
                        if (v is null) { validity.Append(false); nulls++; }
                        else
                        {
                            foreach (var (k, val) in Entries(v, where)) { keys.Add(k); vals.Add(val); }
                            validity.Append(true);
                        }
                        offsets.Append(keys.Count);
                    }
                    var mapType = (AT.MapType)ArrowType(m);
                    var entries = new StructArray(mapType.KeyValueType, keys.Count,
                        [Build(m.KeyType, keys, where + " key"), Build(m.ValueType, vals, where + " value")], ArrowBuffer.Empty, 0);
                    return new MapArray(mapType, values.Count, offsets.Build(), entries, validity.Build(), nulls);
                }
            case StructType s:
                {
                    var validity = new ArrowBuffer.BitmapBuilder();
                    int nulls = 0;
                    var children = new List<object?>[s.Count];
                    for (int i = 0; i < s.Count; i++) children[i] = new List<object?>(values.Count);
                    foreach (var v in values)
                    {
                        if (v is null)
                        {
                            validity.Append(false);
                            nulls++;
                            foreach (var c in children) c.Add(null);
                            continue;
                        }
                        var items = v as IReadOnlyList<object?> ?? (v as System.Collections.IEnumerable)?.Cast<object?>().ToList()
                            ?? throw new ArgumentException($"A struct value of {where} must be a Row or a list of values, not {v.GetType().Name}.");
                        if (items.Count != s.Count)
                            throw new ArgumentException($"A struct value of {where} has {items.Count} values for {s.Count} fields.");
                        for (int i = 0; i < s.Count; i++) children[i].Add(items[i]);
                        validity.Append(true);
                    }
                    var arrays = s.Fields.Select((f, i) => Build(f.DataType, children[i], $"{where}.{f.Name}")).ToList();
                    return new StructArray(ArrowType(s), values.Count, arrays, validity.Build(), nulls);
                }
            default:
                ArrowType(type); // throws NotSupportedException with the type name
                throw new NotSupportedException(type.SimpleString);
        }
    }

    private static IEnumerable<(object? Key, object? Value)> Entries(object map, string where)
    {
        switch (map)
        {
            case System.Collections.IDictionary d:
                foreach (System.Collections.DictionaryEntry e in d) yield return (e.Key, e.Value);
                break;
            case IEnumerable<KeyValuePair<object, object?>> kvs:
                foreach (var kv in kvs) yield return (kv.Key, kv.Value);
                break;
            default:
                throw new ArgumentException($"A map value of {where} must be a dictionary, not {map.GetType().Name}.");
        }
    }

    private static IArrowArray Fill<TBuilder>(TBuilder builder, IReadOnlyList<object?> values, Action<TBuilder, object> append,
        Action<TBuilder> appendNull, Func<TBuilder, IArrowArray> build)
    {
        foreach (var v in values)
        {
            if (v is null) appendNull(builder);
            else append(builder, v);
        }
        return build(builder);
    }
}

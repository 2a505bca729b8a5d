using Apache.Arrow;
using ArrowTypes = Apache.Arrow.Types;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Turns an Arrow <see cref="RecordBatch"/> into <see cref="Row"/>s of natural .NET values. Column decoders are
/// chosen once per batch from the Spark type of each column (see <see cref="Row"/> for the mapping); values are
/// then written column by column into row buffers shared by a segment of consecutive rows.
/// </summary>
internal static class RowDecoder
{
    /// <summary>How many rows share one value buffer (kept small so that a retained row pins little).</summary>
    internal static int RowsPerSegment(int columns) => Math.Clamp(4096 / Math.Max(1, columns), 1, 256);

    /// <summary>The schema to decode <paramref name="batch"/> with: the Spark schema when it fits the batch, else one derived from Arrow.</summary>
    public static StructType ResolveSchema(RecordBatch batch, StructType? sparkSchema) =>
        sparkSchema is not null && sparkSchema.Count == batch.ColumnCount ? sparkSchema : ArrowTypeMapping.FromArrowSchema(batch.Schema);

    /// <summary>Decodes every row of <paramref name="batch"/> with <paramref name="schema"/> (one field per column).</summary>
    public static Row[] Decode(RecordBatch batch, StructType schema)
    {
        int n = batch.Length;
        int cols = schema.Count;
        if (cols != batch.ColumnCount)
            throw new ArgumentException($"The schema has {cols} fields but the batch {batch.ColumnCount} columns.", nameof(schema));
        var rows = new Row[n];
        if (n == 0) return rows;
        if (cols == 0)
        {
            object?[] empty = [];
            for (int i = 0; i < n; i++) rows[i] = new Row(schema, empty, 0);
            return rows;
        }
        var decoders = new ColumnDecoder[cols];
        for (int j = 0; j < cols; j++) decoders[j] = Create(batch.Column(j), schema[j].DataType);
        int segment = RowsPerSegment(cols);
        for (int s = 0; s < n; s += segment)
        {
            int c = Math.Min(segment, n - s);
            var buffer = new object?[c * cols];
            for (int j = 0; j < cols; j++) decoders[j].Fill(buffer, j, cols, s, c);
            for (int k = 0; k < c; k++) rows[s + k] = new Row(schema, buffer, k * cols);
        }
        return rows;
    }

    /// <summary>The decoder for <paramref name="array"/> holding values of Spark type <paramref name="type"/>.</summary>
    /// <exception cref="NotSupportedException">The Arrow array cannot hold that Spark type.</exception>
    public static ColumnDecoder Create(IArrowArray array, DataType type)
    {
        var decoder = TryCreate(array, type);
        if (decoder is not null) return decoder;
        // The Spark type does not fit the Arrow data: fall back to the type the Arrow data itself describes.
        var derived = ArrowTypeMapping.FromArrowType(array.Data.DataType, null);
        if (derived != type && TryCreate(array, derived) is { } fallback) return fallback;
        throw new NotSupportedException($"Cannot decode an Arrow {array.Data.DataType.Name} column as Spark type {type.SimpleString}.");
    }

    private static ColumnDecoder? TryCreate(IArrowArray array, DataType type)
    {
        switch (type)
        {
            case UserDefinedType udt:
                return udt.SqlType is null ? null : TryCreate(array, udt.SqlType);
            case NullType:
                return new NullDecoder(array);
            case BooleanType when array is BooleanArray:
                return new BooleanDecoder(array);
            case ByteType when array is Int8Array:
                return new FixedWidthDecoder<sbyte, SByteConv>(array);
            case ShortType when array is Int16Array:
                return new FixedWidthDecoder<short, Int16Conv>(array);
            case IntegerType when array is Int32Array:
                return new FixedWidthDecoder<int, Int32Conv>(array);
            case LongType when array is Int64Array:
                return new FixedWidthDecoder<long, Int64Conv>(array);
            case FloatType when array is FloatArray:
                return new FixedWidthDecoder<float, SingleConv>(array);
            case DoubleType when array is DoubleArray:
                return new FixedWidthDecoder<double, DoubleConv>(array);
            case DecimalType dt when array is Decimal128Array d:
                return new DecimalDecoder(array, dt.Precision, d.Scale, dt.Precision > DecimalType.MaxSystemDecimalPrecision);
            case StringType or CharType or VarcharType:
                return array switch
                {
                    StringArray => new VarBinaryDecoder<int>(array, utf8: true),
                    LargeStringArray => new VarBinaryDecoder<long>(array, utf8: true),
                    _ => null,
                };
            case BinaryType:
                return BytesDecoder.ForBinary(array);
            case DateType:
                return array switch
                {
                    Date32Array => new FixedWidthDecoder<int, Date32Conv>(array),
                    Date64Array => new FixedWidthDecoder<long, Date64Conv>(array),
                    _ => null,
                };
            case TimestampType when array is TimestampArray:
                return new TimestampDecoder(array, ((ArrowTypes.TimestampType)array.Data.DataType).Unit, instant: true);
            case TimestampNtzType when array is TimestampArray:
                return new TimestampDecoder(array, ((ArrowTypes.TimestampType)array.Data.DataType).Unit, instant: false);
            case TimeType:
                return array switch
                {
                    Time64Array => new TimeDecoder(array, ((ArrowTypes.Time64Type)array.Data.DataType).Unit, is64: true),
                    Time32Array => new TimeDecoder(array, ((ArrowTypes.Time32Type)array.Data.DataType).Unit, is64: false),
                    _ => null,
                };
            case CalendarIntervalType when array is MonthDayNanosecondIntervalArray:
                return new FixedWidthDecoder<MonthDayNano, CalendarIntervalConv>(array);
            case YearMonthIntervalType when array is YearMonthIntervalArray:
                return new FixedWidthDecoder<int, YearMonthConv>(array);
            case DayTimeIntervalType when array is DurationArray:
                return new DurationDecoder(array, ((ArrowTypes.DurationType)array.Data.DataType).Unit);
            case VariantType when array is StructArray s:
                {
                    if (BytesDecoder.ForBinary(Child(s, "value")) is not { } value || BytesDecoder.ForBinary(Child(s, "metadata")) is not { } metadata)
                        return null;
                    return new VariantDecoder(array, value, metadata);
                }
            case GeometryType or GeographyType when array is StructArray s:
                {
                    var srid = Child(s, "srid");
                    if (srid is not Int32Array || BytesDecoder.ForBinary(Child(s, "wkb")) is not { } wkb) return null;
                    return new SpatialDecoder(array, new FixedWidthDecoder<int, Int32Conv>(srid), wkb, type is GeographyType);
                }
            case MapType mt when array is MapArray m:
                return new MapDecoder(array, Create(m.Keys, mt.KeyType), Create(m.Values, mt.ValueType));
            case ArrayType at when array is ListArray l and not MapArray:
                return new ListDecoder(array, large: false, Create(l.Values, at.ElementType));
            case ArrayType at when array is LargeListArray ll:
                return new ListDecoder(array, large: true, Create(ll.Values, at.ElementType));
            case StructType st when array is StructArray s && s.Fields.Count == st.Count:
                {
                    var children = new ColumnDecoder[st.Count];
                    for (int j = 0; j < children.Length; j++) children[j] = Create(s.Fields[j], st[j].DataType);
                    return new StructDecoder(array, st, children);
                }
            default:
                return null;
        }
    }

    private static IArrowArray? Child(StructArray array, string name)
    {
        var type = (ArrowTypes.StructType)array.Data.DataType;
        int i = type.GetFieldIndex(name);
        return i >= 0 ? array.Fields[i] : null;
    }
}

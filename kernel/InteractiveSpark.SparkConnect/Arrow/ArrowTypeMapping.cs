using System.Globalization;
using Apache.Arrow;
using ArrowTypes = Apache.Arrow.Types;

namespace InteractiveSpark.SparkConnect;

/// <summary>Spark types from Arrow types, as Spark's <c>ArrowUtils.fromArrowField</c> reads them.</summary>
internal static class ArrowTypeMapping
{
    private const string SparkMetadataKey = "SPARK::metadata::json";

    public static StructType FromArrowSchema(Schema schema) =>
        new(schema.FieldsList.Select(FromArrowField));

    public static StructField FromArrowField(Field field)
    {
        string? metadata = null;
        if (field.HasMetadata && field.Metadata.TryGetValue(SparkMetadataKey, out var json)) metadata = json;
        return new StructField(field.Name, FromArrowType(field.DataType, field), field.IsNullable, metadata);
    }

    public static DataType FromArrowType(ArrowTypes.IArrowType type, Field? field)
    {
        switch (type)
        {
            case ArrowTypes.MapType map:
                return new MapType(FromArrowType(map.KeyField.DataType, map.KeyField), FromArrowType(map.ValueField.DataType, map.ValueField),
                    map.ValueField.IsNullable);
            case ArrowTypes.ListType list:
                return new ArrayType(FromArrowType(list.ValueDataType, list.ValueField), list.ValueField.IsNullable);
            case ArrowTypes.LargeListType list:
                return new ArrayType(FromArrowType(list.ValueDataType, list.ValueField), list.ValueField.IsNullable);
            case ArrowTypes.StructType st:
                {
                    if (HasFlag(field, st, "variant") && st.GetFieldIndex("value") >= 0 && st.GetFieldIndex("metadata") >= 0)
                        return VariantType.Instance;
                    if (st.GetFieldIndex("srid") >= 0 && st.GetFieldIndex("wkb") >= 0)
                    {
                        if (HasFlag(field, st, "geometry")) return new GeometryType(Srid(field, st, 0));
                        if (HasFlag(field, st, "geography")) return new GeographyType(Srid(field, st, 4326));
                    }
                    return new StructType(st.Fields.Select(FromArrowField));
                }
            case ArrowTypes.BooleanType: return BooleanType.Instance;
            case ArrowTypes.Int8Type: return ByteType.Instance;
            case ArrowTypes.Int16Type: return ShortType.Instance;
            case ArrowTypes.Int32Type: return IntegerType.Instance;
            case ArrowTypes.Int64Type: return LongType.Instance;
            case ArrowTypes.FloatType: return FloatType.Instance;
            case ArrowTypes.DoubleType: return DoubleType.Instance;
            case ArrowTypes.StringType or ArrowTypes.LargeStringType: return StringType.Instance;
            case ArrowTypes.BinaryType or ArrowTypes.LargeBinaryType: return BinaryType.Instance;
            case ArrowTypes.Decimal128Type d: return new DecimalType(d.Precision, d.Scale);
            case ArrowTypes.Date32Type or ArrowTypes.Date64Type: return DateType.Instance;
            case ArrowTypes.TimestampType ts:
                return string.IsNullOrEmpty(ts.Timezone) ? TimestampNtzType.Instance : TimestampType.Instance;
            case ArrowTypes.Time32Type t32: return new TimeType(t32.Unit == ArrowTypes.TimeUnit.Second ? 0 : 3);
            case ArrowTypes.Time64Type t64: return new TimeType(6);
            case ArrowTypes.NullType: return NullType.Instance;
            case ArrowTypes.IntervalType iv:
                return iv.Unit switch
                {
                    ArrowTypes.IntervalUnit.YearMonth => new YearMonthIntervalType(),
                    ArrowTypes.IntervalUnit.MonthDayNanosecond => CalendarIntervalType.Instance,
                    _ => throw new NotSupportedException($"Arrow interval unit {iv.Unit} has no Spark type."),
                };
            case ArrowTypes.DurationType: return new DayTimeIntervalType();
            default:
                throw new NotSupportedException($"Arrow type {type.Name} has no Spark type.");
        }
    }

    // Spark marks variant / spatial structs with field metadata; accept it on the struct field or on a child.
    private static bool HasFlag(Field? field, ArrowTypes.StructType st, string key) =>
        IsTrue(field, key) || st.Fields.Any(f => IsTrue(f, key));

    private static bool IsTrue(Field? f, string key) =>
        f is { HasMetadata: true } && f.Metadata.TryGetValue(key, out var v) && string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);

    private static int Srid(Field? field, ArrowTypes.StructType st, int fallback)
    {
        foreach (var f in st.Fields.Prepend(field))
        {
            if (f is { HasMetadata: true } && f.Metadata.TryGetValue("srid", out var v)
                && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int srid))
                return srid;
        }
        return fallback;
    }
}

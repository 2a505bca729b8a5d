using System.Globalization;
using Proto = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A Spark SQL data type: the type of a column, a field or a value, as the server describes it.
/// Every Spark SQL type has one sealed record here (<see cref="IntegerType"/>, <see cref="DecimalType"/>,
/// <see cref="ArrayType"/>, <see cref="StructType"/>, ...). Records compare by value.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> is <see cref="SimpleString"/>, Spark's short SQL spelling of the type
/// (<c>bigint</c>, <c>decimal(10,2)</c>, <c>array&lt;int&gt;</c>, <c>struct&lt;a:int,b:string&gt;</c>,
/// <c>map&lt;string,int&gt;</c>, <c>interval day to second</c>, ...). <see cref="TypeName"/> is the name
/// Spark's <c>printSchema</c> shows (<c>integer</c>, <c>long</c>, <c>array</c>, ...).
/// </remarks>
public abstract record DataType
{
    private protected DataType() { }

    /// <summary>Spark's <c>simpleString</c>: the SQL spelling, e.g. <c>bigint</c> or <c>array&lt;int&gt;</c>.</summary>
    public abstract string SimpleString { get; }

    /// <summary>Spark's <c>typeName</c>: the name <c>printSchema</c> shows, e.g. <c>long</c> or <c>array</c>.</summary>
    public virtual string TypeName => SimpleString;

    /// <summary>Returns <see cref="SimpleString"/>.</summary>
    public sealed override string ToString() => SimpleString;

    /// <summary>Converts a Spark Connect protocol type to its <see cref="DataType"/>.</summary>
    /// <exception cref="NotSupportedException">The message holds no type or an unknown kind.</exception>
    internal static DataType FromProto(Proto.DataType proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        switch (proto.KindCase)
        {
            case Proto.DataType.KindOneofCase.Null: return NullType.Instance;
            case Proto.DataType.KindOneofCase.Binary: return BinaryType.Instance;
            case Proto.DataType.KindOneofCase.Boolean: return BooleanType.Instance;
            case Proto.DataType.KindOneofCase.Byte: return ByteType.Instance;
            case Proto.DataType.KindOneofCase.Short: return ShortType.Instance;
            case Proto.DataType.KindOneofCase.Integer: return IntegerType.Instance;
            case Proto.DataType.KindOneofCase.Long: return LongType.Instance;
            case Proto.DataType.KindOneofCase.Float: return FloatType.Instance;
            case Proto.DataType.KindOneofCase.Double: return DoubleType.Instance;
            case Proto.DataType.KindOneofCase.Decimal:
                {
                    var d = proto.Decimal;
                    return new DecimalType(
                        d.HasPrecision ? d.Precision : DecimalType.DefaultPrecision,
                        d.HasScale ? d.Scale : DecimalType.DefaultScale);
                }
            case Proto.DataType.KindOneofCase.String:
                return StringType.WithCollation(proto.String.Collation);
            case Proto.DataType.KindOneofCase.Char: return new CharType(proto.Char.Length);
            case Proto.DataType.KindOneofCase.VarChar: return new VarcharType(proto.VarChar.Length);
            case Proto.DataType.KindOneofCase.Date: return DateType.Instance;
            case Proto.DataType.KindOneofCase.Timestamp: return TimestampType.Instance;
            case Proto.DataType.KindOneofCase.TimestampNtz: return TimestampNtzType.Instance;
            case Proto.DataType.KindOneofCase.Time:
                return new TimeType(proto.Time.HasPrecision ? proto.Time.Precision : TimeType.DefaultPrecision);
            case Proto.DataType.KindOneofCase.CalendarInterval: return CalendarIntervalType.Instance;
            case Proto.DataType.KindOneofCase.YearMonthInterval:
                {
                    var y = proto.YearMonthInterval;
                    return new YearMonthIntervalType(
                        y.HasStartField ? (YearMonthIntervalField)y.StartField : YearMonthIntervalField.Year,
                        y.HasEndField ? (YearMonthIntervalField)y.EndField : YearMonthIntervalField.Month);
                }
            case Proto.DataType.KindOneofCase.DayTimeInterval:
                {
                    var d = proto.DayTimeInterval;
                    return new DayTimeIntervalType(
                        d.HasStartField ? (DayTimeIntervalField)d.StartField : DayTimeIntervalField.Day,
                        d.HasEndField ? (DayTimeIntervalField)d.EndField : DayTimeIntervalField.Second);
                }
            case Proto.DataType.KindOneofCase.Array:
                return new ArrayType(FromProto(proto.Array.ElementType), proto.Array.ContainsNull);
            case Proto.DataType.KindOneofCase.Map:
                return new MapType(FromProto(proto.Map.KeyType), FromProto(proto.Map.ValueType), proto.Map.ValueContainsNull);
            case Proto.DataType.KindOneofCase.Struct:
                {
                    var fields = new StructField[proto.Struct.Fields.Count];
                    for (int i = 0; i < fields.Length; i++)
                    {
                        var f = proto.Struct.Fields[i];
                        fields[i] = new StructField(f.Name, FromProto(f.DataType), f.Nullable, f.HasMetadata ? f.Metadata : null);
                    }
                    return new StructType(fields);
                }
            case Proto.DataType.KindOneofCase.Variant: return VariantType.Instance;
            case Proto.DataType.KindOneofCase.Geometry: return new GeometryType(proto.Geometry.Srid);
            case Proto.DataType.KindOneofCase.Geography: return new GeographyType(proto.Geography.Srid);
            case Proto.DataType.KindOneofCase.Udt:
                {
                    var u = proto.Udt;
                    return new UserDefinedType(
                        u.Type,
                        u.HasJvmClass ? u.JvmClass : null,
                        u.HasPythonClass ? u.PythonClass : null,
                        u.HasSerializedPythonClass ? u.SerializedPythonClass : null,
                        u.SqlType is null ? null : FromProto(u.SqlType));
                }
            case Proto.DataType.KindOneofCase.Unparsed: return new UnparsedDataType(proto.Unparsed.DataTypeString);
            default:
                throw new NotSupportedException($"Unknown Spark Connect data type kind '{proto.KindCase}'.");
        }
    }

    /// <summary>Converts this type to its Spark Connect protocol message.</summary>
    internal abstract Proto.DataType ToProto();

    /// <summary>An integer in invariant culture (no group separators, ASCII minus).</summary>
    private protected static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The fields a <see cref="YearMonthIntervalType"/> can start or end at (Spark's codes).</summary>
public enum YearMonthIntervalField
{
    /// <summary>Years.</summary>
    Year = 0,
    /// <summary>Months.</summary>
    Month = 1,
}

/// <summary>The fields a <see cref="DayTimeIntervalType"/> can start or end at (Spark's codes).</summary>
public enum DayTimeIntervalField
{
    /// <summary>Days.</summary>
    Day = 0,
    /// <summary>Hours.</summary>
    Hour = 1,
    /// <summary>Minutes.</summary>
    Minute = 2,
    /// <summary>Seconds (with microseconds).</summary>
    Second = 3,
}

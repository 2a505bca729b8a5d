using P = Spark.Connect.DataType.Types;
using Proto = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>The type of an untyped <c>NULL</c> (Spark's <c>void</c>). Values: always null.</summary>
public sealed record NullType : DataType
{
    private NullType() { }
    /// <summary>The one instance.</summary>
    public static NullType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "void";
    internal override Proto.DataType ToProto() => new() { Null = new P.NULL() };
}

/// <summary>Spark's <c>boolean</c>. Values: <see cref="bool"/>.</summary>
public sealed record BooleanType : DataType
{
    private BooleanType() { }
    /// <summary>The one instance.</summary>
    public static BooleanType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "boolean";
    internal override Proto.DataType ToProto() => new() { Boolean = new P.Boolean() };
}

/// <summary>Spark's <c>tinyint</c> (<c>byte</c>). Values: <see cref="sbyte"/>.</summary>
public sealed record ByteType : DataType
{
    private ByteType() { }
    /// <summary>The one instance.</summary>
    public static ByteType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "tinyint";
    /// <inheritdoc />
    public override string TypeName => "byte";
    internal override Proto.DataType ToProto() => new() { Byte = new P.Byte() };
}

/// <summary>Spark's <c>smallint</c> (<c>short</c>). Values: <see cref="short"/>.</summary>
public sealed record ShortType : DataType
{
    private ShortType() { }
    /// <summary>The one instance.</summary>
    public static ShortType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "smallint";
    /// <inheritdoc />
    public override string TypeName => "short";
    internal override Proto.DataType ToProto() => new() { Short = new P.Short() };
}

/// <summary>Spark's <c>int</c> (<c>integer</c>). Values: <see cref="int"/>.</summary>
public sealed record IntegerType : DataType
{
    private IntegerType() { }
    /// <summary>The one instance.</summary>
    public static IntegerType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "int";
    /// <inheritdoc />
    public override string TypeName => "integer";
    internal override Proto.DataType ToProto() => new() { Integer = new P.Integer() };
}

/// <summary>Spark's <c>bigint</c> (<c>long</c>). Values: <see cref="long"/>.</summary>
public sealed record LongType : DataType
{
    private LongType() { }
    /// <summary>The one instance.</summary>
    public static LongType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "bigint";
    /// <inheritdoc />
    public override string TypeName => "long";
    internal override Proto.DataType ToProto() => new() { Long = new P.Long() };
}

/// <summary>Spark's <c>float</c>. Values: <see cref="float"/>.</summary>
public sealed record FloatType : DataType
{
    private FloatType() { }
    /// <summary>The one instance.</summary>
    public static FloatType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "float";
    internal override Proto.DataType ToProto() => new() { Float = new P.Float() };
}

/// <summary>Spark's <c>double</c>. Values: <see cref="double"/> (NaN, infinities and -0.0 kept exactly).</summary>
public sealed record DoubleType : DataType
{
    private DoubleType() { }
    /// <summary>The one instance.</summary>
    public static DoubleType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "double";
    internal override Proto.DataType ToProto() => new() { Double = new P.Double() };
}

/// <summary>
/// Spark's <c>decimal(precision,scale)</c>, precision 1 to 38.
/// Values: <see cref="decimal"/> when <see cref="Precision"/> &lt;= 28, else
/// <see cref="System.Data.SqlTypes.SqlDecimal"/> for every value of the column, so that values beyond
/// <see cref="decimal"/>'s range (about 7.9e28) stay exact.
/// </summary>
/// <param name="Precision">Total number of digits, 1 to 38.</param>
/// <param name="Scale">Digits after the decimal point, 0 to <paramref name="Precision"/>.</param>
public sealed record DecimalType(int Precision, int Scale) : DataType
{
    /// <summary>Spark's default precision for <c>decimal</c> without arguments.</summary>
    public const int DefaultPrecision = 10;
    /// <summary>Spark's default scale for <c>decimal</c> without arguments.</summary>
    public const int DefaultScale = 0;
    /// <summary>Spark's maximum precision.</summary>
    public const int MaxPrecision = 38;
    /// <summary>The largest precision decoded to <see cref="decimal"/>; above it values are <see cref="System.Data.SqlTypes.SqlDecimal"/>.</summary>
    public const int MaxSystemDecimalPrecision = 28;

    /// <summary><c>decimal(10,0)</c>, Spark's <c>decimal</c> without arguments.</summary>
    public DecimalType() : this(DefaultPrecision, DefaultScale) { }

    /// <inheritdoc />
    public override string SimpleString => $"decimal({Inv(Precision)},{Inv(Scale)})";
    internal override Proto.DataType ToProto() => new() { Decimal = new P.Decimal { Precision = Precision, Scale = Scale } };
}

/// <summary>
/// Spark's <c>string</c>, with an optional collation (null means the default, <c>UTF8_BINARY</c>).
/// Values: <see cref="string"/>.
/// </summary>
/// <param name="Collation">The collation name (e.g. <c>UTF8_LCASE</c>), or null for <c>UTF8_BINARY</c>.</param>
public sealed record StringType(string? Collation = null) : DataType
{
    /// <summary><c>string</c> with the default collation.</summary>
    public static StringType Instance { get; } = new();

    /// <summary>The default collation's name.</summary>
    public const string DefaultCollation = "UTF8_BINARY";

    internal static StringType WithCollation(string? collation) =>
        string.IsNullOrEmpty(collation) || collation == DefaultCollation ? Instance : new StringType(collation);

    private bool IsDefault => string.IsNullOrEmpty(Collation) || Collation == DefaultCollation;

    /// <inheritdoc />
    public override string SimpleString => IsDefault ? "string" : "string collate " + Collation;
    internal override Proto.DataType ToProto() => new() { String = new P.String { Collation = IsDefault ? "" : Collation } };
}

/// <summary>Spark's <c>char(n)</c>. Values: <see cref="string"/>.</summary>
/// <param name="Length">The declared length.</param>
public sealed record CharType(int Length) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => $"char({Inv(Length)})";
    internal override Proto.DataType ToProto() => new() { Char = new P.Char { Length = Length } };
}

/// <summary>Spark's <c>varchar(n)</c>. Values: <see cref="string"/>.</summary>
/// <param name="Length">The declared maximum length.</param>
public sealed record VarcharType(int Length) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => $"varchar({Inv(Length)})";
    internal override Proto.DataType ToProto() => new() { VarChar = new P.VarChar { Length = Length } };
}

/// <summary>Spark's <c>binary</c>. Values: <see cref="byte"/>[].</summary>
public sealed record BinaryType : DataType
{
    private BinaryType() { }
    /// <summary>The one instance.</summary>
    public static BinaryType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "binary";
    internal override Proto.DataType ToProto() => new() { Binary = new P.Binary() };
}

/// <summary>
/// Spark's <c>date</c>. Values: <see cref="DateOnly"/> (0001-01-01 to 9999-12-31, exact; a date outside that range,
/// which Spark can compute, fails the read with an <see cref="OverflowException"/>).
/// </summary>
public sealed record DateType : DataType
{
    private DateType() { }
    /// <summary>The one instance.</summary>
    public static DateType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "date";
    internal override Proto.DataType ToProto() => new() { Date = new P.Date() };
}

/// <summary>
/// Spark's <c>timestamp</c> (with local time zone: an instant). Values: <see cref="DateTimeOffset"/> in UTC
/// (offset zero), microsecond precision, 0001-01-01 to 9999-12-31 (outside it the read fails with an
/// <see cref="OverflowException"/>).
/// </summary>
public sealed record TimestampType : DataType
{
    private TimestampType() { }
    /// <summary>The one instance.</summary>
    public static TimestampType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "timestamp";
    internal override Proto.DataType ToProto() => new() { Timestamp = new P.Timestamp() };
}

/// <summary>
/// Spark's <c>timestamp_ntz</c> (a wall-clock date and time, no time zone). Values: <see cref="DateTime"/> with
/// <see cref="DateTimeKind.Unspecified"/>, microsecond precision, 0001-01-01 to 9999-12-31 (outside it the read fails
/// with an <see cref="OverflowException"/>).
/// </summary>
public sealed record TimestampNtzType : DataType
{
    private TimestampNtzType() { }
    /// <summary>The one instance.</summary>
    public static TimestampNtzType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "timestamp_ntz";
    internal override Proto.DataType ToProto() => new() { TimestampNtz = new P.TimestampNTZ() };
}

/// <summary>
/// Spark's <c>time(p)</c> (a time of day, p fractional-second digits, at most 6). Values: <see cref="TimeOnly"/>.
/// Spark 4.2 enables it with <c>spark.sql.timeType.enabled</c>.
/// </summary>
/// <param name="Precision">Digits of fractional seconds, 0 to 6.</param>
public sealed record TimeType(int Precision) : DataType
{
    /// <summary>Spark's default precision, microseconds.</summary>
    public const int DefaultPrecision = 6;
    /// <summary><c>time(6)</c>.</summary>
    public TimeType() : this(DefaultPrecision) { }
    /// <inheritdoc />
    public override string SimpleString => $"time({Inv(Precision)})";
    internal override Proto.DataType ToProto() => new() { Time = new P.Time { Precision = Precision } };
}

/// <summary>Spark's <c>interval</c> (calendar interval). Values: <see cref="CalendarInterval"/>.</summary>
public sealed record CalendarIntervalType : DataType
{
    private CalendarIntervalType() { }
    /// <summary>The one instance.</summary>
    public static CalendarIntervalType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "interval";
    internal override Proto.DataType ToProto() => new() { CalendarInterval = new P.CalendarInterval() };
}

/// <summary>
/// Spark's ANSI <c>interval year to month</c> family (<c>interval year</c>, <c>interval month</c>, ...).
/// Values: <see cref="YearMonthInterval"/> (a whole number of months).
/// </summary>
/// <param name="StartField">The leading field.</param>
/// <param name="EndField">The trailing field.</param>
public sealed record YearMonthIntervalType(YearMonthIntervalField StartField, YearMonthIntervalField EndField) : DataType
{
    /// <summary><c>interval year to month</c>.</summary>
    public YearMonthIntervalType() : this(YearMonthIntervalField.Year, YearMonthIntervalField.Month) { }

    private static string Name(YearMonthIntervalField f) => f switch
    {
        YearMonthIntervalField.Year => "year",
        YearMonthIntervalField.Month => "month",
        _ => ((int)f).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string SimpleString =>
        StartField == EndField ? "interval " + Name(StartField) : $"interval {Name(StartField)} to {Name(EndField)}";

    internal override Proto.DataType ToProto() =>
        new() { YearMonthInterval = new P.YearMonthInterval { StartField = (int)StartField, EndField = (int)EndField } };
}

/// <summary>
/// Spark's ANSI <c>interval day to second</c> family (<c>interval day</c>, <c>interval hour to minute</c>, ...).
/// Values: <see cref="TimeSpan"/> (microsecond precision; magnitudes up to about 29,000 years, a tenth of Spark's
/// range: a longer interval fails the read with an <see cref="OverflowException"/>).
/// </summary>
/// <param name="StartField">The leading field.</param>
/// <param name="EndField">The trailing field.</param>
public sealed record DayTimeIntervalType(DayTimeIntervalField StartField, DayTimeIntervalField EndField) : DataType
{
    /// <summary><c>interval day to second</c>.</summary>
    public DayTimeIntervalType() : this(DayTimeIntervalField.Day, DayTimeIntervalField.Second) { }

    private static string Name(DayTimeIntervalField f) => f switch
    {
        DayTimeIntervalField.Day => "day",
        DayTimeIntervalField.Hour => "hour",
        DayTimeIntervalField.Minute => "minute",
        DayTimeIntervalField.Second => "second",
        _ => ((int)f).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string SimpleString =>
        StartField == EndField ? "interval " + Name(StartField) : $"interval {Name(StartField)} to {Name(EndField)}";

    internal override Proto.DataType ToProto() =>
        new() { DayTimeInterval = new P.DayTimeInterval { StartField = (int)StartField, EndField = (int)EndField } };
}

/// <summary>Spark's <c>variant</c> (semi-structured data). Values: <see cref="VariantValue"/>.</summary>
public sealed record VariantType : DataType
{
    private VariantType() { }
    /// <summary>The one instance.</summary>
    public static VariantType Instance { get; } = new();
    /// <inheritdoc />
    public override string SimpleString => "variant";
    internal override Proto.DataType ToProto() => new() { Variant = new P.Variant() };
}

/// <summary>Spark's <c>geometry(srid)</c>. Values: <see cref="Geometry"/> (SRID and WKB bytes).</summary>
/// <param name="Srid">The spatial reference id; -1 means any (mixed) SRID.</param>
public sealed record GeometryType(int Srid) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => Srid == -1 ? "geometry(any)" : $"geometry({Inv(Srid)})";
    internal override Proto.DataType ToProto() => new() { Geometry = new P.Geometry { Srid = Srid } };
}

/// <summary>Spark's <c>geography(srid)</c>. Values: <see cref="Geography"/> (SRID and WKB bytes).</summary>
/// <param name="Srid">The spatial reference id; -1 means any (mixed) SRID.</param>
public sealed record GeographyType(int Srid) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => Srid == -1 ? "geography(any)" : $"geography({Inv(Srid)})";
    internal override Proto.DataType ToProto() => new() { Geography = new P.Geography { Srid = Srid } };
}

/// <summary>
/// A user-defined type (a Scala/Java or Python UDT, such as MLlib's vectors). Values are decoded as the
/// UDT's underlying <see cref="SqlType"/> (the server sends that representation; no UDT class is loaded here).
/// </summary>
/// <param name="Type">The protocol's kind string (<c>udt</c>).</param>
/// <param name="JvmClass">The Scala/Java UDT class name, if any.</param>
/// <param name="PythonClass">The Python UDT class name, if any.</param>
/// <param name="SerializedPythonClass">The serialized Python UDT class, if any.</param>
/// <param name="SqlType">The underlying SQL type the values are stored as.</param>
public sealed record UserDefinedType(string Type, string? JvmClass, string? PythonClass, string? SerializedPythonClass, DataType? SqlType)
    : DataType
{
    /// <inheritdoc />
    public override string SimpleString => SqlType?.SimpleString ?? TypeName;

    /// <inheritdoc />
    public override string TypeName
    {
        get
        {
            // Spark: class simple name, minus "$", "Type" and "UDT" suffixes, lower-cased (VectorUDT -> vector).
            var cls = JvmClass ?? PythonClass ?? Type;
            var name = cls[(cls.LastIndexOf('.') + 1)..];
            if (name.EndsWith('$')) name = name[..^1];
            if (name.EndsWith("Type", StringComparison.Ordinal)) name = name[..^4];
            if (name.EndsWith("UDT", StringComparison.Ordinal)) name = name[..^3];
            return name.ToLowerInvariant();
        }
    }

    internal override Proto.DataType ToProto()
    {
        var udt = new P.UDT { Type = Type };
        if (JvmClass is not null) udt.JvmClass = JvmClass;
        if (PythonClass is not null) udt.PythonClass = PythonClass;
        if (SerializedPythonClass is not null) udt.SerializedPythonClass = SerializedPythonClass;
        if (SqlType is not null) udt.SqlType = SqlType.ToProto();
        return new Proto.DataType { Udt = udt };
    }
}

/// <summary>
/// A type given as a DDL string (e.g. <c>"array&lt;int&gt;"</c>), parsed by the server; used to send a type,
/// never received in a result.
/// </summary>
/// <param name="DataTypeString">The DDL spelling of the type.</param>
public sealed record UnparsedDataType(string DataTypeString) : DataType
{
    /// <inheritdoc />
    public override string SimpleString => DataTypeString;
    internal override Proto.DataType ToProto() => new() { Unparsed = new P.Unparsed { DataTypeString = DataTypeString } };
}

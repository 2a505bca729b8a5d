using System.Buffers.Binary;
using System.Data.SqlTypes;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Apache.Arrow;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Decodes one Arrow array (a column, or a child of a nested column) into .NET values. One decoder is built per
/// array per batch, for the array's Spark type, so the type is looked at once, not per cell; decoders of
/// fixed-width types read the value buffer as a span in bulk (<see cref="Fill"/>).
/// </summary>
internal abstract class ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _validity;
    private readonly int _bitOffset;

    protected ColumnDecoder(IArrowArray array)
    {
        var data = array.Data;
        Length = data.Length;
        _bitOffset = data.Offset;
        _validity = data.Buffers.Length > 0 ? data.Buffers[0].Memory : default;
        HasNulls = data.NullCount != 0 && !_validity.IsEmpty;
    }

    /// <summary>The number of values.</summary>
    protected int Length { get; }

    /// <summary>Whether any value is null (else the validity bitmap is never read).</summary>
    protected bool HasNulls { get; }

    /// <summary>The validity bitmap (empty when there are no nulls).</summary>
    protected ReadOnlySpan<byte> Validity => _validity.Span;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool IsNull(ReadOnlySpan<byte> validity, int index)
    {
        int bit = _bitOffset + index;
        return (validity[bit >> 3] & (1 << (bit & 7))) == 0;
    }

    /// <summary>Whether the value at <paramref name="index"/> is null.</summary>
    public bool IsNull(int index) => HasNulls && IsNull(_validity.Span, index);

    /// <summary>The value at <paramref name="index"/>, or null.</summary>
    public abstract object? Get(int index);

    /// <summary>
    /// Throws the <see cref="OverflowException"/> that reading a value would throw (a date or time beyond the .NET
    /// type's range), for every value at once: a collected result, read lazily from Arrow, fails when it is collected,
    /// as a streamed one does, not at some later read. Only the types whose conversion can fail look at their values.
    /// </summary>
    public virtual void CheckRange()
    {
    }

    /// <summary>
    /// Writes values <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1 to
    /// <c>dest[destIndex]</c>, <c>dest[destIndex + stride]</c>, ... (a column of row buffers, or a flat array).
    /// </summary>
    public virtual void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        for (int k = 0, d = destIndex; k < count; k++, d += stride) dest[d] = Get(start + k);
    }
}

/// <summary>Converts a raw Arrow value to the boxed .NET value (a struct, so the JIT specializes each decoder).</summary>
internal interface IRawConverter<TRaw>
{
    static abstract object Convert(TRaw raw);
}

/// <summary>A column whose values can be read as <typeparamref name="T"/> without boxing.</summary>
internal interface IUnboxedColumn<T>
{
    /// <summary>The value at <paramref name="index"/>; false when it is null (or not readable as <typeparamref name="T"/>).</summary>
    bool TryRead(int index, out T value);
}

/// <summary>A fixed-width column (ints, floats, dates, intervals, ...): values read as a span of <typeparamref name="TRaw"/>.</summary>
internal sealed class FixedWidthDecoder<TRaw, TConv> : ColumnDecoder, IUnboxedColumn<TRaw>
    where TRaw : unmanaged
    where TConv : struct, IRawConverter<TRaw>
{
    // Only columns whose .NET value is the raw Arrow value itself (not dates or intervals stored as ints) read unboxed.
    private static readonly bool IsIdentity = typeof(TConv) == typeof(SByteConv) || typeof(TConv) == typeof(Int16Conv)
        || typeof(TConv) == typeof(Int32Conv) || typeof(TConv) == typeof(Int64Conv)
        || typeof(TConv) == typeof(SingleConv) || typeof(TConv) == typeof(DoubleConv);

    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;

    public FixedWidthDecoder(IArrowArray array) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
    }

    private ReadOnlySpan<TRaw> Values => MemoryMarshal.Cast<byte, TRaw>(_values.Span).Slice(_offset, Length);

    public override object? Get(int index) => IsNull(index) ? null : TConv.Convert(Values[index]);

    // Dates are the fixed-width values whose conversion can overflow (DateOnly ends at 9999-12-31).
    private static readonly bool CanOverflow = typeof(TConv) == typeof(Date32Conv) || typeof(TConv) == typeof(Date64Conv);

    public override void CheckRange()
    {
        if (!CanOverflow) return;
        for (int i = 0; i < Length; i++)
        {
            if (!IsNull(i)) TConv.Convert(Values[i]);
        }
    }

    public bool TryRead(int index, out TRaw value)
    {
        if (!IsIdentity || IsNull(index))
        {
            value = default;
            return false;
        }
        value = Values[index];
        return true;
    }

    public override void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        var values = Values.Slice(start, count);
        if (!HasNulls)
        {
            for (int k = 0, d = destIndex; k < values.Length; k++, d += stride) dest[d] = TConv.Convert(values[k]);
        }
        else
        {
            var validity = Validity;
            for (int k = 0, d = destIndex; k < values.Length; k++, d += stride)
                dest[d] = IsNull(validity, start + k) ? null : TConv.Convert(values[k]);
        }
    }
}

internal static class Boxes
{
    public static readonly object True = true;
    public static readonly object False = false;
}

internal struct SByteConv : IRawConverter<sbyte> { public static object Convert(sbyte raw) => raw; }
internal struct Int16Conv : IRawConverter<short> { public static object Convert(short raw) => raw; }
internal struct Int32Conv : IRawConverter<int> { public static object Convert(int raw) => raw; }
internal struct Int64Conv : IRawConverter<long> { public static object Convert(long raw) => raw; }
internal struct SingleConv : IRawConverter<float> { public static object Convert(float raw) => raw; }
internal struct DoubleConv : IRawConverter<double> { public static object Convert(double raw) => raw; }

/// <summary>Arrow date32 (days since 1970-01-01) to <see cref="DateOnly"/>.</summary>
internal struct Date32Conv : IRawConverter<int>
{
    private const int EpochDayNumber = 719162; // DateOnly.DayNumber of 1970-01-01

    public static object Convert(int raw)
    {
        long day = (long)raw + EpochDayNumber;
        if ((ulong)day > (ulong)DateOnly.MaxValue.DayNumber)
            throw new OverflowException($"The date {raw} days from 1970-01-01 is outside DateOnly's range (0001-01-01 to 9999-12-31).");
        return DateOnly.FromDayNumber((int)day);
    }
}

/// <summary>Arrow date64 (milliseconds since the epoch) to <see cref="DateOnly"/>.</summary>
internal struct Date64Conv : IRawConverter<long>
{
    public static object Convert(long raw)
    {
        long days = Math.DivRem(raw, 86_400_000L, out long rem);
        if (rem < 0) days--;
        return Date32Conv.Convert((int)Math.Clamp(days, int.MinValue, int.MaxValue));
    }
}

/// <summary>Arrow year-month interval (months) to <see cref="YearMonthInterval"/>.</summary>
internal struct YearMonthConv : IRawConverter<int>
{
    public static object Convert(int raw) => new YearMonthInterval(raw);
}

/// <summary>The 16-byte layout of an Arrow MONTH_DAY_NANO interval.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal readonly struct MonthDayNano
{
    public readonly int Months;
    public readonly int Days;
    public readonly long Nanoseconds;
}

/// <summary>Arrow MONTH_DAY_NANO interval to <see cref="CalendarInterval"/> (Spark sends microseconds × 1000).</summary>
internal struct CalendarIntervalConv : IRawConverter<MonthDayNano>
{
    public static object Convert(MonthDayNano raw) => new CalendarInterval(raw.Months, raw.Days, raw.Nanoseconds / 1000);
}

/// <summary>Timestamp (micro- or other unit) columns to <see cref="DateTimeOffset"/> (UTC) or <see cref="DateTime"/> (unspecified).</summary>
internal sealed class TimestampDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;
    private readonly TicksScale _scale;
    private readonly bool _instant;

    public TimestampDecoder(IArrowArray array, Apache.Arrow.Types.TimeUnit unit, bool instant) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _scale = TicksScale.For(unit, DateTime.UnixEpoch.Ticks, 0, DateTime.MaxValue.Ticks);
        _instant = instant;
    }

    private ReadOnlySpan<long> Values => MemoryMarshal.Cast<byte, long>(_values.Span).Slice(_offset, Length);

    private object Convert(long raw)
    {
        long ticks = _scale.ToTicks(raw, "timestamp");
        // Each branch boxed on its own: DateTime converts implicitly to DateTimeOffset, which a ?: would pick for both.
        return _instant ? (object)new DateTimeOffset(ticks, TimeSpan.Zero) : (object)new DateTime(ticks, DateTimeKind.Unspecified);
    }

    public override object? Get(int index) => IsNull(index) ? null : Convert(Values[index]);

    public override void CheckRange()
    {
        var values = Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (!IsNull(i)) _scale.ToTicks(values[i], "timestamp");
        }
    }

    public override void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        var values = Values.Slice(start, count);
        var validity = Validity;
        for (int k = 0, d = destIndex; k < values.Length; k++, d += stride)
            dest[d] = HasNulls && IsNull(validity, start + k) ? null : Convert(values[k]);
    }
}

/// <summary>Duration (Spark's day-time interval, microseconds) to <see cref="TimeSpan"/>.</summary>
internal sealed class DurationDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;
    private readonly TicksScale _scale;

    public DurationDecoder(IArrowArray array, Apache.Arrow.Types.TimeUnit unit) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _scale = TicksScale.For(unit, 0, long.MinValue, long.MaxValue);
    }

    public override object? Get(int index) =>
        IsNull(index) ? null : new TimeSpan(_scale.ToTicks(MemoryMarshal.Cast<byte, long>(_values.Span)[_offset + index], "day-time interval"));

    public override void CheckRange()
    {
        var values = MemoryMarshal.Cast<byte, long>(_values.Span).Slice(_offset, Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (!IsNull(i)) _scale.ToTicks(values[i], "day-time interval");
        }
    }
}

/// <summary>time32/time64 (Spark's TIME: nanoseconds since midnight) to <see cref="TimeOnly"/>.</summary>
internal sealed class TimeDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;
    private readonly bool _is64;
    private readonly TicksScale _scale;

    public TimeDecoder(IArrowArray array, Apache.Arrow.Types.TimeUnit unit, bool is64) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _is64 = is64;
        _scale = TicksScale.For(unit, 0, 0, TimeOnly.MaxValue.Ticks);
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        long raw = _is64
            ? MemoryMarshal.Cast<byte, long>(_values.Span)[_offset + index]
            : MemoryMarshal.Cast<byte, int>(_values.Span)[_offset + index];
        return new TimeOnly(_scale.ToTicks(raw, "time"));
    }
}

/// <summary>Converts an Arrow time unit count to .NET ticks (100 ns), with a range check.</summary>
internal readonly struct TicksScale
{
    private readonly long _mul;
    private readonly long _div;
    private readonly long _baseTicks;
    private readonly long _minRaw;
    private readonly long _maxRaw;

    private TicksScale(long mul, long div, long baseTicks, long minTicks, long maxTicks)
    {
        _mul = mul;
        _div = div;
        _baseTicks = baseTicks;
        // raw values whose ticks land in [minTicks, maxTicks]
        Int128 lo = ((Int128)minTicks - baseTicks) * div / mul;
        Int128 hi = ((Int128)maxTicks - baseTicks) * div / mul;
        _minRaw = (long)Int128.Clamp(lo, long.MinValue, long.MaxValue);
        _maxRaw = (long)Int128.Clamp(hi, long.MinValue, long.MaxValue);
        if (_mul > 1 && (Int128)_minRaw * mul + baseTicks < minTicks) _minRaw++;
    }

    public static TicksScale For(Apache.Arrow.Types.TimeUnit unit, long baseTicks, long minTicks, long maxTicks) => unit switch
    {
        Apache.Arrow.Types.TimeUnit.Second => new TicksScale(TimeSpan.TicksPerSecond, 1, baseTicks, minTicks, maxTicks),
        Apache.Arrow.Types.TimeUnit.Millisecond => new TicksScale(TimeSpan.TicksPerMillisecond, 1, baseTicks, minTicks, maxTicks),
        Apache.Arrow.Types.TimeUnit.Microsecond => new TicksScale(10, 1, baseTicks, minTicks, maxTicks),
        _ => new TicksScale(1, 100, baseTicks, minTicks, maxTicks),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ToTicks(long raw, string what)
    {
        if (raw < _minRaw || raw > _maxRaw) ThrowRange(raw, what);
        return _div == 1 ? raw * _mul + _baseTicks : raw / _div + _baseTicks;
    }

    private static void ThrowRange(long raw, string what) =>
        throw new OverflowException($"The {what} value {raw} is outside the range .NET can represent.");
}

internal sealed class BooleanDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;

    public BooleanDecoder(IArrowArray array) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        int bit = _offset + index;
        return (_values.Span[bit >> 3] & (1 << (bit & 7))) != 0 ? Boxes.True : Boxes.False;
    }
}

internal sealed class NullDecoder(IArrowArray array) : ColumnDecoder(array)
{
    public override object? Get(int index) => null;

    public override void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        for (int k = 0, d = destIndex; k < count; k++, d += stride) dest[d] = null;
    }
}

/// <summary>A variable-width column whose raw bytes can be read in place.</summary>
internal abstract class BytesDecoder(IArrowArray array) : ColumnDecoder(array)
{
    /// <summary>The bytes of the value at <paramref name="index"/> (empty for null).</summary>
    public abstract ReadOnlySpan<byte> GetBytes(int index);

    /// <summary>A byte[] decoder for a binary or large binary array (not utf8), else null.</summary>
    public static BytesDecoder? ForBinary(IArrowArray? array) => array switch
    {
        StringArray or LargeStringArray or null => null,
        BinaryArray => new VarBinaryDecoder<int>(array, utf8: false),
        LargeBinaryArray => new VarBinaryDecoder<long>(array, utf8: false),
        _ => null,
    };
}

/// <summary>Variable-width columns (utf8 / binary, 32- or 64-bit offsets): strings decoded from UTF-8 in place.</summary>
internal sealed class VarBinaryDecoder<TOffset> : BytesDecoder where TOffset : unmanaged, IBinaryInteger<TOffset>
{
    private readonly ReadOnlyMemory<byte> _offsets;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly int _offset;
    private readonly bool _utf8;

    public VarBinaryDecoder(IArrowArray array, bool utf8) : base(array)
    {
        _offsets = array.Data.Buffers[1].Memory;
        _data = array.Data.Buffers[2].Memory;
        _offset = array.Data.Offset;
        _utf8 = utf8;
    }

    private ReadOnlySpan<TOffset> Offsets => MemoryMarshal.Cast<byte, TOffset>(_offsets.Span).Slice(_offset, Length + 1);

    public override ReadOnlySpan<byte> GetBytes(int index)
    {
        var offsets = Offsets;
        int s = int.CreateChecked(offsets[index]);
        int e = int.CreateChecked(offsets[index + 1]);
        return _data.Span.Slice(s, e - s);
    }

    private object Convert(ReadOnlySpan<byte> bytes) =>
        _utf8 ? (bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes)) : bytes.ToArray();

    public override object? Get(int index) => IsNull(index) ? null : Convert(GetBytes(index));

    public override void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        var offsets = Offsets.Slice(start, count + 1);
        var data = _data.Span;
        var validity = Validity;
        bool hasNulls = HasNulls;
        int s = int.CreateChecked(offsets[0]);
        for (int k = 0, d = destIndex; k < count; k++, d += stride)
        {
            int e = int.CreateChecked(offsets[k + 1]);
            dest[d] = hasNulls && IsNull(validity, start + k) ? null : Convert(data.Slice(s, e - s));
            s = e;
        }
    }
}

/// <summary>decimal(p,s) with p &lt;= 28: Arrow decimal128 to <see cref="decimal"/>, scale kept (1.50 stays 1.50).</summary>
internal sealed class DecimalDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _values;
    private readonly int _offset;
    private readonly byte _scale;
    private readonly bool _sql;
    private readonly byte _precision;

    public DecimalDecoder(IArrowArray array, int precision, int scale, bool sqlDecimal) : base(array)
    {
        _values = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _precision = (byte)precision;
        _scale = (byte)scale;
        _sql = sqlDecimal;
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        var raw = BinaryPrimitives.ReadInt128LittleEndian(_values.Span.Slice((_offset + index) * 16, 16));
        // Each branch boxed on its own: decimal converts implicitly to SqlDecimal, which a ?: would pick for both.
        return _sql ? (object)ToSqlDecimal(raw, _precision, _scale) : (object)ToDecimal(raw, _scale);
    }

    internal static decimal ToDecimal(Int128 unscaled, byte scale)
    {
        bool negative = unscaled < 0;
        UInt128 magnitude = negative ? (UInt128)(-unscaled) : (UInt128)unscaled;
        if (magnitude >> 96 != 0 || scale > 28)
            throw new OverflowException($"The decimal {unscaled}E-{scale} does not fit System.Decimal.");
        ulong low = (ulong)magnitude;
        return new decimal((int)(uint)low, (int)(uint)(low >> 32), (int)(uint)(magnitude >> 64), negative, scale);
    }

    internal static SqlDecimal ToSqlDecimal(Int128 unscaled, byte precision, byte scale)
    {
        bool negative = unscaled < 0;
        UInt128 m = negative ? (UInt128)(-unscaled) : (UInt128)unscaled;
        return new SqlDecimal(precision, scale, !negative,
            (int)(uint)m, (int)(uint)(m >> 32), (int)(uint)(m >> 64), (int)(uint)(m >> 96));
    }
}

/// <summary>struct → <see cref="Row"/>; the rows of one call share a value buffer filled column by column.</summary>
internal sealed class StructDecoder : ColumnDecoder
{
    private readonly StructType _schema;
    private readonly ColumnDecoder[] _children;

    public StructDecoder(IArrowArray array, StructType schema, ColumnDecoder[] children) : base(array)
    {
        _schema = schema;
        _children = children;
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        var values = new object?[_children.Length];
        for (int j = 0; j < values.Length; j++) values[j] = _children[j].Get(index);
        return new Row(_schema, values, 0);
    }

    public override void Fill(object?[] dest, int destIndex, int stride, int start, int count)
    {
        int n = _children.Length;
        if (n == 0)
        {
            for (int k = 0, d = destIndex; k < count; k++, d += stride)
                dest[d] = IsNull(start + k) ? null : new Row(_schema, [], 0);
            return;
        }
        int segment = RowDecoder.RowsPerSegment(n);
        var validity = Validity;
        for (int s = 0; s < count; s += segment)
        {
            int c = Math.Min(segment, count - s);
            var buffer = new object?[c * n];
            for (int j = 0; j < n; j++) _children[j].Fill(buffer, j, n, start + s, c);
            for (int k = 0, d = destIndex + s * stride; k < c; k++, d += stride)
                dest[d] = HasNulls && IsNull(validity, start + s + k) ? null : new Row(_schema, buffer, k * n);
        }
    }
}

/// <summary>list → <c>object?[]</c>.</summary>
internal sealed class ListDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _offsets;
    private readonly int _offset;
    private readonly bool _large;
    private readonly ColumnDecoder _element;

    public ListDecoder(IArrowArray array, bool large, ColumnDecoder element) : base(array)
    {
        _offsets = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _large = large;
        _element = element;
    }

    internal static (int Start, int Length) Range(ReadOnlyMemory<byte> offsets, int offset, bool large, int index)
    {
        if (large)
        {
            var o = MemoryMarshal.Cast<byte, long>(offsets.Span);
            int s = checked((int)o[offset + index]);
            return (s, checked((int)o[offset + index + 1]) - s);
        }
        else
        {
            var o = MemoryMarshal.Cast<byte, int>(offsets.Span);
            int s = o[offset + index];
            return (s, o[offset + index + 1] - s);
        }
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        var (start, length) = Range(_offsets, _offset, _large, index);
        if (length == 0) return System.Array.Empty<object?>();
        var values = new object?[length];
        _element.Fill(values, 0, 1, start, length);
        return values;
    }
}

/// <summary>map → an <see cref="OrderedMap"/> (entries in the server's order).</summary>
internal sealed class MapDecoder : ColumnDecoder
{
    private readonly ReadOnlyMemory<byte> _offsets;
    private readonly int _offset;
    private readonly ColumnDecoder _keys;
    private readonly ColumnDecoder _values;

    public MapDecoder(IArrowArray array, ColumnDecoder keys, ColumnDecoder values) : base(array)
    {
        _offsets = array.Data.Buffers[1].Memory;
        _offset = array.Data.Offset;
        _keys = keys;
        _values = values;
    }

    public override object? Get(int index)
    {
        if (IsNull(index)) return null;
        var (start, length) = ListDecoder.Range(_offsets, _offset, false, index);
        var keys = new object?[length];
        var values = new object?[length];
        if (length > 0)
        {
            _keys.Fill(keys, 0, 1, start, length);
            _values.Fill(values, 0, 1, start, length);
        }
        return new OrderedMap(keys, values);
    }
}

/// <summary>variant (struct of binary <c>value</c> and <c>metadata</c>) → <see cref="VariantValue"/>.</summary>
internal sealed class VariantDecoder(IArrowArray array, BytesDecoder value, BytesDecoder metadata)
    : ColumnDecoder(array)
{
    public override object? Get(int index) =>
        IsNull(index) || value.IsNull(index) || metadata.IsNull(index)
            ? null
            : new VariantValue(value.GetBytes(index).ToArray(), metadata.GetBytes(index).ToArray());
}

/// <summary>geometry / geography (struct of int <c>srid</c> and binary <c>wkb</c>) → <see cref="Geometry"/> / <see cref="Geography"/>.</summary>
internal sealed class SpatialDecoder(IArrowArray array, ColumnDecoder srid, BytesDecoder wkb, bool geography)
    : ColumnDecoder(array)
{
    public override object? Get(int index)
    {
        if (IsNull(index) || wkb.IsNull(index)) return null;
        int s = srid.Get(index) is int i ? i : 0;
        var bytes = wkb.GetBytes(index).ToArray();
        return geography ? new Geography(s, bytes) : new Geometry(s, bytes);
    }
}

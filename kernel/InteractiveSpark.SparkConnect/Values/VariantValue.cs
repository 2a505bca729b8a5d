using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A value of Spark's <c>variant</c> type: semi-structured data in the Variant binary encoding (the format
/// Spark and Parquet share), as two byte strings: the value and the metadata (the dictionary of object keys).
/// <see cref="ToJson()"/> renders it as JSON exactly as Spark's <c>CAST(v AS STRING)</c> / <c>to_json</c> do.
/// </summary>
public sealed class VariantValue : IEquatable<VariantValue>
{
    private readonly byte[] _value;
    private readonly byte[] _metadata;

    /// <summary>A variant from its encoded value and metadata.</summary>
    /// <exception cref="FormatException">The metadata is not of Variant encoding version 1, or the value is empty.</exception>
    public VariantValue(byte[] value, byte[] metadata)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Length < 1 || (metadata[0] & 0x0F) != 1)
            throw new FormatException("Malformed variant: the metadata is not of Variant encoding version 1.");
        if (value.Length < 1) throw new FormatException("Malformed variant: the value is empty.");
        _value = value;
        _metadata = metadata;
    }

    /// <summary>The encoded value.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>The encoded metadata (the dictionary of object keys).</summary>
    public ReadOnlyMemory<byte> Metadata => _metadata;

    /// <summary>The value as JSON, timestamps shown in UTC (<c>+00:00</c>).</summary>
    /// <exception cref="FormatException">The encoding is malformed.</exception>
    public string ToJson() => ToJson(null);

    /// <summary>
    /// The value as JSON as Spark renders it: object keys in the stored (sorted) order, numbers as Java prints
    /// them (<c>1.0E10</c>, decimals without trailing zeros), dates as <c>"yyyy-MM-dd"</c>, timestamps as
    /// <c>"yyyy-MM-dd HH:mm:ss[.ffffff]+HH:MM"</c> in <paramref name="timeZone"/> (Spark uses the session time
    /// zone; null means UTC), timestamp_ntz without offset, binary as Base64, UUIDs in their usual form.
    /// </summary>
    /// <exception cref="FormatException">The encoding is malformed.</exception>
    public string ToJson(TimeZoneInfo? timeZone)
    {
        var sb = new StringBuilder();
        try
        {
            VariantJson.Write(sb, _value, 0, _metadata, timeZone, 0);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new FormatException("Malformed variant: " + e.Message, e);
        }
        return sb.ToString();
    }

    /// <summary>The value as JSON (<see cref="ToJson()"/>).</summary>
    public override string ToString() => ToJson();

    /// <summary>Whether both variants have the same encoded bytes.</summary>
    public bool Equals(VariantValue? other) =>
        other is not null && _value.AsSpan().SequenceEqual(other._value) && _metadata.AsSpan().SequenceEqual(other._metadata);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VariantValue);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_value);
        h.AddBytes(_metadata);
        return h.ToHashCode();
    }
}

/// <summary>
/// Renders the Variant binary encoding as Spark's JSON. Written by hand: the NuGet package
/// Apache.Arrow.Scalars 23.0.0 reads the same encoding but has no JSON output, and Spark's JSON has its own
/// rules (Java's number formatting, decimals with trailing zeros stripped, timestamps in a time zone, Jackson's
/// string escaping) that a reader would not give us anyway; the encoding itself is small (spec:
/// parquet-format VariantEncoding.md).
/// </summary>
internal static class VariantJson
{
    private const int MaxDepth = 1000;

    public static void Write(StringBuilder sb, ReadOnlySpan<byte> value, int pos, ReadOnlySpan<byte> metadata, TimeZoneInfo? tz, int depth)
    {
        if (depth > MaxDepth) throw new FormatException("Malformed variant: nesting too deep.");
        byte header = value[pos];
        int basicType = header & 0x03;
        int valueHeader = header >> 2;
        switch (basicType)
        {
            case 0:
                WritePrimitive(sb, value, pos, valueHeader, tz);
                break;
            case 1: // short string: length in the header
                AppendJsonString(sb, Encoding.UTF8.GetString(value.Slice(pos + 1, valueHeader)));
                break;
            case 2: // object
                {
                    int offsetSize = (valueHeader & 0x03) + 1;
                    int idSize = ((valueHeader >> 2) & 0x03) + 1;
                    int sizeBytes = (valueHeader & 0x10) != 0 ? 4 : 1;
                    int n = ReadUnsigned(value, pos + 1, sizeBytes);
                    int idStart = pos + 1 + sizeBytes;
                    int offsetStart = idStart + n * idSize;
                    int dataStart = offsetStart + (n + 1) * offsetSize;
                    sb.Append('{');
                    for (int i = 0; i < n; i++)
                    {
                        int id = ReadUnsigned(value, idStart + i * idSize, idSize);
                        int offset = ReadUnsigned(value, offsetStart + i * offsetSize, offsetSize);
                        if (i != 0) sb.Append(',');
                        AppendJsonString(sb, MetadataKey(metadata, id));
                        sb.Append(':');
                        Write(sb, value, dataStart + offset, metadata, tz, depth + 1);
                    }
                    sb.Append('}');
                    break;
                }
            default: // array
                {
                    int offsetSize = (valueHeader & 0x03) + 1;
                    int sizeBytes = (valueHeader & 0x04) != 0 ? 4 : 1;
                    int n = ReadUnsigned(value, pos + 1, sizeBytes);
                    int offsetStart = pos + 1 + sizeBytes;
                    int dataStart = offsetStart + (n + 1) * offsetSize;
                    sb.Append('[');
                    for (int i = 0; i < n; i++)
                    {
                        int offset = ReadUnsigned(value, offsetStart + i * offsetSize, offsetSize);
                        if (i != 0) sb.Append(',');
                        Write(sb, value, dataStart + offset, metadata, tz, depth + 1);
                    }
                    sb.Append(']');
                    break;
                }
        }
    }

    private static void WritePrimitive(StringBuilder sb, ReadOnlySpan<byte> value, int pos, int typeId, TimeZoneInfo? tz)
    {
        var data = value[(pos + 1)..];
        switch (typeId)
        {
            case 0: sb.Append("null"); break;
            case 1: sb.Append("true"); break;
            case 2: sb.Append("false"); break;
            case 3: sb.Append(((sbyte)data[0]).ToString(CultureInfo.InvariantCulture)); break;
            case 4: sb.Append(BinaryPrimitives.ReadInt16LittleEndian(data).ToString(CultureInfo.InvariantCulture)); break;
            case 5: sb.Append(BinaryPrimitives.ReadInt32LittleEndian(data).ToString(CultureInfo.InvariantCulture)); break;
            case 6: sb.Append(BinaryPrimitives.ReadInt64LittleEndian(data).ToString(CultureInfo.InvariantCulture)); break;
            case 7: sb.Append(JavaFormat.Double(BinaryPrimitives.ReadDoubleLittleEndian(data))); break;
            case 8: AppendDecimal(sb, BinaryPrimitives.ReadInt32LittleEndian(data[1..]), data[0]); break;
            case 9: AppendDecimal(sb, BinaryPrimitives.ReadInt64LittleEndian(data[1..]), data[0]); break;
            case 10: AppendDecimal(sb, (BigInteger)BinaryPrimitives.ReadInt128LittleEndian(data[1..]), data[0]); break;
            case 11:
                sb.Append('"');
                AppendDate(sb, BinaryPrimitives.ReadInt32LittleEndian(data));
                sb.Append('"');
                break;
            case 12: AppendTimestamp(sb, BinaryPrimitives.ReadInt64LittleEndian(data), 1000, tz, withOffset: true); break;
            case 13: AppendTimestamp(sb, BinaryPrimitives.ReadInt64LittleEndian(data), 1000, null, withOffset: false); break;
            case 14: sb.Append(JavaFormat.Float(BinaryPrimitives.ReadSingleLittleEndian(data))); break;
            case 15:
                {
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data);
                    sb.Append('"').Append(Convert.ToBase64String(data.Slice(4, len))).Append('"');
                    break;
                }
            case 16:
                {
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data);
                    AppendJsonString(sb, Encoding.UTF8.GetString(data.Slice(4, len)));
                    break;
                }
            case 17: // time without zone, microseconds since midnight
                {
                    long micros = BinaryPrimitives.ReadInt64LittleEndian(data);
                    sb.Append('"');
                    AppendTimeOfDay(sb, micros * 1000, 9);
                    sb.Append('"');
                    break;
                }
            case 18: AppendTimestamp(sb, BinaryPrimitives.ReadInt64LittleEndian(data), 1, tz, withOffset: true); break;
            case 19: AppendTimestamp(sb, BinaryPrimitives.ReadInt64LittleEndian(data), 1, null, withOffset: false); break;
            case 20:
                sb.Append('"').Append(new Guid(data[..16], bigEndian: true).ToString("D")).Append('"');
                break;
            default:
                throw new FormatException($"Malformed variant: unknown primitive type {typeId}.");
        }
    }

    private static string MetadataKey(ReadOnlySpan<byte> metadata, int id)
    {
        int offsetSize = ((metadata[0] >> 6) & 0x03) + 1;
        int dictSize = ReadUnsigned(metadata, 1, offsetSize);
        if ((uint)id >= (uint)dictSize) throw new FormatException($"Malformed variant: key id {id} outside the dictionary.");
        int offsetsStart = 1 + offsetSize;
        int stringsStart = offsetsStart + (dictSize + 1) * offsetSize;
        int start = ReadUnsigned(metadata, offsetsStart + id * offsetSize, offsetSize);
        int end = ReadUnsigned(metadata, offsetsStart + (id + 1) * offsetSize, offsetSize);
        return Encoding.UTF8.GetString(metadata.Slice(stringsStart + start, end - start));
    }

    private static int ReadUnsigned(ReadOnlySpan<byte> bytes, int pos, int size)
    {
        int result = 0;
        for (int i = 0; i < size; i++) result |= bytes[pos + i] << (8 * i);
        if (result < 0) throw new FormatException("Malformed variant: size or offset out of range.");
        return result;
    }

    // BigDecimal(unscaled, scale).stripTrailingZeros().toPlainString(), as Spark does for variant decimals.
    private static void AppendDecimal(StringBuilder sb, BigInteger unscaled, int scale)
    {
        if (unscaled.IsZero) { sb.Append('0'); return; }
        if (unscaled.Sign < 0) sb.Append('-');
        string digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        if (scale <= 0) { sb.Append(digits); return; }
        string intPart, frac;
        if (digits.Length > scale)
        {
            intPart = digits[..^scale];
            frac = digits[^scale..];
        }
        else
        {
            intPart = "0";
            frac = new string('0', scale - digits.Length) + digits;
        }
        frac = frac.TrimEnd('0');
        sb.Append(intPart);
        if (frac.Length > 0) sb.Append('.').Append(frac);
    }

    // Java's LocalDate.toString for a proleptic Gregorian day number (days since 1970-01-01).
    internal static void AppendDate(StringBuilder sb, long epochDay)
    {
        CivilFromDays(epochDay, out long y, out int m, out int d);
        if (y > 9999) sb.Append('+').Append(y.ToString(CultureInfo.InvariantCulture));
        else if (y < 0) sb.Append('-').Append((-y).ToString("D4", CultureInfo.InvariantCulture));
        else sb.Append(y.ToString("D4", CultureInfo.InvariantCulture));
        sb.Append('-').Append(m.ToString("D2", CultureInfo.InvariantCulture))
          .Append('-').Append(d.ToString("D2", CultureInfo.InvariantCulture));
    }

    // Howard Hinnant's civil_from_days.
    private static void CivilFromDays(long z, out long year, out int month, out int day)
    {
        z += 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        day = (int)(doy - (153 * mp + 2) / 5 + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = month <= 2 ? y + 1 : y;
    }

    // value: micro- (unitNanos = 1000) or nanoseconds (1) since the epoch.
    private static void AppendTimestamp(StringBuilder sb, long value, long unitNanos, TimeZoneInfo? tz, bool withOffset)
    {
        long unitsPerSecond = 1_000_000_000 / unitNanos;
        long seconds = Math.DivRem(value, unitsPerSecond, out long rem);
        if (rem < 0) { rem += unitsPerSecond; seconds--; }
        long offsetSeconds = 0;
        if (withOffset && tz is not null)
        {
            long clamped = Math.Clamp(seconds, -62135596800L, 253402300799L);
            offsetSeconds = (long)tz.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(clamped)).TotalSeconds;
        }
        long local = seconds + offsetSeconds;
        long days = Math.DivRem(local, 86400, out long secOfDay);
        if (secOfDay < 0) { secOfDay += 86400; days--; }
        sb.Append('"');
        AppendDate(sb, days);
        sb.Append(' ');
        AppendTimeOfDay(sb, secOfDay * 1_000_000_000 + rem * unitNanos, 9);
        if (withOffset)
        {
            long abs = Math.Abs(offsetSeconds);
            sb.Append(offsetSeconds < 0 ? '-' : '+')
              .Append((abs / 3600).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
              .Append((abs / 60 % 60).ToString("D2", CultureInfo.InvariantCulture));
        }
        sb.Append('"');
    }

    // Java's ISO_LOCAL_TIME: HH:mm:ss, then a fraction only as long as needed.
    private static void AppendTimeOfDay(StringBuilder sb, long nanosOfDay, int maxFractionDigits)
    {
        long secs = nanosOfDay / 1_000_000_000;
        long nanos = nanosOfDay % 1_000_000_000;
        sb.Append((secs / 3600).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
          .Append((secs / 60 % 60).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
          .Append((secs % 60).ToString("D2", CultureInfo.InvariantCulture));
        if (nanos != 0)
        {
            string f = nanos.ToString("D9", CultureInfo.InvariantCulture)[..maxFractionDigits].TrimEnd('0');
            if (f.Length > 0) sb.Append('.').Append(f);
        }
    }

    // Jackson's JsonGenerator.writeString: quotes, backslash and control characters escaped, the rest as is.
    internal static void AppendJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}

/// <summary>Java's <c>Double.toString</c> / <c>Float.toString</c> (shortest round-trip digits).</summary>
internal static class JavaFormat
{
    public static string Double(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        return Format(Math.Abs(d).ToString("R", CultureInfo.InvariantCulture), d < 0, Math.Abs(d) >= 1e-3 && Math.Abs(d) < 1e7);
    }

    public static string Float(float f)
    {
        if (float.IsNaN(f)) return "NaN";
        if (float.IsPositiveInfinity(f)) return "Infinity";
        if (float.IsNegativeInfinity(f)) return "-Infinity";
        if (f == 0) return float.IsNegative(f) ? "-0.0" : "0.0";
        float a = Math.Abs(f);
        return Format(a.ToString("R", CultureInfo.InvariantCulture), f < 0, a >= 1e-3f && a < 1e7f);
    }

    // shortest: .NET's shortest round-trip text of a positive finite number ("123.45", "1E+20", "1.5E-05").
    private static string Format(string shortest, bool negative, bool plain)
    {
        int e = shortest.IndexOfAny(['E', 'e']);
        string mantissa = e < 0 ? shortest : shortest[..e];
        int exp = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string intPart = dot < 0 ? mantissa : mantissa[..dot];
        string fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        string digits = intPart + fracPart;
        int point = intPart.Length + exp; // value = 0.digits * 10^point
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; point--; }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        var sb = new StringBuilder(24);
        if (negative) sb.Append('-');
        if (plain)
        {
            if (point <= 0) sb.Append("0.").Append('0', -point).Append(digits);
            else if (point >= digits.Length) sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            else sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        else
        {
            sb.Append(digits[0]).Append('.');
            if (digits.Length > 1) sb.Append(digits, 1, digits.Length - 1); else sb.Append('0');
            sb.Append('E').Append((point - 1).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

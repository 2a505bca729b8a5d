using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using Google.Protobuf;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>Turns .NET values into protocol literals.</summary>
internal static class Literals
{
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>The literal for <paramref name="value"/> and its Spark type.</summary>
    /// <exception cref="ArgumentException">A value with no Spark literal (the message names its .NET type).</exception>
    public static (P.Expression.Types.Literal Literal, P.DataType Type) Convert(object? value)
    {
        var l = new P.Expression.Types.Literal();
        switch (value)
        {
            case null:
                l.Null = Types.Null();
                return (l, l.Null);
            case P.Expression.Types.Literal lit:
                return (lit, lit.DataType ?? Types.Null());
            case bool b: l.Boolean = b; return (l, Types.Boolean());
            case sbyte sb: l.Byte = sb; return (l, Types.Byte());
            case byte ub: l.Short = ub; return (l, Types.Short());
            case short s: l.Short = s; return (l, Types.Short());
            case ushort us: l.Integer = us; return (l, Types.Integer());
            case int i: l.Integer = i; return (l, Types.Integer());
            case uint ui: l.Long = ui; return (l, Types.Long());
            case long lg: l.Long = lg; return (l, Types.Long());
            case ulong ul: return Decimal(ul.ToString(CultureInfo.InvariantCulture), 20, 0);
            case float f: l.Float = f; return (l, Types.Float());
            case Half h: l.Float = (float)h; return (l, Types.Float());
            case double d: l.Double = d; return (l, Types.Double());
            case decimal m: return Decimal(m);
            case BigInteger bi:
                var bis = bi.ToString(CultureInfo.InvariantCulture);
                var digits = bis.TrimStart('-').Length;
                if (digits > 38) throw new ArgumentException($"BigInteger {bis} has more than 38 digits, the most a Spark decimal holds.");
                return Decimal(bis, Math.Max(digits, 1), 0);
            case string str: l.String = str; return (l, Types.String());
            case char c: l.String = c.ToString(); return (l, Types.String());
            case Guid g: l.String = g.ToString(); return (l, Types.String());
            case byte[] bytes: l.Binary = ByteString.CopyFrom(bytes); return (l, Types.Binary());
            case ReadOnlyMemory<byte> rom: l.Binary = ByteString.CopyFrom(rom.Span); return (l, Types.Binary());
            case Memory<byte> mem: l.Binary = ByteString.CopyFrom(mem.Span); return (l, Types.Binary());
            case DateOnly date: l.Date = date.DayNumber - EpochDayNumber; return (l, Types.Date());
            case DateTime dt when dt.Kind == DateTimeKind.Unspecified:
                l.TimestampNtz = (dt.Ticks - UnixEpoch.Ticks) / 10;
                return (l, Types.TimestampNtz());
            case DateTime dt:
                l.Timestamp = (dt.ToUniversalTime().Ticks - UnixEpoch.Ticks) / 10;
                return (l, Types.Timestamp());
            case DateTimeOffset dto:
                l.Timestamp = (dto.UtcTicks - UnixEpoch.Ticks) / 10;
                return (l, Types.Timestamp());
            case TimeSpan ts:
                l.DayTimeInterval = ts.Ticks / 10;
                return (l, new P.DataType { DayTimeInterval = new P.DataType.Types.DayTimeInterval { StartField = 0, EndField = 3 } });
            case TimeOnly t:
                l.Time = new P.Expression.Types.Literal.Types.Time { Nano = t.Ticks * 100, Precision = 6 };
                return (l, new P.DataType { Time = new P.DataType.Types.Time { Precision = 6 } });
            case System.Data.SqlTypes.SqlDecimal sd:
                if (sd.IsNull) goto case null;
                return Decimal(sd.ToString(), Math.Max((int)sd.Precision, 1), sd.Scale);
            case CalendarInterval ci:
                l.CalendarInterval = new P.Expression.Types.Literal.Types.CalendarInterval { Months = ci.Months, Days = ci.Days, Microseconds = ci.Microseconds };
                return (l, new P.DataType { CalendarInterval = new P.DataType.Types.CalendarInterval() });
            case YearMonthInterval ym:
                l.YearMonthInterval = ym.TotalMonths;
                return (l, new P.DataType { YearMonthInterval = new P.DataType.Types.YearMonthInterval { StartField = 0, EndField = 1 } });
            case Row row:
                return Struct(row);
            case IDictionary dict:
                return Map(dict, value.GetType());
            case IReadOnlyDictionary<object, object?> rodict:
                return Map(rodict.ToDictionary(kv => kv.Key, kv => kv.Value), typeof(object));
            case IEnumerable seq:
                return Array(seq, value.GetType());
            case Enum en:
                l.String = en.ToString();
                return (l, Types.String());
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType().FullName} cannot be a Spark literal. Supported: null, bool, integers, float, double, decimal, string, " +
                    "byte[], DateOnly, DateTime, DateTimeOffset, TimeSpan, TimeOnly, arrays/lists, dictionaries, Row.");
        }
    }

    /// <summary>A literal expression for <paramref name="value"/>, with its full type attached for nulls and nested values.</summary>
    public static P.Expression Expression(object? value)
    {
        var (l, t) = Convert(value);
        if (l.LiteralTypeCase is P.Expression.Types.Literal.LiteralTypeOneofCase.Array
            or P.Expression.Types.Literal.LiteralTypeOneofCase.Map
            or P.Expression.Types.Literal.LiteralTypeOneofCase.Struct)
        {
            l = l.Clone();
            l.DataType = t;
        }
        return new P.Expression { Literal = l };
    }

    private static (P.Expression.Types.Literal, P.DataType) Decimal(decimal m)
    {
        var bits = decimal.GetBits(m);
        var scale = (bits[3] >> 16) & 0xFF;
        var text = m.ToString(CultureInfo.InvariantCulture);
        var digits = text.Count(char.IsAsciiDigit);
        // "0.05" has 3 digit characters but precision 2 is enough; a leading zero before the point does not count.
        var intPart = text.TrimStart('-').Split('.')[0];
        if (intPart == "0") digits -= 1;
        return Decimal(text, Math.Max(Math.Max(digits, scale), 1), scale);
    }

    private static (P.Expression.Types.Literal, P.DataType) Decimal(string text, int precision, int scale)
    {
        var l = new P.Expression.Types.Literal
        {
            Decimal = new P.Expression.Types.Literal.Types.Decimal { Value = text, Precision = precision, Scale = scale },
        };
        return (l, new P.DataType { Decimal = new P.DataType.Types.Decimal { Precision = precision, Scale = scale } });
    }

    private static Type? ElementTypeOf(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        var e = t.GetInterfaces().Append(t)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return e?.GetGenericArguments()[0];
    }

    /// <summary>The Spark type for values of a .NET type, when it follows from the type alone.</summary>
    private static P.DataType? TypeFor(Type? t)
    {
        if (t is null) return null;
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(object)) return null;
        if (t == typeof(bool)) return Types.Boolean();
        if (t == typeof(sbyte)) return Types.Byte();
        if (t == typeof(byte) || t == typeof(short)) return Types.Short();
        if (t == typeof(ushort) || t == typeof(int)) return Types.Integer();
        if (t == typeof(uint) || t == typeof(long)) return Types.Long();
        if (t == typeof(float) || t == typeof(Half)) return Types.Float();
        if (t == typeof(double)) return Types.Double();
        if (t == typeof(string) || t == typeof(char) || t == typeof(Guid)) return Types.String();
        if (t == typeof(byte[])) return Types.Binary();
        if (t == typeof(DateOnly)) return Types.Date();
        if (t == typeof(DateTimeOffset)) return Types.Timestamp();
        return null; // decimal (precision varies), DateTime (kind varies), nested: from the values
    }

    private static P.DataType Widen(P.DataType? declared, IEnumerable<P.DataType> seen)
    {
        if (declared is not null) return declared;
        P.DataType? result = null;
        foreach (var t in seen)
        {
            if (t.KindCase == P.DataType.KindOneofCase.Null) continue;
            if (result is null) { result = t; continue; }
            if (result.Equals(t)) continue;
            if (result.KindCase == P.DataType.KindOneofCase.Decimal && t.KindCase == P.DataType.KindOneofCase.Decimal)
            {
                // widen to hold both: integral digits and scale of the widest
                int s = Math.Max(result.Decimal.Scale, t.Decimal.Scale);
                int ip = Math.Max(result.Decimal.Precision - result.Decimal.Scale, t.Decimal.Precision - t.Decimal.Scale);
                result = new P.DataType { Decimal = new P.DataType.Types.Decimal { Precision = Math.Min(38, ip + s), Scale = s } };
                continue;
            }
            throw new ArgumentException($"A collection literal mixes element types {result.KindCase} and {t.KindCase}.");
        }
        return result ?? Types.Null();
    }

    /// <summary>Re-encodes a literal to <paramref name="target"/> where needed (decimals widened to a common scale).</summary>
    private static P.Expression.Types.Literal Coerce(P.Expression.Types.Literal l, P.DataType target)
    {
        if (l.LiteralTypeCase == P.Expression.Types.Literal.LiteralTypeOneofCase.Decimal && target.KindCase == P.DataType.KindOneofCase.Decimal)
        {
            var c = l.Clone();
            c.Decimal.Precision = target.Decimal.Precision;
            c.Decimal.Scale = target.Decimal.Scale;
            return c;
        }
        if (l.LiteralTypeCase == P.Expression.Types.Literal.LiteralTypeOneofCase.Null)
            return new P.Expression.Types.Literal { Null = target };
        return l;
    }

#pragma warning disable CS0612, CS0618 // element_type / key_type / value_type are deprecated but older servers need them
    private static (P.Expression.Types.Literal, P.DataType) Array(IEnumerable seq, Type type)
    {
        var items = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        foreach (var o in seq) items.Add(Convert(o));
        var elementType = Widen(TypeFor(ElementTypeOf(type)), items.Select(x => x.T));
        var arr = new P.Expression.Types.Literal.Types.Array { ElementType = elementType };
        foreach (var (l, _) in items) arr.Elements.Add(Coerce(l, elementType));
        var dt = new P.DataType { Array = new P.DataType.Types.Array { ElementType = elementType, ContainsNull = true } };
        return (new P.Expression.Types.Literal { Array = arr }, dt);
    }

    private static (P.Expression.Types.Literal, P.DataType) Map(IDictionary dict, Type type)
    {
        Type? kt = null, vt = null;
        var gi = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (gi is not null) { kt = gi.GetGenericArguments()[0]; vt = gi.GetGenericArguments()[1]; }
        var keys = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        var values = new List<(P.Expression.Types.Literal L, P.DataType T)>();
        foreach (DictionaryEntry entry in dict)
        {
            keys.Add(Convert(entry.Key));
            values.Add(Convert(entry.Value));
        }
        var keyType = Widen(TypeFor(kt), keys.Select(x => x.T));
        var valueType = Widen(TypeFor(vt), values.Select(x => x.T));
        var map = new P.Expression.Types.Literal.Types.Map { KeyType = keyType, ValueType = valueType };
        foreach (var (l, _) in keys) map.Keys.Add(Coerce(l, keyType));
        foreach (var (l, _) in values) map.Values.Add(Coerce(l, valueType));
        var dt = new P.DataType { Map = new P.DataType.Types.Map { KeyType = keyType, ValueType = valueType, ValueContainsNull = true } };
        return (new P.Expression.Types.Literal { Map = map }, dt);
    }

    private static (P.Expression.Types.Literal, P.DataType) Struct(Row row)
    {
        var st = new P.DataType.Types.Struct();
        var lit = new P.Expression.Types.Literal.Types.Struct();
        var schemaType = row.Schema?.ToProto();
        for (int i = 0; i < row.Count; i++)
        {
            var (l, t) = Convert(row[i]);
            var field = schemaType?.Struct?.Fields.ElementAtOrDefault(i);
            var ft = field?.DataType ?? t;
            st.Fields.Add(new P.DataType.Types.StructField { Name = field?.Name ?? $"col{i + 1}", DataType = ft, Nullable = true });
            lit.Elements.Add(Coerce(l, ft));
        }
        var dt = new P.DataType { Struct = st };
        lit.StructType = dt;
        return (new P.Expression.Types.Literal { Struct = lit }, dt);
    }
#pragma warning restore CS0612, CS0618

    /// <summary>Protocol data types for literals.</summary>
    internal static class Types
    {
        public static P.DataType Null() => new() { Null = new P.DataType.Types.NULL() };
        public static P.DataType Boolean() => new() { Boolean = new P.DataType.Types.Boolean() };
        public static P.DataType Byte() => new() { Byte = new P.DataType.Types.Byte() };
        public static P.DataType Short() => new() { Short = new P.DataType.Types.Short() };
        public static P.DataType Integer() => new() { Integer = new P.DataType.Types.Integer() };
        public static P.DataType Long() => new() { Long = new P.DataType.Types.Long() };
        public static P.DataType Float() => new() { Float = new P.DataType.Types.Float() };
        public static P.DataType Double() => new() { Double = new P.DataType.Types.Double() };
        public static P.DataType String() => new() { String = new P.DataType.Types.String() };
        public static P.DataType Binary() => new() { Binary = new P.DataType.Types.Binary() };
        public static P.DataType Date() => new() { Date = new P.DataType.Types.Date() };
        public static P.DataType Timestamp() => new() { Timestamp = new P.DataType.Types.Timestamp() };
        public static P.DataType TimestampNtz() => new() { TimestampNtz = new P.DataType.Types.TimestampNTZ() };
    }

    /// <summary>Spark's text for option values: booleans lower case, numbers in the invariant culture.</summary>
    public static string OptionText(object? value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "An option value cannot be null."),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A backtick-quoted identifier part when it needs quoting.</summary>
    public static string QuoteIfNeeded(string name)
    {
        if (name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return name;
        var sb = new StringBuilder("`");
        foreach (var c in name) sb.Append(c == '`' ? "``" : c.ToString());
        return sb.Append('`').ToString();
    }
}

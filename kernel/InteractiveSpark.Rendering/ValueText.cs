using System.Collections;
using System.Data.SqlTypes;
using System.Globalization;
using System.Numerics;
using System.Text;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering;

/// <summary>
/// Culture-invariant text for the values a Spark result holds: numbers in full precision (<c>1234.5</c>, <c>NaN</c>),
/// timestamps as <c>2026-11-01 08:30:00.25Z</c> (an instant, in UTC) or without the Z (timestamp_ntz), nested values
/// readable (<c>[1, 2]</c>, <c>{a -> 1}</c>, <c>{x: 1, y: null}</c>), binary as hex, null as <c>null</c>.
/// </summary>
public static class ValueText
{
    /// <summary>The value as text.</summary>
    public static string Format(object? value)
    {
        if (value is string s)
        {
            return s;
        }

        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    /// <summary>Whether values of <paramref name="type"/> are numbers (right-aligned in tables).</summary>
    public static bool IsNumeric(DataType type) =>
        type is ByteType or ShortType or IntegerType or LongType or FloatType or DoubleType or DecimalType;

    /// <summary>Appends the value as text.</summary>
    public static void Append(StringBuilder sb, object? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: sb.Append(s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case int i: sb.Append(i); break;
            case long l: sb.Append(l); break;
            case double d: AppendDouble(sb, d); break;
            case float f: AppendFloat(sb, f); break;
            case decimal m: sb.Append(m.ToString(CultureInfo.InvariantCulture)); break;
            case SqlDecimal sd: sb.Append(sd.ToString()); break;
            case BigInteger bi: sb.Append(bi.ToString(CultureInfo.InvariantCulture)); break;
            case byte[] bytes: AppendBytes(sb, bytes); break;
            case DateOnly date: sb.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto: AppendDateTime(sb, dto.UtcDateTime); sb.Append('Z'); break;
            case DateTime dt:
                AppendDateTime(sb, dt);
                if (dt.Kind == DateTimeKind.Utc)
                {
                    sb.Append('Z');
                }

                break;
            case TimeOnly t:
                sb.Append(t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case TimeSpan ts: sb.Append(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case Row row:
                sb.Append('{');
                for (var i = 0; i < row.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    sb.Append(row.Schema[i].Name).Append(": ");
                    Append(sb, row[i]);
                }

                sb.Append('}');
                break;
            case IReadOnlyDictionary<object, object?> map:
                {
                    sb.Append('{');
                    var first = true;
                    foreach (var (k, v) in map)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }

                        first = false;
                        Append(sb, k);
                        sb.Append(" -> ");
                        Append(sb, v);
                    }

                    sb.Append('}');
                    break;
                }

            case IEnumerable list:
                {
                    sb.Append('[');
                    var first = true;
                    foreach (var item in list)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }

                        first = false;
                        Append(sb, item);
                    }

                    sb.Append(']');
                    break;
                }

            case IFormattable formattable: sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture)); break;
            default: sb.Append(value.ToString()); break;
        }
    }

    private static void AppendDouble(StringBuilder sb, double d)
    {
        if (double.IsNaN(d))
        {
            sb.Append("NaN");
        }
        else if (double.IsInfinity(d))
        {
            sb.Append(d > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            // Spark's style: a whole double still reads as a double (186750.0, not 186750).
            var text = d.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(text);
            if (text.AsSpan().IndexOfAny('.', 'E') < 0)
            {
                sb.Append(".0");
            }
        }
    }

    private static void AppendFloat(StringBuilder sb, float f)
    {
        if (float.IsNaN(f))
        {
            sb.Append("NaN");
        }
        else if (float.IsInfinity(f))
        {
            sb.Append(f > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            var text = f.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(text);
            if (text.AsSpan().IndexOfAny('.', 'E') < 0)
            {
                sb.Append(".0");
            }
        }
    }

    private static void AppendBytes(StringBuilder sb, byte[] bytes)
    {
        const int shown = 32;
        sb.Append("0x");
        for (var i = 0; i < Math.Min(bytes.Length, shown); i++)
        {
            sb.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
        }

        if (bytes.Length > shown)
        {
            sb.Append("… (").Append(bytes.Length).Append(" bytes)");
        }
    }

    private static void AppendDateTime(StringBuilder sb, DateTime dt) =>
        sb.Append(dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
}

/// <summary>HTML escaping of text, for every value and name a rendering puts into HTML.</summary>
public static class Html
{
    /// <summary>Appends <paramref name="text"/> with &amp;, &lt;, &gt;, &quot; and &#39; escaped.</summary>
    public static StringBuilder AppendEscaped(this StringBuilder sb, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(sb);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var replacement = text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (replacement is not null)
            {
                sb.Append(text[start..i]).Append(replacement);
                start = i + 1;
            }
        }

        return sb.Append(text[start..]);
    }

    /// <summary><paramref name="text"/> escaped for HTML.</summary>
    public static string Escape(string? text) => text is null ? "" : new StringBuilder(text.Length + 16).AppendEscaped(text).ToString();
}

using System.Globalization;
using System.Text;

namespace InteractiveSpark.SparkConnect;

/// <summary>Culture-invariant text for decoded values (Spark <c>show</c> style for nested values).</summary>
internal static class ValueFormatter
{
    public static string Format(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case string s: sb.Append(s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f: sb.Append(f.ToString("R", CultureInfo.InvariantCulture)); break;
            case byte[] bytes:
                sb.Append('[');
                for (int i = 0; i < bytes.Length; i++)
                {
                    if (i > 0) sb.Append(' ');
                    sb.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
                }
                sb.Append(']');
                break;
            case DateOnly date: sb.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto:
                AppendDateTime(sb, dto.UtcDateTime);
                sb.Append('Z');
                break;
            case DateTime dt: AppendDateTime(sb, dt); break;
            case TimeOnly t:
                sb.Append(t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case TimeSpan ts: sb.Append(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case Row row:
                sb.Append('{');
                for (int i = 0; i < row.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, row[i]);
                }
                sb.Append('}');
                break;
            case IReadOnlyDictionary<object, object?> map:
                {
                    sb.Append('{');
                    bool first = true;
                    foreach (var kv in map)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        Append(sb, kv.Key);
                        sb.Append(" -> ");
                        Append(sb, kv.Value);
                    }
                    sb.Append('}');
                    break;
                }
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, list[i]);
                }
                sb.Append(']');
                break;
            case IFormattable formattable: sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture)); break;
            default: sb.Append(value.ToString()); break;
        }
    }

    private static void AppendDateTime(StringBuilder sb, DateTime dt) =>
        sb.Append(dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
}

using System.Globalization;
using System.Text;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A value of Spark's <c>interval</c> type (<see cref="CalendarIntervalType"/>): months, days and microseconds,
/// kept apart because a month has no fixed number of days nor a day a fixed number of microseconds.
/// </summary>
/// <param name="Months">Whole months (years are 12 months).</param>
/// <param name="Days">Whole days.</param>
/// <param name="Microseconds">Microseconds (hours, minutes, seconds and fractions of seconds).</param>
public readonly record struct CalendarInterval(int Months, int Days, long Microseconds)
{
    private const long MicrosPerHour = 3_600_000_000L;
    private const long MicrosPerMinute = 60_000_000L;

    /// <summary>
    /// Spark's text for the interval, e.g. <c>1 years 2 months 25 days 5 hours 6 minutes 7.000008 seconds</c>,
    /// <c>0 seconds</c> when every part is zero (exactly what Spark's <c>CAST(interval AS STRING)</c> gives).
    /// </summary>
    public override string ToString()
    {
        if (Months == 0 && Days == 0 && Microseconds == 0) return "0 seconds";
        var sb = new StringBuilder();
        if (Months != 0)
        {
            AppendUnit(sb, Months / 12, "years");
            AppendUnit(sb, Months % 12, "months");
        }
        AppendUnit(sb, Days, "days");
        if (Microseconds != 0)
        {
            long rest = Microseconds;
            AppendUnit(sb, rest / MicrosPerHour, "hours");
            rest %= MicrosPerHour;
            AppendUnit(sb, rest / MicrosPerMinute, "minutes");
            rest %= MicrosPerMinute;
            if (rest != 0)
            {
                // BigDecimal.valueOf(rest, 6).stripTrailingZeros().toPlainString()
                if (rest < 0) sb.Append('-');
                ulong abs = (ulong)Math.Abs(rest);
                sb.Append((abs / 1_000_000).ToString(CultureInfo.InvariantCulture));
                ulong frac = abs % 1_000_000;
                if (frac != 0) sb.Append('.').Append(frac.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0'));
                sb.Append(" seconds ");
            }
        }
        sb.Length--;
        return sb.ToString();
    }

    private static void AppendUnit(StringBuilder sb, long value, string unit)
    {
        if (value != 0) sb.Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(unit).Append(' ');
    }
}

/// <summary>
/// A value of Spark's ANSI <c>interval year to month</c> family (<see cref="YearMonthIntervalType"/>):
/// a signed whole number of months.
/// </summary>
/// <param name="TotalMonths">The interval in months (years count as 12 months).</param>
public readonly record struct YearMonthInterval(int TotalMonths)
{
    /// <summary>An interval of <paramref name="years"/> years and <paramref name="months"/> months.</summary>
    public static YearMonthInterval FromYearsMonths(int years, int months) => new(checked(years * 12 + months));

    /// <summary>The whole years (truncated toward zero; negative for a negative interval).</summary>
    public int Years => TotalMonths / 12;

    /// <summary>The months beyond the whole years (-11 to 11, same sign as the interval).</summary>
    public int Months => TotalMonths % 12;

    /// <summary>Spark's ANSI text for <c>interval year to month</c>, e.g. <c>INTERVAL '1-2' YEAR TO MONTH</c>.</summary>
    public override string ToString() => ToString(YearMonthIntervalField.Year, YearMonthIntervalField.Month);

    /// <summary>
    /// Spark's ANSI text for the interval as the given type, e.g. <c>INTERVAL '14' MONTH</c> for
    /// <c>interval month</c>, exactly as Spark's <c>CAST(... AS STRING)</c>.
    /// </summary>
    public string ToString(YearMonthIntervalField startField, YearMonthIntervalField endField)
    {
        string sign = TotalMonths < 0 ? "-" : "";
        long abs = Math.Abs((long)TotalMonths);
        string year = sign + (abs / 12).ToString(CultureInfo.InvariantCulture);
        if (startField == endField)
        {
            return startField == YearMonthIntervalField.Year
                ? $"INTERVAL '{year}' YEAR"
                : $"INTERVAL '{TotalMonths.ToString(CultureInfo.InvariantCulture)}' MONTH";
        }
        return $"INTERVAL '{year}-{(abs % 12).ToString(CultureInfo.InvariantCulture)}' YEAR TO MONTH";
    }
}

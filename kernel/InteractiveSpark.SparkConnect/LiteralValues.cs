using System.Globalization;
using L = Spark.Connect.Expression.Types.Literal;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Turns protocol literals the server sends (observed metrics) into the .NET values a <see cref="Row"/> gives for the same
/// Spark types.
/// </summary>
internal static class LiteralValues
{
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static object? ToValue(L literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.LiteralTypeCase switch
        {
            L.LiteralTypeOneofCase.None or L.LiteralTypeOneofCase.Null => null,
            L.LiteralTypeOneofCase.Binary => literal.Binary.ToByteArray(),
            L.LiteralTypeOneofCase.Boolean => literal.Boolean,
            L.LiteralTypeOneofCase.Byte => (sbyte)literal.Byte,
            L.LiteralTypeOneofCase.Short => (short)literal.Short,
            L.LiteralTypeOneofCase.Integer => literal.Integer,
            L.LiteralTypeOneofCase.Long => literal.Long,
            L.LiteralTypeOneofCase.Float => literal.Float,
            L.LiteralTypeOneofCase.Double => literal.Double,
            L.LiteralTypeOneofCase.Decimal => Decimal(literal.Decimal.Value),
            L.LiteralTypeOneofCase.String => literal.String,
            L.LiteralTypeOneofCase.Date => DateOnly.FromDayNumber(EpochDayNumber + literal.Date),
            L.LiteralTypeOneofCase.Timestamp => new DateTimeOffset(DateTime.UnixEpoch.Ticks + (literal.Timestamp * 10), TimeSpan.Zero),
            L.LiteralTypeOneofCase.TimestampNtz => new DateTime(DateTime.UnixEpoch.Ticks + (literal.TimestampNtz * 10), DateTimeKind.Unspecified),
            L.LiteralTypeOneofCase.CalendarInterval => new CalendarInterval(
                literal.CalendarInterval.Months, literal.CalendarInterval.Days, literal.CalendarInterval.Microseconds),
            L.LiteralTypeOneofCase.YearMonthInterval => new YearMonthInterval(literal.YearMonthInterval),
            L.LiteralTypeOneofCase.DayTimeInterval => TimeSpan.FromTicks(literal.DayTimeInterval * 10),
            L.LiteralTypeOneofCase.Time => new TimeOnly(literal.Time.Nano / 100),
            L.LiteralTypeOneofCase.Array => literal.Array.Elements.Select(ToValue).ToArray(),
            L.LiteralTypeOneofCase.Struct => literal.Struct.Elements.Select(ToValue).ToArray(),
            L.LiteralTypeOneofCase.Map => literal.Map.Keys.Zip(literal.Map.Values)
                .ToDictionary(kv => ToValue(kv.First) ?? throw new InvalidOperationException("A map key of an observed metric is null."), kv => ToValue(kv.Second)),
            _ => throw new NotSupportedException($"A literal of kind {literal.LiteralTypeCase} from the server is not supported."),
        };
    }

    private static object Decimal(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : System.Data.SqlTypes.SqlDecimal.Parse(text);
}

using System.Collections;
using System.Data.SqlTypes;
using System.Globalization;

namespace InteractiveSpark.SparkConnect;

/// <summary>Conversions behind <see cref="Row.Get{T}(int)"/>.</summary>
internal static class ValueConversion
{
    public static T To<T>(object? value, Func<string> where)
    {
        if (value is T t) return t;
        if (value is null)
        {
            if (default(T) is null) return default!;
            throw new InvalidCastException($"The value of {where()} is null and {typeof(T).Name} cannot hold null; ask for {typeof(T).Name}? instead.");
        }
        return (T)Convert(value, typeof(T), where)!;
    }

    public static object? Convert(object? value, Type target, Func<string> where)
    {
        if (value is null)
        {
            if (!target.IsValueType || Nullable.GetUnderlyingType(target) is not null) return null;
            throw new InvalidCastException($"The value of {where()} is null and {target.Name} cannot hold null.");
        }
        if (target.IsInstanceOfType(value)) return value;
        var u = Nullable.GetUnderlyingType(target) ?? target;
        if (u.IsInstanceOfType(value)) return value;
        try
        {
            switch (value)
            {
                case SqlDecimal sd:
                    if (u == typeof(decimal)) return sd.Value;
                    if (u == typeof(double)) return sd.ToDouble();
                    if (u == typeof(string)) return sd.ToString();
                    if (u.IsPrimitive) return System.Convert.ChangeType(sd.Value, u, CultureInfo.InvariantCulture);
                    break;
                case decimal d when u == typeof(SqlDecimal):
                    return new SqlDecimal(d);
                case DateTimeOffset dto when u == typeof(DateTime):
                    return dto.UtcDateTime;
                case DateTime dt when u == typeof(DateTimeOffset):
                    return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
                case YearMonthInterval ym when u == typeof(int):
                    return ym.TotalMonths;
                case IReadOnlyDictionary<object, object?> map when u.IsGenericType && IsDictionaryTarget(u):
                    return ConvertMap(map, u, where);
                case IReadOnlyList<object?> list when u.IsArray || (u.IsGenericType && IsListTarget(u)):
                    return ConvertList(list, u, where);
            }
            if (value is IConvertible && (u.IsPrimitive || u == typeof(decimal) || u == typeof(string)))
                return System.Convert.ChangeType(value, u, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or FormatException or SqlNullValueException)
        {
            throw new InvalidCastException($"The value of {where()} ({value.GetType().Name}) cannot be converted to {target.Name}: {e.Message}", e);
        }
        throw new InvalidCastException($"The value of {where()} is a {value.GetType().Name}, not convertible to {target.Name}.");
    }

    private static bool IsListTarget(Type t)
    {
        var g = t.GetGenericTypeDefinition();
        return g == typeof(List<>) || g == typeof(IReadOnlyList<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>)
            || g == typeof(IReadOnlyCollection<>) || g == typeof(ICollection<>);
    }

    private static bool IsDictionaryTarget(Type t)
    {
        var g = t.GetGenericTypeDefinition();
        return g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>) || g == typeof(IDictionary<,>);
    }

    private static object ConvertList(IReadOnlyList<object?> list, Type target, Func<string> where)
    {
        var elementType = target.IsArray ? target.GetElementType()! : target.GetGenericArguments()[0];
        var array = System.Array.CreateInstance(elementType, list.Count);
        for (int i = 0; i < list.Count; i++) array.SetValue(Convert(list[i], elementType, where), i);
        if (target.IsArray || target.GetGenericTypeDefinition() != typeof(List<>) && target.IsAssignableFrom(array.GetType())) return array;
        return Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType), array)!;
    }

    private static object ConvertMap(IReadOnlyDictionary<object, object?> map, Type target, Func<string> where)
    {
        var args = target.GetGenericArguments();
        var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
        foreach (var kv in map) dict[Convert(kv.Key, args[0], where)!] = Convert(kv.Value, args[1], where);
        return dict;
    }
}

using System.Collections;
using System.Reflection;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The Spark schema of a .NET type for <c>CreateDataFrameAsync&lt;T&gt;</c>: one field per public instance property or field
/// (in declaration order), typed as PySpark infers from Python values: numbers as their own width, <c>decimal</c> as
/// <c>decimal(38,18)</c>, <c>DateTime</c>/<c>DateTimeOffset</c> as <c>timestamp</c>, collections as arrays, dictionaries as
/// maps, other classes and structs as nested structs. Value types are non-nullable unless <see cref="Nullable{T}"/>.
/// </summary>
internal static class ClrSchema
{
    /// <summary>The public members read from each object, in the order of the schema's fields.</summary>
    public static IReadOnlyList<MemberInfo> Members(Type type)
    {
        var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is PropertyInfo { CanRead: true } p && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic
                        || m is FieldInfo)
            .OrderBy(m => m.MetadataToken)
            .ToList();
        // A record's compiler-made EqualityContract is protected, so it is not here; nothing else to drop.
        return members;
    }

    public static Type MemberType(MemberInfo m) => m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType;

    /// <summary>The schema of <paramref name="type"/>'s public members; throws one line naming the first member that has no Spark type.</summary>
    public static StructType Of(Type type)
    {
        var schema = StructOf(type, type.Name, []);
        if (schema.Count == 0)
            throw new ArgumentException($"CreateDataFrame: {type.Name} has no public properties or fields to make columns of; pass a schema.");
        return schema;
    }

    /// <summary>The Spark type of a column of CLR type <paramref name="type"/> (a DataTable column); null if it has none.</summary>
    public static (DataType Type, bool Nullable)? TryColumn(Type type)
    {
        try
        {
            return Infer(type, type.Name, []);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static StructType StructOf(Type type, string path, HashSet<Type> open)
    {
        if (!open.Add(type))
            throw new ArgumentException($"CreateDataFrame: {path} refers back to {type.Name}; a recursive type has no Spark schema, pass one.");
        try
        {
            return new StructType(Members(type).Select(m =>
            {
                var (t, nullable) = Infer(MemberType(m), $"{path}.{m.Name}", open);
                return new StructField(m.Name, t, nullable);
            }));
        }
        finally
        {
            open.Remove(type);
        }
    }

    private static (DataType Type, bool Nullable) Infer(Type type, string path, HashSet<Type> open)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return (Infer(inner, path, open).Type, true);
        DataType? simple = type switch
        {
            _ when type == typeof(bool) => BooleanType.Instance,
            _ when type == typeof(sbyte) => ByteType.Instance,
            _ when type == typeof(short) => ShortType.Instance,
            _ when type == typeof(int) => IntegerType.Instance,
            _ when type == typeof(long) => LongType.Instance,
            _ when type == typeof(float) => FloatType.Instance,
            _ when type == typeof(double) => DoubleType.Instance,
            _ when type == typeof(decimal) => new DecimalType(38, 18),
            _ when type == typeof(string) => StringType.Instance,
            _ when type == typeof(byte[]) => BinaryType.Instance,
            _ when type == typeof(DateOnly) => DateType.Instance,
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => TimestampType.Instance,
            _ when type == typeof(TimeOnly) => new TimeType(6),
            _ => null,
        };
        if (simple is not null) return (simple, !type.IsValueType);

        if (Dictionary(type) is { } kv)
            return (new MapType(Infer(kv.Key, path + " key", open).Type, Infer(kv.Value, path + " value", open).Type), true);
        if (Element(type) is { } element)
        {
            var (t, nullable) = Infer(element, path + " element", open);
            return (new ArrayType(t, nullable), true);
        }
        if ((type.IsClass || type.IsValueType && !type.IsPrimitive && !type.IsEnum) && type != typeof(object)
            && !typeof(IEnumerable).IsAssignableFrom(type) && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
        {
            var s = StructOf(type, path, open);
            if (s.Count > 0) return (s, !type.IsValueType);
        }

        throw new ArgumentException(
            $"CreateDataFrame: {path} is a {Name(type)}, which has no Spark type; use bool, a signed integer, float, double, decimal, string, " +
            "byte[], DateOnly, DateTime, DateTimeOffset, TimeOnly, an array, list or dictionary of those, or a class of them, or pass a schema.");
    }

    /// <summary>The key and value types of a dictionary type, or null.</summary>
    internal static (Type Key, Type Value)? Dictionary(Type type)
    {
        var d = type.IsGenericType && type.GetGenericTypeDefinition() is var g
                && (g == typeof(IDictionary<,>) || g == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
              ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        return d is null ? null : (d.GetGenericArguments()[0], d.GetGenericArguments()[1]);
    }

    /// <summary>The element type of an array or collection type (not string, not byte[]), or null.</summary>
    internal static Type? Element(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[])) return null;
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return type.GetGenericArguments()[0];
        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static string Name(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>" : t.Name;
}

using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Apache.Arrow;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Turns .NET objects into Arrow record batches, one column per field of the schema, each read from the public property
/// or field of that name. A member whose type is the field's own (<c>long</c> for <c>bigint</c>, <c>double</c>,
/// <c>string</c>, ...) is appended straight to its Arrow builder through a compiled getter (no boxing); any other goes
/// through <see cref="LocalArrow"/>'s value conversions, as rows do, so both ways accept and refuse the same values.
/// </summary>
internal sealed class ObjectColumns<T>
{
    private readonly Func<IReadOnlyList<T>, IArrowArray>[] _columns;

    public ObjectColumns(StructType? schema)
    {
        Schema = schema ?? ClrSchema.Of(typeof(T));
        ArrowSchema = LocalArrow.Schema(Schema);
        _columns = Schema.Fields.Select(f => Column(Member(typeof(T), f.Name), f)).ToArray();
    }

    public StructType Schema { get; }

    public Schema ArrowSchema { get; }

    /// <summary>The objects as record batches of at most <paramref name="rowsPerBatch"/> rows each, made as they are enumerated.</summary>
    public IEnumerable<RecordBatch> Batches(IEnumerable<T> items, int rowsPerBatch)
    {
        foreach (var group in items.Chunk(rowsPerBatch))
        {
            for (int i = 0; i < group.Length; i++)
            {
                if (group[i] is null)
                    throw new ArgumentException($"CreateDataFrame: item {i} of a batch is null; every item must be an object (its members are the row).");
            }
            yield return new RecordBatch(ArrowSchema, _columns.Select(c => c(group)), group.Length);
        }
    }

    private static MemberInfo Member(Type type, string name)
    {
        var members = ClrSchema.Members(type);
        return members.FirstOrDefault(m => m.Name == name)
               ?? members.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"CreateDataFrame: the schema's field '{name}' has no public property or field of that name in {type.Name}.");
    }

    private static Func<IReadOnlyList<T>, IArrowArray> Column(MemberInfo member, StructField field)
    {
        var memberType = ClrSchema.MemberType(member);
        switch (field.DataType)
        {
            case LongType when memberType == typeof(long): return Primitive<long, Int64Array, Int64Array.Builder>(Getter<long>(member), () => new Int64Array.Builder());
            case LongType when memberType == typeof(long?): return Nullable<long, Int64Array, Int64Array.Builder>(Getter<long?>(member), () => new Int64Array.Builder());
            case IntegerType when memberType == typeof(int): return Primitive<int, Int32Array, Int32Array.Builder>(Getter<int>(member), () => new Int32Array.Builder());
            case IntegerType when memberType == typeof(int?): return Nullable<int, Int32Array, Int32Array.Builder>(Getter<int?>(member), () => new Int32Array.Builder());
            case ShortType when memberType == typeof(short): return Primitive<short, Int16Array, Int16Array.Builder>(Getter<short>(member), () => new Int16Array.Builder());
            case ByteType when memberType == typeof(sbyte): return Primitive<sbyte, Int8Array, Int8Array.Builder>(Getter<sbyte>(member), () => new Int8Array.Builder());
            case DoubleType when memberType == typeof(double): return Primitive<double, DoubleArray, DoubleArray.Builder>(Getter<double>(member), () => new DoubleArray.Builder());
            case DoubleType when memberType == typeof(double?): return Nullable<double, DoubleArray, DoubleArray.Builder>(Getter<double?>(member), () => new DoubleArray.Builder());
            case FloatType when memberType == typeof(float): return Primitive<float, FloatArray, FloatArray.Builder>(Getter<float>(member), () => new FloatArray.Builder());
            case StringType when memberType == typeof(string):
                {
                    var get = Getter<string?>(member);
                    return items =>
                    {
                        var b = new StringArray.Builder();
                        foreach (var item in items)
                        {
                            if (get(item) is { } s) b.Append(s);
                            else b.AppendNull();
                        }
                        return b.Build();
                    };
                }
            default:
                {
                    var get = Getter<object?>(member);
                    var convert = Converter(memberType, field.DataType);
                    var where = $"{typeof(T).Name}.{member.Name}";
                    return items =>
                    {
                        var values = new object?[items.Count];
                        for (int i = 0; i < values.Length; i++) values[i] = convert(get(items[i]));
                        return LocalArrow.Build(field.DataType, values, where);
                    };
                }
        }
    }

    private static Func<IReadOnlyList<T>, IArrowArray> Primitive<TValue, TArray, TBuilder>(Func<T, TValue> get, Func<TBuilder> make)
        where TValue : struct
        where TArray : IArrowArray
        where TBuilder : PrimitiveArrayBuilder<TValue, TArray, TBuilder> =>
        items =>
        {
            var b = make();
            b.Reserve(items.Count);
            foreach (var item in items) b.Append(get(item));
            return b.Build();
        };

    private static Func<IReadOnlyList<T>, IArrowArray> Nullable<TValue, TArray, TBuilder>(Func<T, TValue?> get, Func<TBuilder> make)
        where TValue : struct
        where TArray : IArrowArray
        where TBuilder : PrimitiveArrayBuilder<TValue, TArray, TBuilder> =>
        items =>
        {
            var b = make();
            b.Reserve(items.Count);
            foreach (var item in items)
            {
                if (get(item) is { } v) b.Append(v);
                else b.AppendNull();
            }
            return b.Build();
        };

    private static Func<T, TValue> Getter<TValue>(MemberInfo member)
    {
        var item = Expression.Parameter(typeof(T), "item");
        Expression access = Expression.MakeMemberAccess(item, member);
        if (access.Type != typeof(TValue)) access = Expression.Convert(access, typeof(TValue));
        return Expression.Lambda<Func<T, TValue>>(access, item).Compile();
    }

    /// <summary>
    /// What turns a member's value into what <see cref="LocalArrow"/> takes for <paramref name="type"/>: objects of a nested
    /// class become the list of their members' values (recursively, also inside arrays and maps); anything else passes as is.
    /// </summary>
    private static Func<object?, object?> Converter(Type clrType, DataType type)
    {
        clrType = System.Nullable.GetUnderlyingType(clrType) ?? clrType;
        switch (type)
        {
            case StructType s when !typeof(IEnumerable).IsAssignableFrom(clrType) && clrType != typeof(object):
                {
                    var parts = s.Fields.Select(f =>
                    {
                        var m = Member(clrType, f.Name);
                        var read = BoxedGetter(clrType, m);
                        var inner = Converter(ClrSchema.MemberType(m), f.DataType);
                        return (Func<object, object?>)(o => inner(read(o)));
                    }).ToArray();
                    return v => v is null ? null : parts.Select(p => p(v)).ToArray();
                }
            case ArrayType a when ClrSchema.Element(clrType) is { } element && NeedsConversion(element, a.ElementType):
                {
                    var inner = Converter(element, a.ElementType);
                    return v => v is null ? null : ((IEnumerable)v).Cast<object?>().Select(inner).ToList();
                }
            case MapType m when ClrSchema.Dictionary(clrType) is { } kv && (NeedsConversion(kv.Key, m.KeyType) || NeedsConversion(kv.Value, m.ValueType)):
                {
                    var key = Converter(kv.Key, m.KeyType);
                    var value = Converter(kv.Value, m.ValueType);
                    return v => v is null
                        ? null
                        : ((IDictionary)v).Cast<DictionaryEntry>().Select(e => new KeyValuePair<object, object?>(key(e.Key)!, value(e.Value))).ToList();
                }
            default:
                return static v => v;
        }
    }

    private static bool NeedsConversion(Type clrType, DataType type) => type switch
    {
        StructType => !typeof(IEnumerable).IsAssignableFrom(System.Nullable.GetUnderlyingType(clrType) ?? clrType),
        ArrayType a => ClrSchema.Element(clrType) is { } e && NeedsConversion(e, a.ElementType),
        MapType m => ClrSchema.Dictionary(clrType) is { } kv && (NeedsConversion(kv.Key, m.KeyType) || NeedsConversion(kv.Value, m.ValueType)),
        _ => false,
    };

    private static Func<object, object?> BoxedGetter(Type type, MemberInfo member)
    {
        var o = Expression.Parameter(typeof(object), "o");
        var access = Expression.Convert(Expression.MakeMemberAccess(Expression.Convert(o, type), member), typeof(object));
        return Expression.Lambda<Func<object, object?>>(access, o).Compile();
    }
}

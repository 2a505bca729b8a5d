namespace InteractiveSpark.SparkConnect;

/// <summary>Deep, structural equality for decoded values (byte[], arrays, maps and rows by content).</summary>
internal sealed class ValueComparer : IEqualityComparer<object?>
{
    public static ValueComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        switch (x)
        {
            case byte[] bx:
                return y is byte[] by && bx.AsSpan().SequenceEqual(by);
            case Row rx:
                return y is Row ry && rx.Equals(ry);
            case IReadOnlyDictionary<object, object?> mx:
                {
                    if (y is not IReadOnlyDictionary<object, object?> my || mx.Count != my.Count) return false;
                    foreach (var kv in mx)
                    {
                        if (!my.TryGetValue(kv.Key, out var v) || !Equals(kv.Value, v)) return false;
                    }
                    return true;
                }
            case string:
                return x.Equals(y);
            case IReadOnlyList<object?> lx:
                {
                    if (y is not IReadOnlyList<object?> ly || lx.Count != ly.Count) return false;
                    for (int i = 0; i < lx.Count; i++)
                    {
                        if (!Equals(lx[i], ly[i])) return false;
                    }
                    return true;
                }
            default:
                return x.Equals(y);
        }
    }

    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null: return 0;
            case byte[] b:
                {
                    var h = new HashCode();
                    h.AddBytes(b);
                    return h.ToHashCode();
                }
            case Row r: return r.GetHashCode();
            case IReadOnlyDictionary<object, object?> m:
                {
                    int sum = m.Count;
                    foreach (var kv in m) sum += HashCode.Combine(GetHashCode(kv.Key), GetHashCode(kv.Value));
                    return sum;
                }
            case string s: return s.GetHashCode();
            case IReadOnlyList<object?> l:
                {
                    var h = new HashCode();
                    foreach (var e in l) h.Add(GetHashCode(e));
                    return h.ToHashCode();
                }
            default: return obj.GetHashCode();
        }
    }
}

using System.Collections;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A decoded Spark map: entries in the server's order; lookups compare keys by value through
/// <see cref="ValueComparer"/> (so byte[], array and struct keys work).
/// </summary>
internal sealed class OrderedMap : IReadOnlyDictionary<object, object?>, IEquatable<OrderedMap>
{
    private readonly object?[] _keys;
    private readonly object?[] _values;
    private Dictionary<object, int>? _index;

    public OrderedMap(object?[] keys, object?[] values)
    {
        _keys = keys;
        _values = values;
    }

    public int Count => _keys.Length;

    public object? this[object key] =>
        TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The map has no key {ValueFormatter.Format(key)}.");

    public IEnumerable<object> Keys => _keys!;

    public IEnumerable<object?> Values => _values;

    public bool ContainsKey(object key) => IndexOf(key) >= 0;

    public bool TryGetValue(object key, out object? value)
    {
        int i = IndexOf(key);
        value = i >= 0 ? _values[i] : null;
        return i >= 0;
    }

    private int IndexOf(object key)
    {
        if (key is null) return -1;
        if (_keys.Length <= 8)
        {
            // Last one wins, as a Spark map built with LAST_WIN deduplication would.
            for (int i = _keys.Length - 1; i >= 0; i--)
            {
                if (ValueComparer.Instance.Equals(_keys[i], key)) return i;
            }
            return -1;
        }
        var index = _index;
        if (index is null)
        {
            index = new Dictionary<object, int>(_keys.Length, ValueComparer.Instance!);
            for (int i = 0; i < _keys.Length; i++)
            {
                if (_keys[i] is { } k) index[k] = i;
            }
            _index = index;
        }
        return index.TryGetValue(key, out int found) ? found : -1;
    }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator()
    {
        for (int i = 0; i < _keys.Length; i++) yield return new KeyValuePair<object, object?>(_keys[i]!, _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(OrderedMap? other) => other is not null && ValueComparer.Instance.Equals(this, other);

    public override bool Equals(object? obj) => obj is OrderedMap m && Equals(m);

    public override int GetHashCode() => ValueComparer.Instance.GetHashCode(this);

    public override string ToString() => ValueFormatter.Format(this);
}

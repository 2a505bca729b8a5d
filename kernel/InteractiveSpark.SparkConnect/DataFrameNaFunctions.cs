using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>Null and NaN handling for a <see cref="DataFrame"/> (<c>df.Na</c>), as Spark's DataFrameNaFunctions.</summary>
public sealed class DataFrameNaFunctions
{
    private readonly DataFrame _df;

    internal DataFrameNaFunctions(DataFrame df) => _df = df;

    private DataFrame With(Action<P.Relation> fill) => new(_df.Session, DataFrame.NewRelation(_df.Session, fill));

    /// <summary>Spark fills with a long, double, string or boolean: integral values widen to long, others to double.</summary>
    private static P.Expression.Types.Literal FillLiteral(object value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "The fill value cannot be null."),
        bool or string or long or double => Literals.Convert(value).Literal,
        sbyte or byte or short or ushort or int or uint => Literals.Convert(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)).Literal,
        float or decimal or Half => Literals.Convert(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)).Literal,
        _ => throw new ArgumentException($"Fill values must be numbers, strings or booleans, not {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>
    /// Replaces nulls (and NaN, for a number) with <paramref name="value"/> in the named columns, or in every column of
    /// a compatible type when none are named (numbers fill numeric columns, strings string columns, booleans boolean columns).
    /// </summary>
    public DataFrame Fill(object value, params string[] columnNames)
    {
        var lit = FillLiteral(value);
        return With(r =>
        {
            r.FillNa = new P.NAFill { Input = _df.Relation };
            r.FillNa.Cols.AddRange(columnNames);
            r.FillNa.Values.Add(lit);
        });
    }

    /// <summary>Replaces nulls per column: column name to fill value.</summary>
    public DataFrame Fill(IReadOnlyDictionary<string, object> valuesByColumn)
    {
        ArgumentNullException.ThrowIfNull(valuesByColumn);
        if (valuesByColumn.Count == 0) throw new ArgumentException("At least one column is required.", nameof(valuesByColumn));
        return With(r =>
        {
            r.FillNa = new P.NAFill { Input = _df.Relation };
            foreach (var (col, v) in valuesByColumn)
            {
                r.FillNa.Cols.Add(col);
                r.FillNa.Values.Add(FillLiteral(v));
            }
        });
    }

    private DataFrame DropCore(int? minNonNulls, IEnumerable<string>? columnNames) => With(r =>
    {
        r.DropNa = new P.NADrop { Input = _df.Relation };
        if (columnNames is not null) r.DropNa.Cols.AddRange(columnNames);
        if (minNonNulls is { } m) r.DropNa.MinNonNulls = m;
    });

    private static int? MinNonNullsFor(string how) => how?.Trim().ToLowerInvariant() switch
    {
        "any" => null, // unset: every column must be non-null
        "all" => 1,
        _ => throw new ArgumentException($"how must be 'any' or 'all', not '{how}'.", nameof(how)),
    };

    /// <summary>Drops rows with a null or NaN in any column.</summary>
    public DataFrame Drop() => DropCore(null, null);

    /// <summary>Drops rows with a null or NaN in any column (<paramref name="how"/> = <c>any</c>) or in every column (<c>all</c>).</summary>
    public DataFrame Drop(string how) => DropCore(MinNonNullsFor(how), null);

    /// <summary>Drops rows with a null or NaN in any (<c>any</c>) or all (<c>all</c>) of the named columns.</summary>
    public DataFrame Drop(string how, IEnumerable<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        return DropCore(MinNonNullsFor(how), columnNames);
    }

    /// <summary>Drops rows with a null or NaN in any of the named columns.</summary>
    public DataFrame Drop(IEnumerable<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        return DropCore(null, columnNames);
    }

    /// <summary>Drops rows with fewer than <paramref name="minNonNulls"/> values that are neither null nor NaN.</summary>
    public DataFrame Drop(int minNonNulls) => DropCore(minNonNulls, null);

    /// <summary>Drops rows with fewer than <paramref name="minNonNulls"/> non-null, non-NaN values among the named columns.</summary>
    public DataFrame Drop(int minNonNulls, IEnumerable<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        return DropCore(minNonNulls, columnNames);
    }

    /// <summary>
    /// PySpark's form: <paramref name="how"/> <c>any</c> or <c>all</c>; <paramref name="thresh"/>, when given, wins (rows with
    /// fewer non-null values are dropped); among <paramref name="columnNames"/> (all columns when null or empty).
    /// </summary>
    internal DataFrame Drop(string how, int? thresh, IEnumerable<string>? columnNames)
    {
        var min = MinNonNullsFor(how);
        return DropCore(thresh ?? min, columnNames);
    }

    /// <summary>
    /// Replaces values equal to <paramref name="oldValue"/> with <paramref name="newValue"/> (numbers, strings, booleans or
    /// null) in the named columns, or in every column of a compatible type when none are named.
    /// </summary>
    public DataFrame Replace(object? oldValue, object? newValue, params string[] columnNames) =>
        Replace(new[] { KeyValuePair.Create(oldValue, newValue) }, columnNames);

    /// <summary>Replaces each key with its value, in the named columns (all compatible columns when none).</summary>
    public DataFrame Replace<T>(IReadOnlyDictionary<T, T> replacements, params string[] columnNames) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(replacements);
        return Replace(replacements.Select(kv => KeyValuePair.Create<object?, object?>(kv.Key, kv.Value)), columnNames);
    }

    private DataFrame Replace(IEnumerable<KeyValuePair<object?, object?>> pairs, string[] columnNames) => With(r =>
    {
        r.Replace = new P.NAReplace { Input = _df.Relation };
        r.Replace.Cols.AddRange(columnNames);
        foreach (var (from, to) in pairs)
        {
            r.Replace.Replacements.Add(new P.NAReplace.Types.Replacement
            {
                OldValue = Literals.Convert(from).Literal,
                NewValue = Literals.Convert(to).Literal,
            });
        }
    });
}

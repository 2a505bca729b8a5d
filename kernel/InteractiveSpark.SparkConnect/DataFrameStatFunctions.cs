using System.Collections;
using System.Globalization;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>Statistics of a <see cref="DataFrame"/> (<c>df.Stat</c>), as Spark's DataFrameStatFunctions.</summary>
public sealed class DataFrameStatFunctions
{
    private readonly DataFrame _df;

    internal DataFrameStatFunctions(DataFrame df) => _df = df;

    private DataFrame With(Action<P.Relation> fill) => new(_df.Session, DataFrame.NewRelation(_df.Session, fill));

    private static async Task<double> SingleDoubleAsync(DataFrame df, CancellationToken ct)
    {
        var rows = await df.CollectAsync(ct).ConfigureAwait(false);
        return rows.Count == 0 || rows[0][0] is null ? double.NaN : Convert.ToDouble(rows[0][0], CultureInfo.InvariantCulture);
    }

    /// <summary>Pearson correlation of two numeric columns.</summary>
    public Task<double> CorrAsync(string column1, string column2, CancellationToken cancellationToken = default) =>
        SingleDoubleAsync(With(r => r.Corr = new P.StatCorr { Input = _df.Relation, Col1 = column1, Col2 = column2, Method = "pearson" }), cancellationToken);

    /// <summary>Sample covariance of two numeric columns.</summary>
    public Task<double> CovAsync(string column1, string column2, CancellationToken cancellationToken = default) =>
        SingleDoubleAsync(With(r => r.Cov = new P.StatCov { Input = _df.Relation, Col1 = column1, Col2 = column2 }), cancellationToken);

    /// <summary>A contingency table: one row per value of <paramref name="column1"/>, one column per value of <paramref name="column2"/>.</summary>
    public DataFrame Crosstab(string column1, string column2) =>
        With(r => r.Crosstab = new P.StatCrosstab { Input = _df.Relation, Col1 = column1, Col2 = column2 });

    /// <summary>Items appearing in at least <paramref name="support"/> of the rows, per column (approximate, may include false positives).</summary>
    public DataFrame FreqItems(string[] columnNames, double support = 0.01) => With(r =>
    {
        r.FreqItems = new P.StatFreqItems { Input = _df.Relation, Support = support };
        r.FreqItems.Cols.AddRange(columnNames);
    });

    /// <summary>
    /// Approximate quantiles of numeric columns (Greenwald-Khanna, within <paramref name="relativeError"/>; 0 is exact and
    /// costly): one array per column, one value per probability.
    /// </summary>
    public async Task<double[][]> ApproxQuantileAsync(string[] columnNames, double[] probabilities, double relativeError,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(probabilities);
        var df = With(r =>
        {
            r.ApproxQuantile = new P.StatApproxQuantile { Input = _df.Relation, RelativeError = relativeError };
            r.ApproxQuantile.Cols.AddRange(columnNames);
            r.ApproxQuantile.Probabilities.AddRange(probabilities);
        });
        var rows = await df.CollectAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0 || rows[0][0] is not IEnumerable outer) return [];
        return outer.Cast<object?>()
            .Select(inner => inner is IEnumerable e
                ? e.Cast<object?>().Select(v => v is null ? double.NaN : Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray()
                : [])
            .ToArray();
    }

    /// <summary>Approximate quantiles of one numeric column.</summary>
    public async Task<double[]> ApproxQuantileAsync(string columnName, double[] probabilities, double relativeError,
        CancellationToken cancellationToken = default) =>
        (await ApproxQuantileAsync([columnName], probabilities, relativeError, cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : [];

    /// <summary>A stratified sample: rows with stratum value <c>k</c> of <paramref name="column"/> are kept with probability <c>fractions[k]</c> (0 for others).</summary>
    public DataFrame SampleBy<T>(Column column, IReadOnlyDictionary<T, double> fractions, long? seed = null) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(fractions);
        return With(r =>
        {
            r.SampleBy = new P.StatSampleBy { Input = _df.Relation, Col = column.Expression };
            foreach (var (k, f) in fractions)
                r.SampleBy.Fractions.Add(new P.StatSampleBy.Types.Fraction { Stratum = Literals.Convert(k).Literal, Fraction_ = f });
            if (seed is { } s) r.SampleBy.Seed = s;
        });
    }

    /// <summary>A stratified sample by the named column.</summary>
    public DataFrame SampleBy<T>(string columnName, IReadOnlyDictionary<T, double> fractions, long? seed = null) where T : notnull =>
        SampleBy(Functions.Col(columnName), fractions, seed);
}

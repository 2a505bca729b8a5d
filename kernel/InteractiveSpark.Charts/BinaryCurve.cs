using InteractiveSpark.SparkConnect;
using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.Charts;

/// <summary>
/// ROC and precision-recall points of a binary classifier's scores, computed in Spark: the scores are cut into
/// <see cref="Bins"/> equal-width bins on [0, 1], each bin's positives and negatives are counted by one aggregation
/// on the server, and only those at most <see cref="Bins"/> rows travel; the points are cumulative sums from the
/// highest threshold down. Never collects the predictions.
/// </summary>
public sealed class BinaryCurve
{
    private BinaryCurve(int bins, double[] thresholds, long[] truePositives, long[] falsePositives, long positives, long negatives)
    {
        Bins = bins;
        Thresholds = thresholds;
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        Positives = positives;
        Negatives = negatives;
        TruePositiveRate = truePositives.Select(tp => positives == 0 ? 0.0 : (double)tp / positives).ToArray();
        FalsePositiveRate = falsePositives.Select(fp => negatives == 0 ? 0.0 : (double)fp / negatives).ToArray();
        // Precision at the first point (nothing predicted positive) is taken as that of the next point, as Spark does.
        Precision = truePositives.Select((tp, i) => tp + falsePositives[i] == 0 ? double.NaN : (double)tp / (tp + falsePositives[i])).ToArray();
        if (Precision.Length > 1 && double.IsNaN(Precision[0])) Precision[0] = Precision.Skip(1).FirstOrDefault(p => !double.IsNaN(p), 1.0);
        AreaUnderRoc = Trapezoid(FalsePositiveRate, TruePositiveRate);
        AreaUnderPr = Trapezoid(TruePositiveRate, Precision);
    }

    /// <summary>The number of score bins.</summary>
    public int Bins { get; }

    /// <summary>Each point's threshold: a row counts as predicted positive when its score is at least this. The first point (threshold above 1) predicts nothing positive.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Positives at or above each threshold.</summary>
    public IReadOnlyList<long> TruePositives { get; }

    /// <summary>Negatives at or above each threshold.</summary>
    public IReadOnlyList<long> FalsePositives { get; }

    /// <summary>Rows labelled 1.</summary>
    public long Positives { get; }

    /// <summary>Rows labelled otherwise.</summary>
    public long Negatives { get; }

    /// <summary>TPR (recall) at each threshold.</summary>
    public IReadOnlyList<double> TruePositiveRate { get; }

    /// <summary>FPR at each threshold.</summary>
    public IReadOnlyList<double> FalsePositiveRate { get; }

    /// <summary>Recall at each threshold (same as <see cref="TruePositiveRate"/>).</summary>
    public IReadOnlyList<double> Recall => TruePositiveRate;

    /// <summary>Precision at each threshold.</summary>
    public double[] Precision { get; }

    /// <summary>Area under the ROC curve (trapezoids over the points; within-bin ties count half, as in Spark).</summary>
    public double AreaUnderRoc { get; }

    /// <summary>Area under the precision-recall curve (trapezoids).</summary>
    public double AreaUnderPr { get; }

    /// <summary>The ROC chart of these points.</summary>
    public RocChart RocChart() => new(this);

    /// <summary>The precision-recall chart of these points.</summary>
    public PrecisionRecallChart PrecisionRecallChart() => new(this);

    /// <summary>
    /// Computes the curve from a DataFrame of predictions: <paramref name="labelCol"/> (1 is positive) and
    /// <paramref name="scoreCol"/>, either a probability vector (the class-1 element is used, as for a model's
    /// <c>probability</c> column) or a number in [0, 1].
    /// </summary>
    public static async Task<BinaryCurve> ComputeAsync(DataFrame predictions, string labelCol = "label", string scoreCol = "probability",
        int bins = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var score = await ScoreColumnAsync(predictions, scoreCol, cancellationToken).ConfigureAwait(false);
        // Bin b holds scores in [b/bins, (b+1)/bins); a score of exactly 1 joins the top bin.
        var bin = Least(Floor(score * bins), Lit(bins - 1)).Cast("int");
        var positive = Col(labelCol).Cast("double") == 1.0;
        var rows = await predictions
            .Select(bin.Alias("bin"), When(positive, 1L).Otherwise(0L).Alias("pos"))
            .GroupBy("bin")
            .Agg(Sum(Col("pos")).Alias("positives"), Count(Lit(1)).Alias("total"))
            .CollectAsync(cancellationToken).ConfigureAwait(false);

        var counts = rows
            .Select(r => (Bin: Convert.ToInt32(r["bin"] ?? 0), Pos: Convert.ToInt64(r["positives"] ?? 0L), Total: Convert.ToInt64(r["total"] ?? 0L)))
            .OrderByDescending(c => c.Bin)
            .ToArray();
        var thresholds = new List<double> { 1.0 + (1.0 / bins) };
        var tps = new List<long> { 0 };
        var fps = new List<long> { 0 };
        long tp = 0, fp = 0;
        foreach (var c in counts)
        {
            tp += c.Pos;
            fp += c.Total - c.Pos;
            thresholds.Add((double)c.Bin / bins);
            tps.Add(tp);
            fps.Add(fp);
        }
        return new BinaryCurve(bins, thresholds.ToArray(), tps.ToArray(), fps.ToArray(), tp, fp);
    }

    /// <summary>The score as a double column: element 1 of a vector column (via Spark ML's vector_to_array), else the column itself.</summary>
    internal static async Task<Column> ScoreColumnAsync(DataFrame df, string scoreCol, CancellationToken ct)
    {
        var schema = await df.SchemaAsync(ct).ConfigureAwait(false);
        var field = schema.Fields.FirstOrDefault(f => f.Name == scoreCol)
                    ?? throw new ArgumentException($"The predictions have no column '{scoreCol}'; they have {string.Join(", ", schema.Fields.Select(f => f.Name))}.", nameof(scoreCol));
        return field.DataType switch
        {
            UserDefinedType => VectorElement(Col(scoreCol), 1),
            ArrayType => Col(scoreCol)[1].Cast("double"),
            _ => Col(scoreCol).Cast("double"),
        };
    }

    /// <summary>Element <paramref name="index"/> of an ML vector column, computed in Spark.</summary>
    internal static Column VectorElement(Column vector, int index) =>
        // Spark Connect's planner knows vector_to_array (Spark ML's function) with its dtype argument.
        Call("vector_to_array", vector, Lit("float64"))[index];

    private static double Trapezoid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var area = 0.0;
        for (var i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return area;
    }
}

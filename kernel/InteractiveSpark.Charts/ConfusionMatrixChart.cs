using System.Globalization;
using InteractiveSpark.SparkConnect;
using Plotly.NET;
using static InteractiveSpark.SparkConnect.Functions;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Ext = Plotly.NET.CSharp.GenericChartExtensions;

namespace InteractiveSpark.Charts;

/// <summary>
/// A confusion matrix (rows: actual label, columns: predicted label) counted in Spark by one group-by, drawn as a
/// heatmap with the counts in the cells.
/// </summary>
public sealed class ConfusionMatrixChart : SparkChart
{
    private ConfusionMatrixChart(double[] labels, string[] names, long[,] counts)
        : base(string.Create(CultureInfo.InvariantCulture, $"Confusion matrix (accuracy {Accuracy(counts):0.0000}, {Total(counts):N0} rows)"))
    {
        Labels = labels;
        LabelNames = names;
        Counts = counts;
    }

    /// <summary>The label values, ascending (index i of <see cref="Counts"/>).</summary>
    public IReadOnlyList<double> Labels { get; }

    /// <summary>Display names of the labels (the values themselves unless names were given).</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Counts[actual, predicted].</summary>
    public long[,] Counts { get; }

    /// <summary>Fraction on the diagonal.</summary>
    public double AccuracyValue => Accuracy(Counts);

    /// <summary>Precision of label index <paramref name="i"/>: right among those predicted as it.</summary>
    public double PrecisionOf(int i) => Ratio(Counts[i, i], Enumerable.Range(0, Labels.Count).Sum(a => Counts[a, i]));

    /// <summary>Recall of label index <paramref name="i"/>: found among those that are it.</summary>
    public double RecallOf(int i) => Ratio(Counts[i, i], Enumerable.Range(0, Labels.Count).Sum(p => Counts[i, p]));

    /// <summary>
    /// Counts (label, prediction) pairs in Spark. <paramref name="labelNames"/> (e.g. a StringIndexerModel's labels,
    /// index order) names label value i.
    /// </summary>
    public static async Task<ConfusionMatrixChart> ComputeAsync(DataFrame predictions, string labelCol = "label", string predictionCol = "prediction",
        IReadOnlyList<string>? labelNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var rows = await predictions
            .GroupBy(Col(labelCol).Cast("double").Alias("actual"), Col(predictionCol).Cast("double").Alias("predicted"))
            .Agg(Count(Lit(1)).Alias("n"))
            .CollectAsync(cancellationToken).ConfigureAwait(false);
        var cells = rows.Select(r => (A: Convert.ToDouble(r["actual"] ?? double.NaN, CultureInfo.InvariantCulture),
            P: Convert.ToDouble(r["predicted"] ?? double.NaN, CultureInfo.InvariantCulture), N: Convert.ToInt64(r["n"] ?? 0L, CultureInfo.InvariantCulture))).ToArray();
        var labels = cells.SelectMany(c => new[] { c.A, c.P }).Distinct().Order().ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var counts = new long[labels.Length, labels.Length];
        foreach (var c in cells) counts[index[c.A], index[c.P]] += c.N;
        var names = labels.Select(l => labelNames is not null && l >= 0 && l == Math.Floor(l) && l < labelNames.Count
            ? labelNames[(int)l] : l.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new ConfusionMatrixChart(labels, names, counts);
    }

    private protected override GenericChart BuildFigure()
    {
        var n = Labels.Count;
        var z = Enumerable.Range(0, n).Select(a => Enumerable.Range(0, n).Select(p => Counts[a, p]).ToArray()).ToArray();
        var text = z.Select(row => row.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var heat = CSharpChart.Heatmap<long, string, string, string>(zData: z, X: LabelNames.ToArray(), Y: LabelNames.ToArray(),
            Name: "count", ReverseYAxis: true);
        // Show each count in its cell (texttemplate is plotly's way; Plotly.NET's Heatmap has no argument for it).
        heat = GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Trace, Trace>(t =>
        {
            t.SetProperty("text", text);
            t.SetProperty("texttemplate", "%{text}");
            return t;
        }), heat);
        heat = Ext.WithXAxisStyle<string, string, string>(heat, TitleText: "predicted");
        heat = Ext.WithYAxisStyle<string, string, string>(heat, TitleText: "actual");
        return Ext.WithSize(heat, 520, 460);
    }

    private static long Total(long[,] c) => c.Cast<long>().Sum();

    private static double Accuracy(long[,] c) => Ratio(Enumerable.Range(0, c.GetLength(0)).Sum(i => c[i, i]), Total(c));

    private static double Ratio(long a, long b) => b == 0 ? 0.0 : (double)a / b;
}

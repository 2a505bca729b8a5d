using System.Globalization;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.SparkConnect.ML;
using Plotly.NET;
using static InteractiveSpark.SparkConnect.Functions;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Ext = Plotly.NET.CSharp.GenericChartExtensions;

namespace InteractiveSpark.Charts;

/// <summary>
/// A sample of clustered points on two feature dimensions, one colour per cluster, with the model's centers marked.
/// The two coordinates are extracted from the feature vectors in Spark; only the sample travels.
/// </summary>
public sealed class ClusterScatterChart : SparkChart
{
    private ClusterScatterChart(double[] x, double[] y, int[] clusters, Vector[] centers, int xIndex, int yIndex, string[] axisNames, long rows)
        : base(string.Create(CultureInfo.InvariantCulture, $"Clusters (k = {centers.Length}, {x.Length:N0} of {rows:N0} rows shown)"))
    {
        X = x;
        Y = y;
        Clusters = clusters;
        Centers = centers;
        XIndex = xIndex;
        YIndex = yIndex;
        AxisNames = axisNames;
    }

    /// <summary>Sampled points' coordinate on feature <see cref="XIndex"/>.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>Sampled points' coordinate on feature <see cref="YIndex"/>.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Sampled points' cluster (the model's prediction).</summary>
    public IReadOnlyList<int> Clusters { get; }

    /// <summary>The model's centers (all dimensions).</summary>
    public IReadOnlyList<Vector> Centers { get; }

    /// <summary>The feature shown across.</summary>
    public int XIndex { get; }

    /// <summary>The feature shown up.</summary>
    public int YIndex { get; }

    /// <summary>Axis titles.</summary>
    public IReadOnlyList<string> AxisNames { get; }

    /// <summary>
    /// Samples about <paramref name="sampleSize"/> rows of <paramref name="predictions"/> (the model's Transform
    /// output) and fetches the model's centers. <paramref name="featureNames"/> titles the axes.
    /// </summary>
    public static async Task<ClusterScatterChart> ComputeAsync(KMeansModel model, DataFrame predictions, int xIndex = 0, int yIndex = 1,
        int sampleSize = 1000, long seed = 42, IReadOnlyList<string>? featureNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(predictions);
        var centers = await model.ClusterCentersAsync(cancellationToken).ConfigureAwait(false);
        var features = Col(model.FeaturesCol);
        var points = predictions.Select(
            BinaryCurve.VectorElement(features, xIndex).Alias("x"),
            BinaryCurve.VectorElement(features, yIndex).Alias("y"),
            Col(model.PredictionCol).Cast("int").Alias("cluster"));
        var rows = await predictions.CountAsync(cancellationToken).ConfigureAwait(false);
        var sample = await ResidualChart.SampleAsync(points, rows, sampleSize, seed, cancellationToken).ConfigureAwait(false);
        string Name(int i) => featureNames is not null && i < featureNames.Count ? featureNames[i] : "feature " + i.ToString(CultureInfo.InvariantCulture);
        return new ClusterScatterChart(
            sample.Select(r => Convert.ToDouble(r["x"], CultureInfo.InvariantCulture)).ToArray(),
            sample.Select(r => Convert.ToDouble(r["y"], CultureInfo.InvariantCulture)).ToArray(),
            sample.Select(r => Convert.ToInt32(r["cluster"], CultureInfo.InvariantCulture)).ToArray(),
            centers, xIndex, yIndex, [Name(xIndex), Name(yIndex)], rows);
    }

    private protected override GenericChart BuildFigure()
    {
        var traces = new List<GenericChart>();
        for (var k = 0; k < Centers.Count; k++)
        {
            var idx = Enumerable.Range(0, X.Count).Where(i => Clusters[i] == k).ToArray();
            traces.Add(CSharpChart.Point<double, double, string>(x: idx.Select(i => X[i]).ToArray(), y: idx.Select(i => Y[i]).ToArray(),
                Name: "cluster " + k.ToString(CultureInfo.InvariantCulture), Opacity: 0.6));
        }
        traces.Add(CSharpChart.Point<double, double, string>(x: Centers.Select(c => c[XIndex]).ToArray(), y: Centers.Select(c => c[YIndex]).ToArray(),
            Name: "centers", MarkerSymbol: StyleParam.MarkerSymbol.X, MarkerColor: Color.fromString("black")));
        var chart = CSharpChart.Combine(traces);
        chart = Ext.WithXAxisStyle<double, double, string>(chart, TitleText: AxisNames[0]);
        chart = Ext.WithYAxisStyle<double, double, string>(chart, TitleText: AxisNames[1]);
        return Ext.WithSize(chart, 620, 480);
    }
}

using System.Globalization;
using InteractiveSpark.SparkConnect;
using Plotly.NET;
using static InteractiveSpark.SparkConnect.Functions;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Ext = Plotly.NET.CSharp.GenericChartExtensions;

namespace InteractiveSpark.Charts;

/// <summary>
/// Residuals (label − prediction) against predictions for a sample of rows, with RMSE and MAE over every row
/// computed by one aggregation in Spark.
/// </summary>
public sealed class ResidualChart : SparkChart
{
    private ResidualChart(double[] predictions, double[] residuals, long rows, double rmse, double mae)
        : base(string.Create(CultureInfo.InvariantCulture, $"Residuals (RMSE {rmse:0.0000}, MAE {mae:0.0000}, {predictions.Length:N0} of {rows:N0} rows shown)"))
    {
        Predictions = predictions;
        Residuals = residuals;
        Rows = rows;
        RootMeanSquaredError = rmse;
        MeanAbsoluteError = mae;
    }

    /// <summary>The sampled rows' predictions.</summary>
    public IReadOnlyList<double> Predictions { get; }

    /// <summary>The sampled rows' residuals (label − prediction).</summary>
    public IReadOnlyList<double> Residuals { get; }

    /// <summary>All rows (not only the sample).</summary>
    public long Rows { get; }

    /// <summary>RMSE over all rows.</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>MAE over all rows.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>Computes the metrics over all rows and takes a sample of about <paramref name="sampleSize"/> points.</summary>
    public static async Task<ResidualChart> ComputeAsync(DataFrame predictions, string labelCol = "label", string predictionCol = "prediction",
        int sampleSize = 1000, long seed = 42, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        var r = predictions.Select(Col(predictionCol).Cast("double").Alias("p"), (Col(labelCol).Cast("double") - Col(predictionCol).Cast("double")).Alias("r"));
        var stats = (await r.Agg(Count(Lit(1)).Alias("n"), Sqrt(Avg(Col("r") * Col("r"))).Alias("rmse"), Avg(Abs(Col("r"))).Alias("mae"))
            .CollectAsync(cancellationToken).ConfigureAwait(false))[0];
        var rows = Convert.ToInt64(stats["n"], CultureInfo.InvariantCulture);
        var sample = await SampleAsync(r, rows, sampleSize, seed, cancellationToken).ConfigureAwait(false);
        return new ResidualChart(
            sample.Select(x => Convert.ToDouble(x["p"], CultureInfo.InvariantCulture)).ToArray(),
            sample.Select(x => Convert.ToDouble(x["r"], CultureInfo.InvariantCulture)).ToArray(),
            rows,
            rows == 0 ? double.NaN : Convert.ToDouble(stats["rmse"], CultureInfo.InvariantCulture),
            rows == 0 ? double.NaN : Convert.ToDouble(stats["mae"], CultureInfo.InvariantCulture));
    }

    /// <summary>About <paramref name="size"/> random rows of <paramref name="rows"/>: a Bernoulli sample with some headroom, capped by a limit.</summary>
    internal static Task<IReadOnlyList<Row>> SampleAsync(DataFrame df, long rows, int size, long seed, CancellationToken ct)
    {
        var fraction = rows <= size ? 1.0 : Math.Min(1.0, 1.2 * size / rows);
        var sampled = fraction >= 1.0 ? df : df.Sample(fraction, seed);
        return sampled.Limit(size).CollectAsync(ct);
    }

    private protected override GenericChart BuildFigure()
    {
        var points = CSharpChart.Point<double, double, string>(x: Predictions, y: Residuals, Name: "residual", Opacity: 0.6);
        var min = Predictions.Count == 0 ? 0 : Predictions.Min();
        var max = Predictions.Count == 0 ? 1 : Predictions.Max();
        var zero = CSharpChart.Line<double, double, string>(x: [min, max], y: [0.0, 0.0], Name: "zero", LineDash: StyleParam.DrawingStyle.Dash);
        var chart = CSharpChart.Combine([points, zero]);
        chart = Ext.WithXAxisStyle<double, double, string>(chart, TitleText: "prediction");
        chart = Ext.WithYAxisStyle<double, double, string>(chart, TitleText: "residual (label − prediction)");
        return Ext.WithSize(chart, 620, 420);
    }
}

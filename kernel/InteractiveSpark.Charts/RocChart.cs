using System.Globalization;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Ext = Plotly.NET.CSharp.GenericChartExtensions;

namespace InteractiveSpark.Charts;

/// <summary>A ROC curve (TPR against FPR) with the chance diagonal; the title carries the area under it.</summary>
public sealed class RocChart : SparkChart
{
    internal RocChart(BinaryCurve curve)
        : base(string.Create(CultureInfo.InvariantCulture, $"ROC curve (AUC {curve.AreaUnderRoc:0.0000}, {curve.Positives + curve.Negatives:N0} rows)")) => Curve = curve;

    /// <summary>The points, computed in Spark.</summary>
    public BinaryCurve Curve { get; }

    private protected override GenericChart BuildFigure()
    {
        var roc = CSharpChart.Line<double, double, string>(x: Curve.FalsePositiveRate, y: Curve.TruePositiveRate, Name: "ROC",
            MultiText: Curve.Thresholds.Select(t => string.Create(CultureInfo.InvariantCulture, $"threshold {t:0.###}")).ToArray());
        var chance = CSharpChart.Line<double, double, string>(x: [0.0, 1.0], y: [0.0, 1.0], Name: "chance", LineDash: StyleParam.DrawingStyle.Dash);
        var chart = CSharpChart.Combine([roc, chance]);
        chart = Ext.WithXAxisStyle<double, double, string>(chart, TitleText: "false positive rate");
        chart = Ext.WithYAxisStyle<double, double, string>(chart, TitleText: "true positive rate");
        return Ext.WithSize(chart, 560, 480);
    }
}

/// <summary>A precision-recall curve; the title carries the area under it.</summary>
public sealed class PrecisionRecallChart : SparkChart
{
    internal PrecisionRecallChart(BinaryCurve curve)
        : base(string.Create(CultureInfo.InvariantCulture, $"Precision-recall (area {curve.AreaUnderPr:0.0000}, {curve.Positives:N0} positives)")) => Curve = curve;

    /// <summary>The points, computed in Spark.</summary>
    public BinaryCurve Curve { get; }

    private protected override GenericChart BuildFigure()
    {
        var pr = CSharpChart.Line<double, double, string>(x: Curve.Recall, y: Curve.Precision, Name: "precision-recall",
            MultiText: Curve.Thresholds.Select(t => string.Create(CultureInfo.InvariantCulture, $"threshold {t:0.###}")).ToArray());
        pr = Ext.WithXAxisStyle<double, double, string>(pr, TitleText: "recall");
        pr = Ext.WithYAxisStyle<double, double, string>(pr, TitleText: "precision");
        return Ext.WithSize(pr, 560, 480);
    }
}

using System.Globalization;
using InteractiveSpark.SparkConnect.ML;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Ext = Plotly.NET.CSharp.GenericChartExtensions;

namespace InteractiveSpark.Charts;

/// <summary>Feature importances of a tree ensemble as horizontal bars, most important on top.</summary>
public sealed class FeatureImportanceChart : SparkChart
{
    private FeatureImportanceChart(string[] names, double[] importances, string model)
        : base($"Feature importances ({model})")
    {
        Names = names;
        Importances = importances;
    }

    /// <summary>Feature names, in the model's feature order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Importance of each feature, in the model's feature order (as the model reports them).</summary>
    public IReadOnlyList<double> Importances { get; }

    /// <summary>The chart of given importances (e.g. from another source), named by <paramref name="names"/>.</summary>
    public static FeatureImportanceChart Create(IReadOnlyList<double> importances, IReadOnlyList<string>? names = null, string model = "model")
    {
        ArgumentNullException.ThrowIfNull(importances);
        if (names is not null && names.Count != importances.Count)
            throw new ArgumentException($"{names.Count} names for {importances.Count} features.", nameof(names));
        var n = names?.ToArray() ?? importances.Select((_, i) => "feature " + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new FeatureImportanceChart(n, importances.ToArray(), model);
    }

    /// <summary>
    /// Fetches the model's feature importances from the server. <paramref name="names"/> are usually the
    /// VectorAssembler's input columns (a one-hot column spans several features: give one name per feature).
    /// </summary>
    public static async Task<FeatureImportanceChart> ComputeAsync(TreeEnsembleClassificationModel model, IReadOnlyList<string>? names = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var importances = await model.FeatureImportancesAsync(cancellationToken).ConfigureAwait(false);
        var simple = model.ClassName[(model.ClassName.LastIndexOf('.') + 1)..];
        return Create(importances.ToArray(), names, simple);
    }

    private protected override GenericChart BuildFigure()
    {
        var order = Enumerable.Range(0, Names.Count).OrderBy(i => Importances[i]).ToArray(); // plotly draws the first bar at the bottom
        var bars = CSharpChart.Bar<double, string, string>(values: order.Select(i => Importances[i]).ToArray(), Keys: order.Select(i => Names[i]).ToArray(),
            Name: "importance", MultiText: order.Select(i => Importances[i].ToString("0.000", CultureInfo.InvariantCulture)).ToArray());
        bars = Ext.WithXAxisStyle<double, double, string>(bars, TitleText: "importance");
        return Ext.WithSize(bars, 560, Math.Max(240, 60 + (28 * Names.Count)));
    }
}

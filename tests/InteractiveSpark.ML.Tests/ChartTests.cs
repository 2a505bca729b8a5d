using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InteractiveSpark.Charts;
using InteractiveSpark.SparkConnect.ML;
using Plotly.NET;
using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.ML.Tests;

/// <summary>The charts' data against the model and Spark's own evaluators; their HTML carries exactly that data.</summary>
[Collection(SparkCollection.Name)]
public sealed class ChartTests(SparkServerFixture spark)
{
    private static JsonNode Figure(SparkChart chart) => JsonNode.Parse(GenericChart.toFigureJson(chart.Figure))!;

    private static double[] Numbers(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    [Fact]
    public async Task ROC_and_PR_curves_come_from_an_aggregation_in_Spark_and_agree_with_Sparks_evaluator()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2", "x3"], OutputCol = "features" }.Transform((await MlData.Binary(s)));
        await using var model = await new LogisticRegression().FitAsync(data);
        var predictions = model.Transform(data);

        var curve = await BinaryCurve.ComputeAsync(predictions, bins: 1000);
        (curve.Positives + curve.Negatives).Should().Be(3000);
        curve.Thresholds.Count.Should().BeLessThanOrEqualTo(1001, "one point per non-empty bin, plus the start");
        curve.FalsePositiveRate[^1].Should().Be(1.0);
        curve.TruePositiveRate[^1].Should().Be(1.0);

        // Spark's exact area (no down-sampling) versus ours over 1000 bins: within-bin ties are all that differ.
        var exactRoc = await new BinaryClassificationEvaluator { RawPredictionCol = "probability", NumBins = 0 }.EvaluateAsync(predictions);
        curve.AreaUnderRoc.Should().BeApproximately(exactRoc, 0.002);
        var exactPr = await new BinaryClassificationEvaluator { RawPredictionCol = "probability", NumBins = 0, MetricName = "areaUnderPR" }.EvaluateAsync(predictions);
        curve.AreaUnderPr.Should().BeApproximately(exactPr, 0.01);

        // Points one by one against plain Spark counts at the same thresholds.
        var p1 = predictions.Select(Col("label"), Call("vector_to_array", Col("probability"), Lit("float64"))[1].Alias("p"));
        foreach (var i in new[] { curve.Thresholds.Count / 4, curve.Thresholds.Count / 2, 3 * curve.Thresholds.Count / 4 })
        {
            var t = curve.Thresholds[i];
            var counts = (await p1.Where(Col("p") >= t).GroupBy().Agg(
                Sum(When(Col("label") == 1.0, 1L).Otherwise(0L)).Alias("tp"), Sum(When(Col("label") == 1.0, 0L).Otherwise(1L)).Alias("fp")).CollectAsync())[0];
            curve.TruePositives[i].Should().Be(Convert.ToInt64(counts["tp"]), $"TP at threshold {t}");
            curve.FalsePositives[i].Should().Be(Convert.ToInt64(counts["fp"]), $"FP at threshold {t}");
        }

        // The chart draws exactly these points.
        var roc = curve.RocChart();
        var trace = Figure(roc)["data"]![0]!;
        Numbers(trace["x"]).Should().Equal(curve.FalsePositiveRate);
        Numbers(trace["y"]).Should().Equal(curve.TruePositiveRate);
        roc.Title.Should().Contain(curve.AreaUnderRoc.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        var pr = Figure(curve.PrecisionRecallChart())["data"]![0]!;
        Numbers(pr["x"]).Should().Equal(curve.Recall);
        Numbers(pr["y"]).Should().Equal(curve.Precision);
    }

    [Fact]
    public async Task The_confusion_matrix_agrees_with_Sparks_multiclass_evaluator_label_by_label()
    {
        await using var s = await spark.ConnectAsync();
        var data = await MlData.Binary(s);
        await using var pipeline = await new Pipeline(
            new StringIndexer { InputCol = "cat", OutputCol = "label3" },
            new VectorAssembler { InputCols = ["x1", "x2", "x3"], OutputCol = "features" },
            new LogisticRegression { LabelCol = "label3", Family = "multinomial", MaxIter = 20 }).FitAsync(data);
        var predictions = pipeline.Transform(data);
        var names = (await pipeline.Stage<StringIndexerModel>().LabelsArrayAsync())[0];

        var matrix = await ConfusionMatrixChart.ComputeAsync(predictions, labelCol: "label3", labelNames: names);
        matrix.Labels.Should().Equal(0.0, 1.0, 2.0);
        matrix.LabelNames.Should().Equal("a", "b", "c");
        matrix.Counts.Cast<long>().Sum().Should().Be(3000);
        var evaluator = new MulticlassClassificationEvaluator { LabelCol = "label3", MetricName = "accuracy" };
        matrix.AccuracyValue.Should().BeApproximately(await evaluator.EvaluateAsync(predictions), 1e-12);
        for (var i = 0; i < 3; i++)
        {
            evaluator.MetricLabel = i;
            evaluator.MetricName = "precisionByLabel";
            matrix.PrecisionOf(i).Should().BeApproximately(await evaluator.EvaluateAsync(predictions), 1e-12, $"precision of {names[i]}");
            evaluator.MetricName = "recallByLabel";
            matrix.RecallOf(i).Should().BeApproximately(await evaluator.EvaluateAsync(predictions), 1e-12, $"recall of {names[i]}");
        }

        var heat = Figure(matrix)["data"]![0]!;
        heat["type"]!.GetValue<string>().Should().Be("heatmap");
        heat["z"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray()
            .Should().BeEquivalentTo(Enumerable.Range(0, 3).Select(a => Enumerable.Range(0, 3).Select(p => matrix.Counts[a, p]).ToArray()), o => o.WithStrictOrdering());
        heat["x"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("a", "b", "c");
    }

    [Fact]
    public async Task Feature_importance_bars_are_the_models_importances()
    {
        await using var s = await spark.ConnectAsync();
        var names = new[] { "x1", "x2", "x3" };
        var data = new VectorAssembler { InputCols = names, OutputCol = "features" }.Transform((await MlData.Binary(s)));
        await using var model = await new RandomForestClassifier { NumTrees = 6, MaxDepth = 4, Seed = 3 }.FitAsync(data);
        var chart = await FeatureImportanceChart.ComputeAsync(model, names);
        var importances = (await model.FeatureImportancesAsync()).ToArray();
        chart.Importances.Should().Equal(importances);
        var bar = Figure(chart)["data"]![0]!;
        // Plotly.NET's Bar is horizontal: values on x, names on y, sorted so that the largest is on top (last).
        var drawn = bar["y"]!.AsArray().Select(n => n!.GetValue<string>()).Zip(Numbers(bar["x"])).ToDictionary(p => p.First, p => p.Second);
        drawn.Should().BeEquivalentTo(names.Zip(importances).ToDictionary(p => p.First, p => p.Second));
        drawn.Last().Key.Should().Be(names[System.Array.IndexOf(importances, importances.Max())]);
    }

    [Fact]
    public async Task Residuals_carry_Sparks_RMSE_and_MAE_and_a_sample_of_true_residuals()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }.Transform((await MlData.Regression(s)));
        await using var model = await new LinearRegression().FitAsync(data);
        var predictions = model.Transform(data);
        var chart = await ResidualChart.ComputeAsync(predictions, sampleSize: 300);
        chart.Rows.Should().Be(2000);
        chart.RootMeanSquaredError.Should().BeApproximately(await new RegressionEvaluator().EvaluateAsync(predictions), 1e-9);
        chart.MeanAbsoluteError.Should().BeApproximately(await new RegressionEvaluator { MetricName = "mae" }.EvaluateAsync(predictions), 1e-9);
        chart.Predictions.Count.Should().BeInRange(150, 300, "a sample, not every row");
        chart.Residuals.Should().OnlyContain(r => Math.Abs(r) <= 0.2, "the noise is uniform in ±0.1 and the fit is near exact");
        var points = Figure(chart)["data"]![0]!;
        Numbers(points["x"]).Should().Equal(chart.Predictions);
        Numbers(points["y"]).Should().Equal(chart.Residuals);
    }

    [Fact]
    public async Task The_cluster_scatter_shows_sampled_points_with_the_models_clusters_and_centers()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x", "y"], OutputCol = "features" }.Transform((await MlData.Blobs(s)));
        await using var model = await new KMeans { K = 3, Seed = 1 }.FitAsync(data);
        var chart = await ClusterScatterChart.ComputeAsync(model, model.Transform(data), sampleSize: 200, featureNames: ["x", "y"]);
        var centers = await model.ClusterCentersAsync();
        chart.Centers.Select(c => c.ToArray()).Should().BeEquivalentTo(centers.Select(c => c.ToArray()), o => o.WithStrictOrdering());
        chart.X.Count.Should().BeInRange(100, 200);
        for (var i = 0; i < chart.X.Count; i++)
        {
            // Every point's cluster is the model's nearest center (the features are exactly these two dimensions).
            var nearest = Enumerable.Range(0, centers.Length).MinBy(k => Math.Pow(chart.X[i] - centers[k][0], 2) + Math.Pow(chart.Y[i] - centers[k][1], 2));
            chart.Clusters[i].Should().Be(nearest);
        }
        var traces = Figure(chart)["data"]!.AsArray();
        traces.Should().HaveCount(4, "one trace per cluster plus the centers");
        traces.Take(3).Sum(t => Numbers(t!["x"]).Length).Should().Be(chart.X.Count);
        Numbers(traces[3]!["x"]).Should().Equal(centers.Select(c => c[0]));
    }

    [Fact]
    public void Chart_HTML_holds_the_figure_and_loads_plotly_from_the_CDN_or_embeds_it_for_offline_reports()
    {
        var chart = FeatureImportanceChart.Create([0.25, 0.75], ["a</script><b>", "b"]);
        var html = chart.ToHtml(PlotlyScriptSource.Cdn);
        html.Should().Contain(ChartHtml.CdnUrl).And.Contain("require.config").And.Contain("Plotly.newPlot(");
        html.Length.Should().BeLessThan(40_000, "CDN mode carries no plotly.js");
        Regex.Matches(html, "</script>").Count.Should().Be(1, "the data cannot close the script early");
        var json = Regex.Match(html, @"var figure = (\{.*?\});\n", RegexOptions.Singleline).Groups[1].Value;
        var figure = JsonNode.Parse(json.Replace("<\\/", "</"))!;
        Numbers(figure["data"]![0]!["x"]).Should().Equal(0.25, 0.75);

        var offline = chart.ToDocument();
        offline.Should().StartWith("<!DOCTYPE html>");
        offline.Length.Should().BeGreaterThan(3_000_000, "plotly.js itself is inline");
        offline.Should().Contain("plotly.js v" + ChartHtml.PlotlyJsVersion);
        Regex.Matches(offline, "<script").Count.Should().Be(2, "plotly.js, then the figure: nothing fetched");
    }
}

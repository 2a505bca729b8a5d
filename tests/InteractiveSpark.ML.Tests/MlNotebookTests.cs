using System.Globalization;
using System.Text.RegularExpressions;
using InteractiveSpark.Testing.Browser;
using InteractiveSpark.Testing.Notebooks;
using Xunit.Abstractions;

namespace InteractiveSpark.ML.Tests;

/// <summary>notebooks/ml.ipynb through Jupyter (nbconvert --execute) on InteractiveSpark's own kernel, against the real Spark server.</summary>
[Collection(SparkCollection.Name)]
public sealed class MlNotebookTests(SparkServerFixture spark, ITestOutputHelper output)
{
    [Fact]
    public async Task The_ML_notebook_trains_evaluates_and_draws_every_chart_also_in_nbconverts_HTML_offline_in_Chromium()
    {
        var cs = spark.ConnectionString;
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/ml.ipynb", new NotebookRunOptions
        {
            Kernel = NotebookKernel.InteractiveSpark,
            Timeout = TimeSpan.FromMinutes(8),
            Environment = new Dictionary<string, string>
            {
                ["ISPARK_PACKAGES"] = NotebookRunner.PackagesFolder,
                ["ISPARK_TEST_SPARK"] = $"sc://{cs.Host}:{cs.Port}/;token={cs.Token}",
            },
        });

        notebook.Errors.Should().BeEmpty();
        string Text(string id) => notebook.Cells.Single(c => (string?)c.Json["id"] == id).Text;
        IReadOnlyList<string> Html(string id) => notebook.Cells.Single(c => (string?)c.Json["id"] == id).Data("text/html");
        double Number(string text, string pattern) => double.Parse(Regex.Match(text, pattern).Groups[1].Value, CultureInfo.InvariantCulture);

        Text("connect").Should().MatchRegex(@"ml: Spark 4\.\d+\.\d+");
        Text("train").Should().Contain("plans by frequency: ").And.MatchRegex(@"coefficients: \[-?\d");
        Text("train").Should().Contain("regParam: regularization parameter (>= 0) (default: 0, current: 0.001)");

        var evaluate = Text("evaluate");
        var auc = Number(evaluate, @"test AUC (\d\.\d+)");
        auc.Should().BeInRange(0.6, 0.99);
        var roc = Text("roc");
        Number(roc, @"AUC from the curve (\d\.\d+)").Should().BeApproximately(auc, 0.002, "binned in Spark versus Spark's own evaluator");
        var confusion = Text("confusion");
        Number(confusion, @"accuracy from the matrix (\d\.\d+)").Should().Be(Number(confusion, @"Spark's evaluator: (\d\.\d+)"));
        var regression = Text("regression");
        Number(regression, @"RMSE (\d+\.\d+)").Should().Be(Number(regression, @"Spark's evaluator: (\d+\.\d+)"));
        Text("forest").Should().MatchRegex(@"support_calls 0\.\d{3}");
        Text("clusters").Should().MatchRegex(@"silhouette 0\.[5-9]");
        Text("cleanup").Should().Contain("released: True");

        // Each chart is an HTML output holding its figure.
        foreach (var (id, count) in new[] { ("roc", 2), ("confusion", 1), ("forest", 1), ("regression", 1), ("clusters", 1) })
        {
            var charts = Html(id).Where(h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal)).ToArray();
            charts.Should().HaveCount(count, $"cell {id} displays {count} chart(s)");
            charts.Should().OnlyContain(h => h.Contains("\"data\":[{", StringComparison.Ordinal));
        }
        Html("confusion").Single(h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal)).Should().Contain("\"type\":\"heatmap\"").And.Contain("\"stays\"");
        notebook.Document.ToJsonString().Should().NotContain(cs.Token!, "no output shows the token");

        // plotly.js once, with the first chart of the kernel process (the ROC curve), and in no other output.
        var carriers = notebook.Cells.SelectMany(c => c.Data("text/html")).Count(h => h.Contains("* plotly.js v" + Charts.ChartHtml.PlotlyJsVersion, StringComparison.Ordinal));
        carriers.Should().Be(1);
        Html("roc")[0].Should().Contain("* plotly.js v");
        var size = new FileInfo(notebook.Path).Length;
        output.WriteLine($"executed ml.ipynb: {size} bytes");
        size.Should().BeInRange(3_000_000, 5_000_000, "one copy of plotly.js, not one per chart");

        // nbconvert's HTML export keeps the charts: the figure JSON and the script that draws it.
        var htmlPath = await NotebookHtmlExport.ExportAsync(notebook.Path);
        var html = await File.ReadAllTextAsync(htmlPath);
        Regex.Matches(html, @"Plotly\.newPlot\('ispark-chart-[0-9a-f]{12}'").Count.Should().Be(6);
        html.Should().Contain("\"type\":\"heatmap\"").And.Contain("require.config({paths: {plotly:");

        // ... and draws them in a browser with no network (the screenshot stays beside the executed notebook).
        var page = await OfflineChromium.OpenAsync(htmlPath, Path.Combine(Path.GetDirectoryName(htmlPath)!, "ml-offline.png"), windowHeight: 12000);
        var drawn = ChartDom.Charts(page.Dom);
        output.WriteLine($"charts drawn offline: {drawn.Count(c => c.Drawn)} of {drawn.Count}; screenshot {page.ScreenshotPath}");
        drawn.Should().HaveCount(6);
        drawn.Should().OnlyContain(c => c.Drawn, $"plotly.js is inline in the notebook; Chromium said:\n{page.Log}");
    }
}

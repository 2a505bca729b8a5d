using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.ML.Tests;

/// <summary>notebooks/ml.ipynb through Jupyter (nbconvert --execute) and the dotnet-interactive kernel, against the real Spark server.</summary>
[Collection(SparkCollection.Name)]
public sealed class MlNotebookTests(SparkServerFixture spark)
{
    [Fact]
    public async Task The_ML_notebook_trains_evaluates_and_draws_every_chart_also_in_nbconverts_HTML()
    {
        var cs = spark.ConnectionString;
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/ml.ipynb", new NotebookRunOptions
        {
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

        // nbconvert's HTML export keeps the charts: the figure JSON and the script that draws it.
        var html = await ToHtmlAsync(notebook.Path);
        Regex.Matches(html, @"Plotly\.newPlot\('ispark-chart-[0-9a-f]{12}'").Count.Should().Be(6);
        html.Should().Contain("\"type\":\"heatmap\"").And.Contain("require.config({paths: {plotly:");
    }

    private static async Task<string> ToHtmlAsync(string executedNotebook)
    {
        var psi = new ProcessStartInfo("/usr/bin/jupyter") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "nbconvert", "--to", "html", executedNotebook }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        _ = await p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        p.ExitCode.Should().Be(0, await stderr);
        return await File.ReadAllTextAsync(Path.ChangeExtension(executedNotebook, ".html"));
    }
}

using System.Text.RegularExpressions;
using InteractiveSpark.Charts;
using InteractiveSpark.Testing.Browser;

namespace InteractiveSpark.ML.Tests;

/// <summary>
/// Chart HTML without a Spark server: plotly.js goes inline once per process, and pages of such charts draw in headless
/// Chromium with the network cut off, with and without require.js on the page (classic Jupyter, nbconvert's templates).
/// </summary>
public sealed class ChartHtmlTests
{
    private const string PlotlyJsHeader = "* plotly.js v";

    private static FeatureImportanceChart Chart(string model) => FeatureImportanceChart.Create([0.25, 0.75], ["a", "b"], model);

    [Fact]
    public void Two_charts_rendered_in_one_process_carry_plotly_js_once()
    {
        var process = new InlinePlotlyJs();
        var first = ChartHtml.Fragment(Chart("first").Figure, PlotlyScriptSource.InlineOnce, "first", process);
        var second = ChartHtml.Fragment(Chart("second").Figure, PlotlyScriptSource.InlineOnce, "second", process);

        Count(first, PlotlyJsHeader).Should().Be(1, "the first chart carries plotly.js");
        Count(second, PlotlyJsHeader).Should().Be(0, "the second draws with the window.Plotly the first defined");
        first.Length.Should().BeGreaterThan(3_000_000);
        second.Length.Should().BeLessThan(40_000);
        second.Should().Contain("window.Plotly").And.Contain("Plotly.newPlot(").And.Contain(ChartHtml.CdnUrl, "the CDN stays the last resort");

        // The process-wide default: however many charts render, plotly.js at most once in all of them.
        var html = string.Concat(Enumerable.Range(0, 3).Select(i => Chart($"m{i}").ToHtml()));
        Count(html, PlotlyJsHeader).Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void CDN_and_embedded_modes_stay_as_settings()
    {
        var process = new InlinePlotlyJs();
        var cdn = ChartHtml.Fragment(Chart("cdn").Figure, PlotlyScriptSource.Cdn, null, process);
        cdn.Should().NotContain(PlotlyJsHeader).And.Contain(ChartHtml.CdnUrl).And.Contain("waited < 0", "nothing inline to wait for");
        for (var i = 0; i < 2; i++)
        {
            Count(ChartHtml.Fragment(Chart("embedded").Figure, PlotlyScriptSource.Embedded, null, process), PlotlyJsHeader).Should().Be(1, "embedded means in every chart");
        }

        Count(ChartHtml.Fragment(Chart("once").Figure, PlotlyScriptSource.InlineOnce, null, process), PlotlyJsHeader).Should().Be(1, "Embedded charts do not use up the process's inline copy");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inline_once_charts_draw_offline_in_Chromium(bool withRequireJs)
    {
        var folder = RunFolder(withRequireJs ? "inline-once-requirejs" : "inline-once");
        var process = new InlinePlotlyJs();
        // Debian's require.js (libjs-requirejs), as classic Jupyter and nbconvert's templates put it in the page head.
        var head = withRequireJs ? $"<script src=\"{new Uri(RequireJs).AbsoluteUri}\"></script>" : "";
        var page = Path.Combine(folder, "charts.html");
        await File.WriteAllTextAsync(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{head}</head><body>\n"
            + ChartHtml.Fragment(Chart("first").Figure, PlotlyScriptSource.InlineOnce, "first", process)
            + ChartHtml.Fragment(Chart("second").Figure, PlotlyScriptSource.InlineOnce, "second", process)
            + ChartHtml.Fragment(Chart("third").Figure, PlotlyScriptSource.InlineOnce, "third", process)
            + "\n</body></html>\n");

        var opened = await OfflineChromium.OpenAsync(page, Path.Combine(folder, "charts.png"), windowHeight: 1600);

        var charts = ChartDom.Charts(opened.Dom);
        charts.Should().HaveCount(3);
        charts.Should().OnlyContain(c => c.Drawn, $"plotly.js is on the page; Chromium said:\n{opened.Log}");
    }

    [Fact]
    public async Task A_CDN_chart_stays_blank_offline_which_is_what_the_browser_tests_detect()
    {
        var folder = RunFolder("cdn");
        var page = Path.Combine(folder, "chart.html");
        await File.WriteAllTextAsync(page, ChartHtml.Document(Chart("cdn").Figure, "cdn", PlotlyScriptSource.Cdn));

        var opened = await OfflineChromium.OpenAsync(page, Path.Combine(folder, "chart.png"), windowHeight: 800);

        ChartDom.Charts(opened.Dom).Should().ContainSingle().Which.Drawn.Should().BeFalse("the CDN is out of reach");
    }

    private const string RequireJs = "/usr/share/javascript/requirejs/require.min.js";

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private static string RunFolder(string name)
    {
        var folder = Repository.PathOf("artifacts", "chart-tests", $"{name}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}

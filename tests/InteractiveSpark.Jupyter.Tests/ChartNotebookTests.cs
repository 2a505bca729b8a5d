using System.Text.Json.Nodes;
using InteractiveSpark.Testing.Browser;
using InteractiveSpark.Testing.Notebooks;
using Xunit.Abstractions;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// Charts on this kernel, executed by nbconvert and opened in headless Chromium with no network: each chart is the
/// plotly figure JSON (JupyterLab, VS Code), HTML that draws offline (plotly.js inline once, with the first chart) and
/// its title as text.
/// </summary>
public sealed class ChartNotebookTests(ITestOutputHelper output)
{
    private const string PlotlyMime = "application/vnd.plotly.v1+json";

    [Fact]
    public async Task Charts_carry_the_plotly_figure_and_draw_offline_in_nbconverts_HTML()
    {
        var folder = KernelTool.NewRunFolder("charts");
        var executed = Path.Combine(folder, "charts.ipynb");
        var (exitCode, log) = await KernelTool.ExecuteNotebookAsync("charts.ipynb", executed);
        exitCode.Should().Be(0, log);

        var cells = JsonNode.Parse(await File.ReadAllTextAsync(executed))!["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
        var first = cells[0]!["outputs"]!.AsArray().Single()!;
        var second = cells[1]!["outputs"]!.AsArray().Single()!;
        ((string?)first["output_type"]).Should().Be("execute_result");
        ((string?)second["output_type"]).Should().Be("display_data");
        foreach (var (chart, title) in new[] { (first, "first"), (second, "second") })
        {
            var data = chart["data"]!.AsObject();
            // A set: nbformat writes the keys sorted, and front ends choose by their own ranking anyway.
            data.Select(d => d.Key).Should().BeEquivalentTo([PlotlyMime, "text/html", "text/plain"], "the figure for JupyterLab and VS Code, HTML for the rest");
            data[PlotlyMime]!["data"]!.AsArray().Should().NotBeEmpty();
            data[PlotlyMime]!["layout"].Should().NotBeNull();
            Text(data["text/plain"]).Should().Contain(title);
        }

        Text(first["data"]!["text/html"]).Should().Contain("* plotly.js v", "the first chart of the kernel process carries plotly.js");
        Text(second["data"]!["text/html"]).Should().NotContain("* plotly.js v").And.Contain("window.Plotly");
        output.WriteLine($"executed charts.ipynb: {new FileInfo(executed).Length} bytes");

        var html = await NotebookHtmlExport.ExportAsync(executed);
        var page = await OfflineChromium.OpenAsync(html, Path.Combine(folder, "charts-offline.png"), windowHeight: 2400);
        var drawn = ChartDom.Charts(page.Dom);
        output.WriteLine($"charts drawn offline: {drawn.Count(c => c.Drawn)} of {drawn.Count}; screenshot {page.ScreenshotPath}");
        drawn.Should().HaveCount(2);
        drawn.Should().OnlyContain(c => c.Drawn, $"plotly.js is inline in the notebook; Chromium said:\n{page.Log}");
    }

    private static string Text(JsonNode? text) => text is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)text ?? "";
}

using System.Globalization;
using System.Net;
using Plotly.NET;

namespace InteractiveSpark.Charts;

/// <summary>Where chart HTML takes plotly.js from.</summary>
public enum PlotlyScriptSource
{
    /// <summary>plotly.js from its CDN (loaded once per page, through require.js where the page has it): small output, needs the network when viewed.</summary>
    Cdn,

    /// <summary>plotly.js itself (about 3.5 MB, shipped inside Plotly.NET) inline: the HTML draws with no network, for offline reports.</summary>
    Embedded,
}

/// <summary>
/// HTML for a Plotly.NET figure: a div, the figure's JSON inline, and a script that draws it wherever the HTML is
/// viewed (Jupyter, JupyterLab, VS Code, nbconvert's HTML export, a plain browser).
/// </summary>
/// <remarks>
/// Written here rather than taken from <c>GenericChart.toChartHTML</c> because that fragment calls a global
/// <c>Plotly</c> that only Plotly.NET's own notebook extension provides, and <c>toEmbeddedHTML</c> is a whole
/// document. The loader below is the one plotly's Python "notebook_connected" output uses: use <c>window.Plotly</c>
/// if present, else require.js if the page has it (classic Jupyter and nbconvert's classic template, where a plain
/// script tag would register plotly as an AMD module and leave no global), else a script tag.
/// </remarks>
public static class ChartHtml
{
    private static readonly Lazy<string> EmbeddedScript = new(LoadPlotlyJs);

    /// <summary>The plotly.js version Plotly.NET's figures are written for.</summary>
    public static string PlotlyJsVersion => Globals.PLOTLYJS_VERSION;

    /// <summary>The CDN address of that plotly.js version.</summary>
    public static string CdnUrl => $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min.js";

    /// <summary>An HTML fragment that draws <paramref name="chart"/>, with an optional caption above it.</summary>
    public static string Fragment(GenericChart chart, PlotlyScriptSource source = PlotlyScriptSource.Cdn, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var id = "ispark-chart-" + Guid.NewGuid().ToString("N")[..12];
        // The JSON goes into a script block: "</" must not end it early.
        var figure = GenericChart.toFigureJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        var cdn = CdnUrl[..^3]; // require.js paths take no ".js"
        var embedded = source == PlotlyScriptSource.Embedded ? $"<script type=\"text/javascript\">{EmbeddedScript.Value}</script>\n" : "";
        var title = caption is null ? "" : $"<div class=\"ispark-chart-caption\"><b>{WebUtility.HtmlEncode(caption)}</b></div>";
        return string.Create(CultureInfo.InvariantCulture, $$$"""
            <div class="ispark-chart">{{{title}}}<div id="{{{id}}}"></div>
            {{{embedded}}}<script type="text/javascript">
            (function () {
              var figure = {{{figure}}};
              var draw = function (Plotly) { Plotly.newPlot('{{{id}}}', figure.data, figure.layout, {responsive: true}); };
              if (window.Plotly) { draw(window.Plotly); }
              else if (typeof require === 'function' && typeof require.config === 'function') {
                require.config({paths: {plotly: '{{{cdn}}}'}});
                require(['plotly'], function (Plotly) { window.Plotly = Plotly; draw(Plotly); });
              } else {
                var s = document.createElement('script');
                s.src = '{{{CdnUrl}}}';
                s.onload = function () { draw(window.Plotly); };
                document.head.appendChild(s);
              }
            })();
            </script></div>
            """);
    }

    /// <summary>A standalone HTML page with <paramref name="chart"/> (plotly.js embedded by default, so it opens offline).</summary>
    public static string Document(GenericChart chart, string title, PlotlyScriptSource source = PlotlyScriptSource.Embedded) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body>\n{Fragment(chart, source, title)}\n</body></html>\n";

    private static string LoadPlotlyJs()
    {
        // Plotly.NET ships plotly.min.js as a resource of its own assembly (what its PlotlyJSReference.Full inlines).
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(".js", StringComparison.OrdinalIgnoreCase) && n.Contains("plotly", StringComparison.OrdinalIgnoreCase))
                   ?? throw new InvalidOperationException($"Plotly.NET {assembly.GetName().Version} carries no plotly.js resource; use PlotlyScriptSource.Cdn.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}

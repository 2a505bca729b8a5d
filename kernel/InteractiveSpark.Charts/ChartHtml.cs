using System.Globalization;
using System.Net;
using Plotly.NET;

namespace InteractiveSpark.Charts;

/// <summary>Where chart HTML takes plotly.js from.</summary>
public enum PlotlyScriptSource
{
    /// <summary>plotly.js from its CDN (loaded once per page, through require.js where the page has it): small output, needs the network when viewed.</summary>
    Cdn,

    /// <summary>plotly.js itself (about 3.5 MB, shipped inside Plotly.NET) inline in every chart: each HTML draws on its own with no network, for offline reports.</summary>
    Embedded,

    /// <summary>
    /// plotly.js inline in the first chart of the process only (the notebook default): later charts draw with the
    /// <c>window.Plotly</c> it defines, so a notebook draws with no network for 3.5 MB once instead of per chart;
    /// the CDN only when that copy is not on the page.
    /// </summary>
    InlineOnce,
}

/// <summary>
/// HTML for a Plotly.NET figure: a div, the figure's JSON inline, and a script that draws it wherever the HTML is
/// viewed (Jupyter, JupyterLab, VS Code, nbconvert's HTML export, a plain browser).
/// </summary>
/// <remarks>
/// <para>
/// Written here rather than taken from <c>GenericChart.toChartHTML</c> because that fragment calls a global
/// <c>Plotly</c> that only Plotly.NET's own notebook extension provides, and <c>toEmbeddedHTML</c> is a whole
/// document. The loader below is the one plotly's Python "notebook_connected" output uses: use <c>window.Plotly</c>
/// if present, else require.js if the page has it (classic Jupyter and nbconvert's classic template, where a plain
/// script tag would register plotly as an AMD module and leave no global), else a script tag.
/// </para>
/// <para>
/// Offline by default (<see cref="PlotlyScriptSource.InlineOnce"/>): the first chart of a kernel process carries
/// plotly.js in a script that hides require.js's <c>define</c> from it, so it always sets <c>window.Plotly</c>;
/// every chart waits up to <see cref="InlineWait"/> for that global (a front end may run a later output's script
/// first, e.g. JupyterLab rendering the visible cells) and only then takes the CDN. Chosen over a separate display
/// of plotly.js because the formatters of both hosts write one value's HTML, and the copy then sits in the output of
/// a cell the notebook cannot lose without losing a chart. "Restart and run all" (a new kernel process) puts it in
/// again; a notebook saved after re-running only the first chart's cell in the same kernel has no copy, and its
/// charts take the CDN when opened elsewhere.
/// </para>
/// </remarks>
public static class ChartHtml
{
    private static readonly Lazy<string> EmbeddedScript = new(LoadPlotlyJs);

    /// <summary>The plotly.js version Plotly.NET's figures are written for.</summary>
    public static string PlotlyJsVersion => Globals.PLOTLYJS_VERSION;

    /// <summary>The CDN address of that plotly.js version.</summary>
    public static string CdnUrl => $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min.js";

    /// <summary>How long a chart waits for an inline plotly.js (<c>window.Plotly</c>) before it takes the CDN.</summary>
    public static TimeSpan InlineWait { get; } = TimeSpan.FromSeconds(3);

    /// <summary>An HTML fragment that draws <paramref name="chart"/>, with an optional caption above it.</summary>
    public static string Fragment(GenericChart chart, PlotlyScriptSource source = PlotlyScriptSource.InlineOnce, string? caption = null) =>
        Fragment(chart, source, caption, InlinePlotlyJs.Process);

    internal static string Fragment(GenericChart chart, PlotlyScriptSource source, string? caption, InlinePlotlyJs once)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var id = "ispark-chart-" + Guid.NewGuid().ToString("N")[..12];
        // The JSON goes into a script block: "</" must not end it early.
        var figure = GenericChart.toFigureJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        var cdn = CdnUrl[..^3]; // require.js paths take no ".js"
        var inline = source == PlotlyScriptSource.Embedded || (source == PlotlyScriptSource.InlineOnce && once.TryTake());
        var embedded = inline ? PlotlyJsScript() : "";
        // A CDN chart has no inline copy to wait for.
        var waitMs = source == PlotlyScriptSource.Cdn ? 0 : (int)InlineWait.TotalMilliseconds;
        var title = caption is null ? "" : $"<div class=\"ispark-chart-caption\"><b>{WebUtility.HtmlEncode(caption)}</b></div>";
        return string.Create(CultureInfo.InvariantCulture, $$$"""
            <div class="ispark-chart">{{{title}}}<div id="{{{id}}}"></div>
            {{{embedded}}}<script type="text/javascript">
            (function () {
              var figure = {{{figure}}};
              var draw = function (Plotly) { Plotly.newPlot('{{{id}}}', figure.data, figure.layout, {responsive: true}); };
              var fromCdn = function () {
                if (typeof require === 'function' && typeof require.config === 'function') {
                  require.config({paths: {plotly: '{{{cdn}}}'}});
                  require(['plotly'], function (Plotly) { window.Plotly = Plotly; draw(Plotly); });
                } else {
                  var s = document.createElement('script');
                  s.src = '{{{CdnUrl}}}';
                  s.onload = function () { draw(window.Plotly); };
                  document.head.appendChild(s);
                }
              };
              var waited = 0;
              (function wait() {
                if (window.Plotly) { draw(window.Plotly); }
                else if (waited < {{{waitMs}}}) { waited += 100; setTimeout(wait, 100); }
                else { fromCdn(); }
              })();
            })();
            </script></div>
            """);
    }

    /// <summary>A standalone HTML page with <paramref name="chart"/> (plotly.js embedded by default, so it opens offline).</summary>
    public static string Document(GenericChart chart, string title, PlotlyScriptSource source = PlotlyScriptSource.Embedded) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body>\n{Fragment(chart, source, title)}\n</body></html>\n";

    /// <summary>
    /// plotly.js in a script that hides require.js's <c>define</c> (and CommonJS's <c>module</c>/<c>exports</c>) from
    /// it: its UMD header then sets <c>window.Plotly</c> on every page, classic Jupyter's included, where it would
    /// otherwise call an anonymous <c>define</c> (require.js: "Mismatched anonymous define()") and leave no global.
    /// </summary>
    private static string PlotlyJsScript() =>
        "<script type=\"text/javascript\">\nif (!window.Plotly) { (function (define, module, exports) {\n" + EmbeddedScript.Value + "\n})(); }\n</script>\n";

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

using Plotly.NET;

namespace InteractiveSpark.Charts;

/// <summary>
/// A chart of Spark results: its data (computed on the server, only small aggregates or a sample travel), the
/// Plotly.NET figure, and its HTML. A notebook displays it inline; a program writes <see cref="ToHtml"/> or
/// <see cref="ToDocument"/> to a file.
/// </summary>
public abstract class SparkChart
{
    private readonly Lazy<GenericChart> _figure;

    private protected SparkChart(string title)
    {
        Title = title;
        _figure = new Lazy<GenericChart>(BuildFigure);
    }

    /// <summary>The chart's title (also its caption in HTML).</summary>
    public string Title { get; }

    /// <summary>The Plotly.NET figure (built once from the data).</summary>
    public GenericChart Figure => _figure.Value;

    private protected abstract GenericChart BuildFigure();

    /// <summary>
    /// An HTML fragment that draws the chart: by default plotly.js goes inline with the first chart of the process and
    /// later ones use it (<see cref="PlotlyScriptSource.InlineOnce"/>); <paramref name="source"/> may say CDN or embedded.
    /// </summary>
    public string ToHtml(PlotlyScriptSource source = PlotlyScriptSource.InlineOnce) => ChartHtml.Fragment(Figure, source, Title);

    /// <summary>A standalone page (plotly.js embedded: opens offline).</summary>
    public string ToDocument(PlotlyScriptSource source = PlotlyScriptSource.Embedded) => ChartHtml.Document(Figure, Title, source);

    /// <summary>The title.</summary>
    public override string ToString() => Title;
}

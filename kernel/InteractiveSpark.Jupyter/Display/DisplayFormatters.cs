using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using InteractiveSpark.Charts;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Jupyter.Display;

/// <summary>
/// Turns a value into the MIME bundle a cell shows: the product's renderers for Spark results (tables with their schema,
/// charts), text for everything else. Hosts and libraries add their own types with <see cref="Register{T}"/>; the most
/// recently registered matching formatter wins.
/// </summary>
public static class DisplayFormatters
{
    private static readonly Lock Gate = new();
    private static readonly List<(Type Type, Func<object, CancellationToken, MimeBundle> Format)> Formatters = [];

    static DisplayFormatters()
    {
        Register<IEnumerable<Row>>((rows, _) => Table(TablePreview.FromRows([.. rows])));
        Register<Row>((row, _) => Table(TablePreview.FromRows([row])));
        Register<TablePreview>((preview, _) => Table(preview));
        Register<DataFrame>(FormatDataFrame);
        Register<SparkChart>((chart, _) => Chart(chart.Figure, chart.ToHtml(ChartScriptSource), chart.Title));
        Register<Plotly.NET.GenericChart>((chart, _) => Chart(chart, ChartHtml.Fragment(chart, ChartScriptSource), "chart"));
        Register<HtmlString>((html, _) => MimeBundle.Html(html.Html, html.Html));
        Register<MimeBundle>((bundle, _) => bundle);
    }

    /// <summary>How many rows a displayed DataFrame fetches and shows.</summary>
    public static int DataFrameRows { get; set; } = TablePreview.DefaultRows;

    /// <summary>
    /// Where a chart's text/html takes plotly.js from: inline with the first chart of the kernel process (default: the
    /// notebook draws with no network), the CDN (small notebooks), or embedded in every chart.
    /// </summary>
    public static PlotlyScriptSource ChartScriptSource { get; set; } = PlotlyScriptSource.InlineOnce;

    /// <summary>How tables render.</summary>
    public static TableRenderOptions TableOptions { get; set; } = TableRenderOptions.Default;

    /// <summary>Shows values of <typeparamref name="T"/> (and its subtypes) with <paramref name="format"/>.</summary>
    public static void Register<T>(Func<T, CancellationToken, MimeBundle> format)
    {
        lock (Gate)
        {
            Formatters.Add((typeof(T), (value, cancellation) => format((T)value, cancellation)));
        }
    }

    /// <summary>The bundle of <paramref name="value"/>; <paramref name="cancellation"/> stops a fetch (a DataFrame's rows).</summary>
    public static MimeBundle Format(object? value, CancellationToken cancellation = default)
    {
        if (value is null)
        {
            return MimeBundle.Text("null");
        }

        Func<object, CancellationToken, MimeBundle>? chosen = null;
        lock (Gate)
        {
            for (var i = Formatters.Count - 1; i >= 0 && chosen is null; i--)
            {
                if (Formatters[i].Type.IsInstanceOfType(value))
                {
                    chosen = Formatters[i].Format;
                }
            }
        }

        return chosen is not null ? chosen(value, cancellation) : MimeBundle.Text(PlainText(value));
    }

    /// <summary>The text/plain of a value with no formatter: invariant culture, sequences as [a, b, c].</summary>
    public static string PlainText(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return s;
            case IFormattable f:
                return f.ToString(null, CultureInfo.InvariantCulture);
            case IDictionary dictionary:
            {
                var sb = new StringBuilder("{ ");
                var n = 0;
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (n++ == 100)
                    {
                        sb.Append("..., ");
                        break;
                    }

                    sb.Append(PlainText(entry.Key)).Append(": ").Append(PlainText(entry.Value)).Append(", ");
                }

                return (n == 0 ? "{ " : sb.ToString(0, sb.Length - 2)) + " }";
            }

            case IEnumerable sequence when value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType == typeof(object) || value is Array:
            {
                var items = new List<string>();
                foreach (var item in sequence)
                {
                    if (items.Count == 100)
                    {
                        items.Add("...");
                        break;
                    }

                    items.Add(item is string text ? $"\"{text}\"" : PlainText(item));
                }

                return "[" + string.Join(", ", items) + "]";
            }

            default:
                return value.ToString() ?? "";
        }
    }

    /// <summary>
    /// A chart: the figure as application/vnd.plotly.v1+json, which JupyterLab (with plotly's renderer) and VS Code
    /// draw with the plotly.js they bundle and rank above text/html; the HTML for every other front end and nbconvert
    /// (whose HTML export does not know the plotly type); the title as text. Jupyter front ends pick by their own ranking,
    /// not by the bundle's order; the plotly type still comes first for readers that take the first one they know.
    /// </summary>
    private static MimeBundle Chart(Plotly.NET.GenericChart figure, string html, string title) =>
        new MimeBundle()
            .With("application/vnd.plotly.v1+json", JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(figure))!)
            .With("text/html", html)
            .With("text/plain", title);

    private static MimeBundle Table(TablePreview preview) =>
        MimeBundle.Html(TableRenderer.ToHtml(preview, TableOptions), TableRenderer.ToText(preview, TableOptions));

    private static MimeBundle FormatDataFrame(DataFrame df, CancellationToken cancellation)
    {
        try
        {
            var preview = Task.Run(() => TablePreview.FetchAsync(df, DataFrameRows, null, cancellation), cancellation).GetAwaiter().GetResult();
            return Table(preview);
        }
        catch (SparkException e)
        {
            return MimeBundle.Text(SparkErrorText.Describe(e));
        }
    }
}

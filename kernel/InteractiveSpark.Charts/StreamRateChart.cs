using System.Net;
using InteractiveSpark.SparkConnect.Streaming;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace InteractiveSpark.Charts;

/// <summary>
/// The rows/s of a streaming query over time, from its micro-batch progress: one line for the rate rows arrived at
/// (input) and one for the rate Spark processed them at. A notebook redraws it in place as progress comes in; a
/// program can write its HTML.
/// </summary>
public static class StreamRateChart
{
    /// <summary>The chart of <paramref name="progress"/> (oldest first), titled <paramref name="title"/>.</summary>
    public static GenericChart Create(IEnumerable<StreamingQueryProgress> progress, string title = "rows/s")
    {
        ArgumentNullException.ThrowIfNull(progress);
        var points = progress.OrderBy(p => p.BatchId).ToArray();
        var times = points.Select(p => p.Timestamp.UtcDateTime).ToArray();
        var input = CSharpChart.Line<DateTime, double, string>(x: times, y: points.Select(p => p.InputRowsPerSecond).ToArray(), Name: "input rows/s", ShowMarkers: true);
        var processed = CSharpChart.Line<DateTime, double, string>(x: times, y: points.Select(p => p.ProcessedRowsPerSecond).ToArray(), Name: "processed rows/s", ShowMarkers: true);
        var chart = CSharpChart.Combine([input, processed]);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<DateTime, DateTime, string>(chart, TitleText: "time (UTC)");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: title);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, 720, 320);
    }

    /// <summary>The chart as an HTML fragment (a div and the script that draws it; plotly.js from its CDN).</summary>
    public static string ToHtml(IEnumerable<StreamingQueryProgress> progress, string title = "rows/s") =>
        GenericChart.toChartHTML(Create(progress, title));

    /// <summary>The chart HTML under a one-line caption (e.g. the query's name and totals).</summary>
    public static string ToHtml(IEnumerable<StreamingQueryProgress> progress, string caption, string title) =>
        $"<div><div><b>{WebUtility.HtmlEncode(caption)}</b></div>{ToHtml(progress, title)}</div>";
}

using System.Text.RegularExpressions;

namespace InteractiveSpark.Testing.Browser;

/// <summary>The product's charts (divs <c>ispark-chart-*</c>, kernel/InteractiveSpark.Charts) in a DOM, and whether Plotly drew each.</summary>
public static partial class ChartDom
{
    /// <summary>Each chart div's id and whether Plotly drew it (its SVG, <c>class="main-svg"</c>, is inside).</summary>
    public static IReadOnlyList<(string Id, bool Drawn)> Charts(string dom)
    {
        var starts = ChartDiv().Matches(dom);
        return starts.Select((m, i) =>
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Index : dom.Length;
            var body = dom[m.Index..end];
            return (m.Groups[1].Value, body.Contains("class=\"main-svg\"", StringComparison.Ordinal) && body.Contains("plot-container", StringComparison.Ordinal));
        }).ToArray();
    }

    [GeneratedRegex("<div id=\"(ispark-chart-[0-9a-f]{12})\"")]
    private static partial Regex ChartDiv();
}

using System.Text;
using InteractiveSpark.Charts;
using InteractiveSpark.Kafka;
using InteractiveSpark.Rendering;

namespace InteractiveSpark.Magics;

/// <summary>What a running <c>#!kafka-stream</c> shows: a caption, the rows/s chart and the latest rows.</summary>
/// <param name="Caption">The state line.</param>
/// <param name="Snapshot">The latest snapshot, or null before the first.</param>
public sealed record KafkaStreamView(string Caption, KafkaStreamSnapshot? Snapshot)
{
    /// <summary>Both forms.</summary>
    public MagicDisplay Display() => new(ToString(), ToHtml());

    /// <summary>The HTML: caption, chart, table.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"ispark-kafka-stream\"><div><b>").AppendEscaped(Caption).Append("</b></div>");
        if (Snapshot is { } s)
        {
            if (s.Progress.Count > 0)
            {
                sb.Append(StreamRateChart.ToHtml(s.Progress));
            }

            sb.Append(TableRenderer.ToHtml(TablePreview.FromRows(s.Rows, s.Schema)));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>The text: caption and table.</summary>
    public override string ToString() =>
        Snapshot is { } s ? $"{Caption}\n{TableRenderer.ToText(TablePreview.FromRows(s.Rows, s.Schema))}" : Caption;
}

using System.Text;
using InteractiveSpark.Kafka;
using InteractiveSpark.Rendering;

namespace InteractiveSpark.Magics;

/// <summary>How a <see cref="KafkaSample"/> is shown: its summary, notes, the records and, for JSON values, their fields.</summary>
public static class KafkaSampleView
{
    private static readonly TableRenderOptions Table = TableRenderOptions.Default;

    /// <summary>Both forms; <paramref name="variable"/> is the C# variable that holds the sample, if any.</summary>
    public static MagicDisplay Display(KafkaSample sample, string? variable = null) => new(Text(sample, variable), Html(sample, variable));

    /// <summary>The text form.</summary>
    public static string Text(KafkaSample sample, string? variable = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var sb = new StringBuilder(sample.Summary);
        if (variable is not null)
        {
            sb.Append("; in C#: ").Append(variable);
        }

        sb.Append('\n');
        foreach (var note in sample.Notes)
        {
            sb.Append("note: ").Append(note).Append('\n');
        }

        sb.Append(TableRenderer.ToText(TablePreview.FromRows(sample.ToRows(), KafkaSample.RecordSchema), Table));
        if (sample.FieldTable() is { } fields)
        {
            sb.Append("\n\nJSON fields:\n").Append(TableRenderer.ToText(TablePreview.FromRows(fields.Rows, fields.Schema), Table));
        }

        return sb.ToString();
    }

    /// <summary>The HTML form.</summary>
    public static string Html(KafkaSample sample, string? variable = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var sb = new StringBuilder("<div class=\"ispark-kafka-sample\"><div><b>").AppendEscaped(sample.Summary).Append("</b>");
        if (variable is not null)
        {
            sb.Append("; in C#: <code>").AppendEscaped(variable).Append("</code>");
        }

        sb.Append("</div>");
        foreach (var note in sample.Notes)
        {
            sb.Append("<div>note: ").AppendEscaped(note).Append("</div>");
        }

        sb.Append(TableRenderer.ToHtml(TablePreview.FromRows(sample.ToRows(), KafkaSample.RecordSchema), Table));
        if (sample.FieldTable() is { } fields)
        {
            sb.Append("<div><b>JSON fields</b></div>").Append(TableRenderer.ToHtml(TablePreview.FromRows(fields.Rows, fields.Schema), Table));
        }

        return sb.Append("</div>").ToString();
    }
}

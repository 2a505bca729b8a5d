using System.Globalization;
using System.Text;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering;

/// <summary>
/// Renders a <see cref="TablePreview"/> as an HTML table that pages in the browser (CSS only: no script, no external
/// resource; where styles are stripped every row shows), and as text for terminals and nbconvert. Both carry the
/// schema (name, type, nullability of each column), show nulls as <c>null</c> (styled apart in HTML), and say how many
/// rows there are. Every name and value is HTML-escaped.
/// </summary>
public static class TableRenderer
{
    private static int s_nextId;

    /// <summary>The schema in one line: <c>id bigint not null, name string</c> (nullable columns say nothing more).</summary>
    public static string SchemaLine(StructType schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return string.Join(", ", schema.Fields.Select(f => $"{f.Name} {f.DataType.SimpleString}{(f.Nullable ? "" : " not null")}"));
    }

    /// <summary>The preview as a paged HTML table.</summary>
    public static string ToHtml(TablePreview preview, TableRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(preview);
        options ??= TableRenderOptions.Default;
        var fields = preview.Schema.Fields;
        var rows = preview.Rows;
        var pageSize = Math.Max(1, options.PageSize);
        var pages = Math.Max(1, (rows.Count + pageSize - 1) / pageSize);
        var id = "ispark-t" + Interlocked.Increment(ref s_nextId).ToString(CultureInfo.InvariantCulture) + "-"
            + Random.Shared.Next(0x1000, 0xFFFF).ToString("x", CultureInfo.InvariantCulture);
        var numeric = fields.Select(f => ValueText.IsNumeric(f.DataType)).ToArray();

        var sb = new StringBuilder(512 + (rows.Count * fields.Count * 24));
        sb.Append("<div class=\"ispark-table\" id=\"").Append(id).Append("\"><style>");
        sb.Append('#').Append(id).Append(" table{border-collapse:collapse;font-size:12px;font-family:var(--jp-code-font-family,monospace)}");
        sb.Append('#').Append(id).Append(" th,#").Append(id).Append(" td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap}");
        sb.Append('#').Append(id).Append(" th small{font-weight:normal;opacity:.65}");
        sb.Append('#').Append(id).Append(" td.r{text-align:right;font-variant-numeric:tabular-nums}");
        sb.Append('#').Append(id).Append(" .n{opacity:.5;font-style:italic}");
        sb.Append('#').Append(id).Append(" .ispark-note{font-size:12px;opacity:.8;margin:2px 0}");
        if (pages > 1)
        {
            sb.Append('#').Append(id).Append(">input{display:none}");
            sb.Append('#').Append(id).Append(" tbody{display:none}");
            sb.Append('#').Append(id).Append(" label{cursor:pointer;padding:0 4px;border:1px solid transparent}");
            for (var p = 1; p <= pages; p++)
            {
                sb.Append('#').Append(id).Append("-p").Append(p).Append(":checked~table tbody.p").Append(p).Append("{display:table-row-group}");
                sb.Append('#').Append(id).Append("-p").Append(p).Append(":checked~.ispark-pages label[for=").Append(id).Append("-p").Append(p).Append("]{border-color:#888;font-weight:bold}");
            }
        }

        sb.Append("</style>");
        if (pages > 1)
        {
            for (var p = 1; p <= pages; p++)
            {
                sb.Append("<input type=\"radio\" name=\"").Append(id).Append("\" id=\"").Append(id).Append("-p").Append(p).Append('"')
                    .Append(p == 1 ? " checked>" : ">");
            }

            sb.Append("<div class=\"ispark-note ispark-pages\">rows ");
            for (var p = 1; p <= pages; p++)
            {
                var first = ((p - 1) * pageSize) + 1;
                var last = Math.Min(p * pageSize, rows.Count);
                sb.Append("<label for=\"").Append(id).Append("-p").Append(p).Append("\">").Append(first).Append('-').Append(last).Append("</label>");
            }

            sb.Append("</div>");
        }

        sb.Append("<table><thead><tr>");
        foreach (var field in fields)
        {
            sb.Append("<th>").AppendEscaped(field.Name).Append("<br><small>").AppendEscaped(field.DataType.SimpleString)
                .Append(field.Nullable ? " · nullable" : " · not null").Append("</small></th>");
        }

        sb.Append("</tr></thead>");
        for (var p = 0; p < pages; p++)
        {
            sb.Append("<tbody class=\"p").Append(p + 1).Append("\">");
            var end = Math.Min((p + 1) * pageSize, rows.Count);
            for (var r = p * pageSize; r < end; r++)
            {
                var row = rows[r];
                sb.Append("<tr>");
                for (var c = 0; c < fields.Count; c++)
                {
                    var value = c < row.Count ? row[c] : null;
                    if (value is null)
                    {
                        sb.Append("<td class=\"n\">null</td>");
                        continue;
                    }

                    sb.Append(numeric[c] ? "<td class=\"r\">" : "<td>");
                    AppendCell(sb, value, options.MaxCellChars);
                    sb.Append("</td>");
                }

                sb.Append("</tr>");
            }

            sb.Append("</tbody>");
        }

        sb.Append("</table><div class=\"ispark-note\">").AppendEscaped(preview.Summary).Append(" · ")
            .Append(fields.Count).Append(fields.Count == 1 ? " column" : " columns").Append("</div></div>");
        return sb.ToString();
    }

    /// <summary>
    /// The preview as text: a schema line, a grid (numbers right-aligned, long values cut with an ellipsis), and the
    /// row summary line.
    /// </summary>
    public static string ToText(TablePreview preview, TableRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(preview);
        options ??= TableRenderOptions.Default;
        var fields = preview.Schema.Fields;
        var width = Math.Max(4, options.MaxTextColumnWidth);
        var cells = new string[preview.Rows.Count][];
        var widths = fields.Select(f => Math.Min(width, f.Name.Length)).ToArray();
        for (var r = 0; r < preview.Rows.Count; r++)
        {
            var row = preview.Rows[r];
            cells[r] = new string[fields.Count];
            for (var c = 0; c < fields.Count; c++)
            {
                var text = Cut(OneLine(ValueText.Format(c < row.Count ? row[c] : null)), width);
                cells[r][c] = text;
                widths[c] = Math.Max(widths[c], text.Length);
            }
        }

        var sb = new StringBuilder();
        sb.Append("schema: ").Append(SchemaLine(preview.Schema)).Append('\n');
        if (fields.Count > 0)
        {
            var rule = "+" + string.Join("+", widths.Select(w => new string('-', w))) + "+\n";
            sb.Append(rule).Append('|');
            for (var c = 0; c < fields.Count; c++)
            {
                sb.Append(Cut(OneLine(fields[c].Name), width).PadRight(widths[c])).Append('|');
            }

            sb.Append('\n').Append(rule);
            foreach (var row in cells)
            {
                sb.Append('|');
                for (var c = 0; c < fields.Count; c++)
                {
                    sb.Append(ValueText.IsNumeric(fields[c].DataType) ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append('|');
                }

                sb.Append('\n');
            }

            sb.Append(rule);
        }

        sb.Append(preview.Summary);
        return sb.ToString();
    }

    private static void AppendCell(StringBuilder sb, object value, int maxChars)
    {
        var text = value as string ?? ValueText.Format(value);
        if (text.Length <= maxChars)
        {
            sb.AppendEscaped(text);
        }
        else
        {
            // The whole value (up to a bound) on hover; the cell shows its start.
            sb.Append("<span title=\"").AppendEscaped(text.AsSpan(0, Math.Min(text.Length, maxChars * 4))).Append("\">")
                .AppendEscaped(text.AsSpan(0, maxChars)).Append("…</span>");
        }
    }

    private static string OneLine(string text) =>
        text.AsSpan().IndexOfAny('\n', '\r', '\t') < 0 ? text : text.Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");

    private static string Cut(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");
}

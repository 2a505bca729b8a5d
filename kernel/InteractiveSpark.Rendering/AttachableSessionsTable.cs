using System.Text;
using InteractiveSpark.Sessions.Records;

namespace InteractiveSpark.Rendering;

/// <summary>
/// The sessions an earlier kernel left on this PC (for <c>#!spark-sessions</c> on both hosts): the columns of
/// <c>ispark sessions</c> (<see cref="AttachableSessionRow"/>), as HTML or text, under one line saying how to take one over.
/// </summary>
public static class AttachableSessionsTable
{
    /// <summary>The line above the table.</summary>
    public const string Title = "Sessions an earlier kernel left on this PC (#!spark-connect --name NAME --attach takes one over):";

    /// <summary>The table as HTML (escaped), or an empty string when there is none.</summary>
    public static string ToHtml(IReadOnlyList<AttachableSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder("<div>").AppendEscaped(Title).Append("</div><table class=\"ispark-attachable\"><thead><tr>");
        foreach (var column in AttachableSessionRow.Headers)
        {
            sb.Append("<th style=\"text-align:left\">").AppendEscaped(column).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
        foreach (var session in sessions)
        {
            sb.Append("<tr>");
            foreach (var cell in AttachableSessionRow.Cells(session))
            {
                sb.Append("<td style=\"text-align:left\">").AppendEscaped(cell).Append("</td>");
            }

            sb.Append("</tr>");
        }

        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>The table as text, columns padded, or an empty string when there is none.</summary>
    public static string ToText(IReadOnlyList<AttachableSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return "";
        }

        var rows = sessions.Select(AttachableSessionRow.Cells).Prepend(AttachableSessionRow.Headers).ToArray();
        var widths = AttachableSessionRow.Headers.Select((_, i) => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder(Title).Append('\n');
        foreach (var row in rows)
        {
            sb.Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }

        return sb.ToString().TrimEnd('\n');
    }
}

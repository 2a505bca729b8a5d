using System.Globalization;
using System.Text;
using InteractiveSpark.Sessions;

namespace InteractiveSpark.Rendering;

/// <summary>
/// The open sessions as a table (name, launcher, where, Spark version, started, idle for, state), as HTML or text; a fork's
/// launcher reads "fork of A" (it runs on A's driver).
/// </summary>
public static class SessionsTable
{
    /// <summary>The column titles.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["name", "launcher", "where", "Spark version", "started", "idle for", "state"];

    /// <summary>One row of cells per session, at <paramref name="now"/>.</summary>
    public static IReadOnlyList<string[]> Rows(IEnumerable<OpenSparkSession> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return sessions.Select(s => new[]
        {
            s.Name,
            s.ForkedFrom is { } parent ? $"fork of {parent.Name}" : s.Launcher.Word(),
            s.Where,
            s.SparkVersion,
            s.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            s.IsBusy ? "-" : ProgressText.Duration(now - s.LastUsed),
            s.State.Words(),
        }).ToArray();
    }

    /// <summary>An HTML table of the sessions (escaped), or a line saying there are none.</summary>
    public static string ToHtml(IEnumerable<OpenSparkSession> sessions, DateTimeOffset now)
    {
        var rows = Rows(sessions, now);
        if (rows.Count == 0)
        {
            return $"<div>{Html.Escape(NoneMessage)}</div>";
        }

        var sb = new StringBuilder("<table class=\"ispark-sessions\"><thead><tr>");
        foreach (var column in Columns)
        {
            sb.Append("<th style=\"text-align:left\">").AppendEscaped(column).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row)
            {
                sb.Append("<td style=\"text-align:left\">").AppendEscaped(cell).Append("</td>");
            }

            sb.Append("</tr>");
        }

        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>The sessions as text: a header line and one line per session, columns padded.</summary>
    public static string ToText(IEnumerable<OpenSparkSession> sessions, DateTimeOffset now)
    {
        var rows = Rows(sessions, now);
        if (rows.Count == 0)
        {
            return NoneMessage;
        }

        var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        foreach (var line in rows.Prepend(Columns.ToArray()))
        {
            sb.Append(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }

        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>What is shown when no session is open.</summary>
    public const string NoneMessage = "No Spark sessions are open in this notebook. Open one with #!spark-connect --name dev --launcher local (or --url sc://host:15002).";
}

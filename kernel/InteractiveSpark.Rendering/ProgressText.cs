using System.Globalization;
using System.Text;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering;

/// <summary>A query's progress for people: a bar over its tasks, the stages done, what runs now, the time spent.</summary>
public static class ProgressText
{
    private const int BarWidth = 24;

    /// <summary>
    /// One line: <c>dev: [##########--------------] 42% · tasks 21/50, 4 running · stages 1/3 done · 1.2 MB read · 6 s</c>;
    /// before the first report, <c>dev: running… 2 s</c>.
    /// </summary>
    /// <param name="label">What runs (e.g. the session's name).</param>
    /// <param name="progress">The last report, or null before the first one.</param>
    /// <param name="elapsed">The time since the action started.</param>
    public static string ToText(string label, ExecutionProgress? progress, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(label);
        var sb = new StringBuilder(label).Append(": ");
        if (progress is null || progress.TotalTasks == 0)
        {
            return sb.Append("running… ").Append(Seconds(elapsed)).ToString();
        }

        var filled = (int)Math.Round(progress.Fraction * BarWidth);
        sb.Append('[').Append('#', filled).Append('-', BarWidth - filled).Append("] ");
        AppendFacts(sb, progress);
        return sb.Append(" · ").Append(Seconds(elapsed)).ToString();
    }

    /// <summary>The same as HTML: a <c>&lt;progress&gt;</c> bar and the line's facts (escaped).</summary>
    public static string ToHtml(string label, ExecutionProgress? progress, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(label);
        var sb = new StringBuilder("<div class=\"ispark-progress\" style=\"font-size:12px\">").AppendEscaped(label).Append(": ");
        if (progress is null || progress.TotalTasks == 0)
        {
            sb.Append("<progress></progress> running… ").Append(Seconds(elapsed));
        }
        else
        {
            sb.Append("<progress max=\"").Append(progress.TotalTasks).Append("\" value=\"").Append(progress.CompletedTasks).Append("\"></progress> ");
            var facts = new StringBuilder();
            AppendFacts(facts, progress);
            sb.AppendEscaped(facts.ToString()).Append(" · ").Append(Seconds(elapsed));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>A byte count for people: 512 B, 1.2 KB, 3.4 MB, 5.6 GB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes.ToString(CultureInfo.InvariantCulture)} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} KB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MB",
        _ => $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} GB",
    };

    /// <summary>A duration for people: 4 s, 2 min 5 s, 1 h 3 min.</summary>
    public static string Duration(TimeSpan t) => t.TotalSeconds switch
    {
        < 60 => Seconds(t),
        < 3600 => $"{(int)t.TotalMinutes} min {t.Seconds} s",
        < 86400 => $"{(int)t.TotalHours} h {t.Minutes} min",
        _ => $"{(int)t.TotalDays} d {t.Hours} h",
    };

    private static void AppendFacts(StringBuilder sb, ExecutionProgress p)
    {
        sb.Append(((int)Math.Floor(p.Fraction * 100)).ToString(CultureInfo.InvariantCulture)).Append("% · tasks ")
            .Append(p.CompletedTasks).Append('/').Append(p.TotalTasks);
        if (p.InflightTasks > 0)
        {
            sb.Append(", ").Append(p.InflightTasks).Append(" running");
        }

        sb.Append(" · stages ").Append(p.Stages.Count(s => s.Done)).Append('/').Append(p.Stages.Count).Append(" done");
        if (p.InputBytesRead > 0)
        {
            sb.Append(" · ").Append(Bytes(p.InputBytesRead)).Append(" read");
        }
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
}

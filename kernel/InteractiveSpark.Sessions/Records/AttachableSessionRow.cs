using System.Globalization;

namespace InteractiveSpark.Sessions.Records;

/// <summary>The words of one attachable session for a table (<c>ispark sessions</c>, <c>#!spark-sessions</c>); nothing secret.</summary>
public static class AttachableSessionRow
{
    /// <summary>The column headers.</summary>
    public static IReadOnlyList<string> Headers { get; } = ["NAME", "LAUNCHER", "SESSION", "STATE", "AGE", "IDLE", "STILL RUNNING", "WHERE"];

    /// <summary>One row: name, launcher, session id, state, age, idle time, what still runs (or why it is gone), where.</summary>
    public static IReadOnlyList<string> Cells(AttachableSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var record = session.Record;
        var state = session.State switch
        {
            AttachableState.Alive => "attachable",
            AttachableState.Gone => "gone",
            _ => "unreachable",
        };
        var running = session.State == AttachableState.Alive
            ? session.Running.Count == 0 ? "-" : string.Join("; ", session.Running.Select(o => $"{o.OperationId[..8]} {Clip(o.Description, 60)}"))
            : Clip(session.Reason ?? "", 100);
        return [record.Name, record.Launcher, record.SessionId, state, Span(session.Age), Span(session.Idle), running, record.Where];
    }

    /// <summary>A duration in one short word: <c>42 s</c>, <c>7 min</c>, <c>3 h</c>, <c>2 d</c>.</summary>
    public static string Span(TimeSpan span) =>
        span.TotalSeconds < 90 ? $"{Math.Max(0, (int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s"
        : span.TotalMinutes < 90 ? $"{((int)span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min"
        : span.TotalHours < 36 ? $"{((int)span.TotalHours).ToString(CultureInfo.InvariantCulture)} h"
        : $"{((int)span.TotalDays).ToString(CultureInfo.InvariantCulture)} d";

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

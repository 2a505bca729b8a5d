using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive;

/// <summary>What <c>#!spark-sessions</c> displays: the open sessions at a moment (rendered by a formatter).</summary>
/// <param name="Sessions">The sessions.</param>
/// <param name="Now">When the table was taken.</param>
public sealed record SparkSessionsView(IReadOnlyList<OpenSparkSession> Sessions, DateTimeOffset Now);

/// <summary>A progress report of a running action, as displayed (and updated in place) in a cell.</summary>
/// <param name="Label">What runs (e.g. the session's name).</param>
/// <param name="Progress">The last report, or null before the first.</param>
/// <param name="Elapsed">Time since the action started.</param>
/// <param name="Final">The line that replaces the bar when the action ended, or null while it runs.</param>
public sealed record SparkProgressView(string Label, ExecutionProgress? Progress, TimeSpan Elapsed, string? Final = null)
{
    /// <summary>The view as text.</summary>
    public override string ToString() => Final ?? ProgressText.ToText(Label, Progress, Elapsed);
}

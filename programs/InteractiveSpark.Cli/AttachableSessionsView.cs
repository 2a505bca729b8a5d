using InteractiveSpark.Sessions.Records;

namespace InteractiveSpark.Cli;

/// <summary>
/// The part of <c>ispark sessions</c> that lists the sessions recorded on this PC whose kernel is gone, with what
/// their servers still hold: what <c>#!spark-connect --name N --attach</c> can take over.
/// </summary>
internal static class AttachableSessionsView
{
    /// <summary>Writes the table (nothing when there is no record); returns how many sessions it listed.</summary>
    public static async Task<int> WriteAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var records = SessionRecordStore.Default.All();
        if (records.Count == 0)
        {
            return 0;
        }

        var sessions = await SessionProbe.ProbeAsync(records, includeOwned: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (sessions.Count == 0)
        {
            return 0;
        }

        await output.WriteLineAsync("Sessions recorded on this PC whose kernel is gone (#!spark-connect --name NAME --attach takes one over):").ConfigureAwait(false);
        await output.WriteAsync(TextTable.Render(AttachableSessionRow.Headers, sessions.Select(AttachableSessionRow.Cells))).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        return sessions.Count;
    }
}

using System.Runtime.CompilerServices;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// Runs ML commands (fit, fetch, evaluate, save, load, delete) through the session's one execution path, after
/// checking once per session that the server runs Spark ML over Connect at all.
/// </summary>
internal static class MlCommands
{
    /// <summary>Spark ML over Spark Connect (MlCommand, MlRelation) first shipped in Apache Spark 4.0.0.</summary>
    internal const int MinimumSparkMajor = 4;

    // Per session: the version check ran and passed (the session's own cache keeps the version).
    private static readonly ConditionalWeakTable<SparkSession, object> Checked = new();

    /// <summary>Throws a clear error, naming the Spark version needed, when <paramref name="serverVersion"/> predates Connect ML.</summary>
    internal static void EnsureSupported(string serverVersion, SparkConnectionString where)
    {
        var major = 0;
        var head = serverVersion.Split('.', 2)[0];
        if (!int.TryParse(head, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out major)
            || major < MinimumSparkMajor)
        {
            throw new SparkException(
                $"Spark ML over Spark Connect needs a Spark {MinimumSparkMajor}.0.0 or newer server; the server at {where} runs Spark " +
                $"{(serverVersion.Length == 0 ? "(unknown version)" : serverVersion)}. Connect to a Spark 4 server (e.g. ../shared/engines, Spark 4.2.0) to use InteractiveSpark.SparkConnect.ML.");
        }
    }

    internal static async Task EnsureSupportedAsync(SparkSession session, CancellationToken ct)
    {
        if (Checked.TryGetValue(session, out _)) return;
        EnsureSupported(await session.VersionAsync(ct).ConfigureAwait(false), session.ConnectionString);
        Checked.AddOrUpdate(session, new object());
    }

    /// <summary>Runs one ML command and returns its result (the server sends exactly one for every ML command).</summary>
    internal static async Task<P.MlCommandResult> RunAsync(SparkSession session, P.MlCommand command, string what, CancellationToken ct)
    {
        await EnsureSupportedAsync(session, ct).ConfigureAwait(false);
        List<P.ExecutePlanResponse> responses;
        try
        {
            responses = await session.RunCommandAsync(new P.Command { MlCommand = command }, null, ct).ConfigureAwait(false);
        }
        catch (SparkException e)
        {
            // Spark's ML errors name neither the stage nor the step; say which one failed and keep Spark's error inside.
            throw new SparkException($"{what} failed: {e.Message}", e, e.ErrorClass, e.SqlState, e.MessageParameters, e.QueryContexts,
                e.ErrorTypeHierarchy, e.ServerStackTrace, e.StatusCode, e.ErrorId);
        }
        return responses.LastOrDefault(r => r.MlCommandResult is not null)?.MlCommandResult
               ?? throw new SparkException($"{what}: the server sent no ML result.");
    }

    /// <summary>A DataFrame over an MlRelation (a transform or a fetched DataFrame attribute): lazy, like every DataFrame.</summary>
    internal static DataFrame Relation(SparkSession session, P.MlRelation ml) =>
        new(session, DataFrame.NewRelation(session, r => r.MlRelation = ml));

    /// <summary>The literal an ML command returned, as a .NET value.</summary>
    internal static object? Value(P.MlCommandResult result, string what) => result.ResultTypeCase switch
    {
        P.MlCommandResult.ResultTypeOneofCase.Param => MlValues.FromLiteral(result.Param),
        P.MlCommandResult.ResultTypeOneofCase.Summary => result.Summary,
        _ => throw new SparkException($"{what}: expected a value, the server returned {result.ResultTypeCase}."),
    };
}

using Spark.Connect;
using ExplainMode = Spark.Connect.AnalyzePlanRequest.Types.Explain.Types.ExplainMode;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// AnalyzePlan helpers for the DataFrame layer: each builds one request, sends it through
/// <see cref="AnalyzeAsync"/> (which fills the header and translates errors) and returns the proto or simple value.
/// </summary>
internal sealed partial class SparkConnectClient
{
    /// <summary>The schema of a relation, as Spark's proto DataType (a struct for a DataFrame).</summary>
    internal async Task<Spark.Connect.DataType> SchemaAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { Schema = new AnalyzePlanRequest.Types.Schema { Plan = PlanOf(relation) } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Schema?.Schema_ ?? throw Unexpected("Schema");
    }

    /// <summary>Spark's explain output for a relation in the given mode.</summary>
    internal async Task<string> ExplainAsync(Relation relation, ExplainMode mode, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest
        {
            Explain = new AnalyzePlanRequest.Types.Explain { Plan = PlanOf(relation), ExplainMode = mode },
        };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Explain?.ExplainString ?? throw Unexpected("Explain");
    }

    /// <summary>
    /// The explain mode for PySpark's mode names: simple, extended, codegen, cost, formatted (case-insensitive).
    /// Throws <see cref="ArgumentException"/> listing the valid names otherwise.
    /// </summary>
    internal static ExplainMode ParseExplainMode(string mode) => mode?.Trim().ToLowerInvariant() switch
    {
        "simple" => ExplainMode.Simple,
        "extended" => ExplainMode.Extended,
        "codegen" => ExplainMode.Codegen,
        "cost" => ExplainMode.Cost,
        "formatted" => ExplainMode.Formatted,
        _ => throw new ArgumentException(
            $"Unknown explain mode '{mode}'; valid: simple, extended, codegen, cost, formatted.", nameof(mode)),
    };

    /// <summary>The schema as a tree string (printSchema), optionally limited to <paramref name="level"/> levels of nesting.</summary>
    internal async Task<string> TreeStringAsync(Relation relation, int? level, CancellationToken cancellationToken)
    {
        var tree = new AnalyzePlanRequest.Types.TreeString { Plan = PlanOf(relation) };
        if (level is { } l)
        {
            tree.Level = l;
        }

        var response = await AnalyzeAsync(new AnalyzePlanRequest { TreeString = tree }, cancellationToken).ConfigureAwait(false);
        return response.TreeString?.TreeString_ ?? throw Unexpected("TreeString");
    }

    /// <summary>Whether collect/take can run locally without executors.</summary>
    internal async Task<bool> IsLocalAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { IsLocal = new AnalyzePlanRequest.Types.IsLocal { Plan = PlanOf(relation) } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsLocal?.IsLocal_ ?? throw Unexpected("IsLocal");
    }

    /// <summary>Whether the relation reads a streaming source.</summary>
    internal async Task<bool> IsStreamingAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { IsStreaming = new AnalyzePlanRequest.Types.IsStreaming { Plan = PlanOf(relation) } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsStreaming?.IsStreaming_ ?? throw Unexpected("IsStreaming");
    }

    /// <summary>The files the relation reads (best effort, as Spark's inputFiles).</summary>
    internal async Task<IReadOnlyList<string>> InputFilesAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { InputFiles = new AnalyzePlanRequest.Types.InputFiles { Plan = PlanOf(relation) } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.InputFiles?.Files.ToArray() ?? throw Unexpected("InputFiles");
    }

    /// <summary>The server's Spark version, such as 4.2.0.</summary>
    internal async Task<string> SparkVersionAsync(CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { SparkVersion = new AnalyzePlanRequest.Types.SparkVersion() };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.SparkVersion?.Version ?? throw Unexpected("SparkVersion");
    }

    /// <summary>Parses a DDL string (<c>a INT, b STRING</c> or a type such as <c>array&lt;int&gt;</c>) into a proto DataType.</summary>
    internal async Task<Spark.Connect.DataType> DdlParseAsync(string ddl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ddl);
        var request = new AnalyzePlanRequest { DdlParse = new AnalyzePlanRequest.Types.DDLParse { DdlString = ddl } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.DdlParse?.Parsed ?? throw Unexpected("DDLParse");
    }

    /// <summary>Converts a schema in JSON form (DataType.json) to a DDL string.</summary>
    internal async Task<string> JsonToDdlAsync(string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        var request = new AnalyzePlanRequest { JsonToDdl = new AnalyzePlanRequest.Types.JsonToDDL { JsonString = json } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.JsonToDdl?.DdlString ?? throw Unexpected("JsonToDDL");
    }

    /// <summary>Whether two relations compute the same result (Spark's sameSemantics).</summary>
    internal async Task<bool> SameSemanticsAsync(Relation target, Relation other, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest
        {
            SameSemantics = new AnalyzePlanRequest.Types.SameSemantics { TargetPlan = PlanOf(target), OtherPlan = PlanOf(other) },
        };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.SameSemantics?.Result ?? throw Unexpected("SameSemantics");
    }

    /// <summary>A hash of the relation's canonical plan (Spark's semanticHash).</summary>
    internal async Task<int> SemanticHashAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { SemanticHash = new AnalyzePlanRequest.Types.SemanticHash { Plan = PlanOf(relation) } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.SemanticHash?.Result ?? throw Unexpected("SemanticHash");
    }

    /// <summary>Marks a relation for caching with the given storage level (Spark's default when null).</summary>
    internal async Task PersistAsync(Relation relation, Spark.Connect.StorageLevel? storageLevel, CancellationToken cancellationToken)
    {
        var persist = new AnalyzePlanRequest.Types.Persist { Relation = relation };
        if (storageLevel is not null)
        {
            persist.StorageLevel = storageLevel;
        }

        await AnalyzeAsync(new AnalyzePlanRequest { Persist = persist }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a relation from the cache; with <paramref name="blocking"/>, waits until its blocks are gone.</summary>
    internal async Task UnpersistAsync(Relation relation, bool blocking, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest
        {
            Unpersist = new AnalyzePlanRequest.Types.Unpersist { Relation = relation, Blocking = blocking },
        };
        await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The storage level a relation is cached with (all flags false when it is not cached).</summary>
    internal async Task<Spark.Connect.StorageLevel> GetStorageLevelAsync(Relation relation, CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest { GetStorageLevel = new AnalyzePlanRequest.Types.GetStorageLevel { Relation = relation } };
        var response = await AnalyzeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.GetStorageLevel?.StorageLevel ?? throw Unexpected("GetStorageLevel");
    }

    private static Plan PlanOf(Relation relation) =>
        new() { Root = relation ?? throw new ArgumentNullException(nameof(relation)) };

    private static SparkException Unexpected(string what) =>
        new($"Spark Connect answered an AnalyzePlan {what} request without a {what} result; is the server a Spark 4.x Connect server?");
}

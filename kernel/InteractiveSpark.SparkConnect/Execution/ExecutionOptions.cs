namespace InteractiveSpark.SparkConnect;

/// <summary>Per-query options: the operation id, extra tags and where progress goes.</summary>
public sealed class ExecutionOptions
{
    /// <summary>
    /// The operation id (a UUID) to run the query under; a new one is chosen when null. Knowing it in advance lets
    /// a caller interrupt the query with <see cref="SparkSession.InterruptOperationAsync"/> from elsewhere.
    /// </summary>
    public string? OperationId { get; init; }

    /// <summary>Tags for this query only, added to the session's tags (see <see cref="SparkSession.AddTag"/>).</summary>
    public IReadOnlyCollection<string>? Tags { get; init; }

    /// <summary>
    /// Receives the server's progress reports while the query runs (the server sends one every
    /// <c>spark.connect.progress.reportInterval</c>, 2 s by default, so a short query may report nothing).
    /// Use an <see cref="ExecutionProgressStream"/> to read them as an async stream instead.
    /// </summary>
    public IProgress<ExecutionProgress>? Progress { get; init; }
}

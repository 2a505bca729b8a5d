namespace InteractiveSpark.SparkConnect;

/// <summary>An operation (a query or command) a session has started on its server.</summary>
/// <param name="OperationId">The operation's id (a UUID): what <see cref="SparkSession.FetchOperationAsync(SparkOperation, CancellationToken)"/> and the Spark UI know it by.</param>
/// <param name="Started">When the client started it.</param>
/// <param name="Description">For people: its SQL text (clipped to one line) or the kind of DataFrame or command.</param>
public sealed record SparkOperation(string OperationId, DateTimeOffset Started, string Description);

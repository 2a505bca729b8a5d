namespace InteractiveSpark.SparkConnect;

/// <summary>What a Spark Connect server says of an operation (Spark's <c>GetStatus</c>).</summary>
public enum SparkOperationState
{
    /// <summary>The server does not know it: never started in this session, or forgotten (30 min after it ended, by default).</summary>
    Unknown,

    /// <summary>It runs, or waits to run.</summary>
    Running,

    /// <summary>It ended (finished, failed or was cancelled) and the server still holds what it has not delivered.</summary>
    Ending,

    /// <summary>It finished and the server released it: its results were delivered, or dropped when nobody fetched them.</summary>
    Succeeded,

    /// <summary>It failed.</summary>
    Failed,

    /// <summary>It was interrupted, by a client or by the server dropping an operation nobody was attached to.</summary>
    Cancelled,
}

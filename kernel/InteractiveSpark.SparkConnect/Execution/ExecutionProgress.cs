using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A progress report of a running query, as the server sends it: the stages of its physical plan and how many
/// tasks are running right now.
/// </summary>
/// <param name="Stages">The stages the query has run or is running.</param>
/// <param name="InflightTasks">Tasks running at the moment of the report.</param>
public sealed record ExecutionProgress(IReadOnlyList<StageProgress> Stages, long InflightTasks)
{
    /// <summary>Tasks of all stages together.</summary>
    public long TotalTasks => Stages.Sum(s => s.TotalTasks);

    /// <summary>Completed tasks of all stages together.</summary>
    public long CompletedTasks => Stages.Sum(s => s.CompletedTasks);

    /// <summary>Bytes read from input by all stages together.</summary>
    public long InputBytesRead => Stages.Sum(s => s.InputBytesRead);

    /// <summary>Completed tasks as a fraction of all tasks (0 when there are none yet).</summary>
    public double Fraction => TotalTasks == 0 ? 0 : (double)CompletedTasks / TotalTasks;

    internal static ExecutionProgress FromProto(Spark.Connect.ExecutePlanResponse.Types.ExecutionProgress proto) =>
        new(
            proto.Stages.Select(s => new StageProgress(s.StageId, s.NumTasks, s.NumCompletedTasks, s.InputBytesRead, s.Done)).ToArray(),
            proto.NumInflightTasks);
}

/// <summary>The progress of one stage of a query.</summary>
/// <param name="StageId">Spark's stage id.</param>
/// <param name="TotalTasks">How many tasks the stage has.</param>
/// <param name="CompletedTasks">How many of them have finished.</param>
/// <param name="InputBytesRead">Bytes the stage has read from its input so far.</param>
/// <param name="Done">Whether the stage has finished.</param>
public sealed record StageProgress(long StageId, long TotalTasks, long CompletedTasks, long InputBytesRead, bool Done);

/// <summary>
/// Progress reports as an async stream: pass it as <see cref="ExecutionOptions.Progress"/>, then
/// <c>await foreach</c> over <see cref="ReadAllAsync"/> while the query runs. The stream ends when the query ends.
/// </summary>
/// <remarks>
/// Reports are buffered without bound but are small and come every couple of seconds, so a reader that falls
/// behind costs little. The stream ends normally even when the query fails: the query's own call raises the error.
/// </remarks>
public sealed class ExecutionProgressStream : IProgress<ExecutionProgress>
{
    private readonly Channel<ExecutionProgress> _channel =
        Channel.CreateUnbounded<ExecutionProgress>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    /// <inheritdoc />
    public void Report(ExecutionProgress value) => _channel.Writer.TryWrite(value);

    /// <summary>The reports as they arrive, until the query ends.</summary>
    public async IAsyncEnumerable<ExecutionProgress> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Ends the stream; called by the client when the query ends, however it ends.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}

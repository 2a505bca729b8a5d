using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// Computes a metric over a DataFrame of predictions, on the server (MlCommand.Evaluate): only the number travels back.
/// </summary>
public abstract class Evaluator : PipelineStage
{
    private protected Evaluator(string className, string? uid) : base(className, uid) { }

    internal override P.MlOperator.Types.OperatorType OperatorType => P.MlOperator.Types.OperatorType.Evaluator;

    /// <summary>The metric this evaluator computes (its <c>metricName</c> param).</summary>
    public abstract string MetricName { get; set; }

    /// <summary>Whether a larger value of the metric is better (Spark's <c>isLargerBetter</c>), for model selection.</summary>
    public abstract bool IsLargerBetter { get; }

    /// <summary>Evaluates <paramref name="dataset"/> (usually a model's <c>Transform</c> output) and returns the metric.</summary>
    public async Task<double> EvaluateAsync(DataFrame dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var evaluate = new P.MlCommand.Types.Evaluate { Evaluator = ToOperator(), Params = ToProtoParams(), Dataset = dataset.Relation };
        var what = $"Evaluating {MetricName} with {this}";
        var result = await MlCommands.RunAsync(dataset.Session, new P.MlCommand { Evaluate = evaluate }, what, cancellationToken).ConfigureAwait(false);
        return MlCommands.Value(result, what) switch
        {
            double d => d,
            float f => f,
            var other => throw new SparkException($"{what}: expected a number, got {other?.GetType().Name ?? "null"}."),
        };
    }

    /// <summary>Saves this evaluator's params to <paramref name="path"/> in Spark's format.</summary>
    public Task SaveAsync(SparkSession session, string path, bool overwrite = false, CancellationToken cancellationToken = default) =>
        MlPersistence.SaveOperatorAsync(session, this, path, overwrite, cancellationToken);
}

using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A stage that turns one DataFrame into another (a feature transformer, or a fitted model). <see cref="Transform"/>
/// only builds a plan (an MlRelation): nothing runs until an action such as <c>CollectAsync</c>.
/// </summary>
public abstract class Transformer : PipelineStage
{
    private protected Transformer(string className, string? uid) : base(className, uid) { }

    internal override P.MlOperator.Types.OperatorType OperatorType => P.MlOperator.Types.OperatorType.Transformer;

    /// <summary>The transformed DataFrame (lazy: a plan on the server, nothing collected).</summary>
    public virtual DataFrame Transform(DataFrame dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var t = new P.MlRelation.Types.Transform { Transformer = ToOperator(), Input = dataset.Relation, Params = ToProtoParams() };
        return MlCommands.Relation(dataset.Session, new P.MlRelation { Transform = t });
    }
}

using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A stage that learns from data: <see cref="FitAsync"/> trains it on the server (MlCommand.Fit) and returns a
/// <typeparamref name="TModel"/> holding a reference to the fitted model, which stays on the server until the model
/// is disposed or the session ends.
/// </summary>
/// <typeparam name="TModel">The fitted model's type.</typeparam>
public abstract class Estimator<TModel> : PipelineStage, IEstimator where TModel : Model
{
    private protected Estimator(string className, string? uid) : base(className, uid) { }

    internal override P.MlOperator.Types.OperatorType OperatorType => P.MlOperator.Types.OperatorType.Estimator;

    /// <summary>Trains on <paramref name="dataset"/> (on the server) and returns the fitted model.</summary>
    /// <exception cref="SparkException">The server cannot fit (bad column, bad param value, no Connect ML: the message says which).</exception>
    public async Task<TModel> FitAsync(DataFrame dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var fit = new P.MlCommand.Types.Fit { Estimator = ToOperator(), Params = ToProtoParams(), Dataset = dataset.Relation };
        var result = await MlCommands.RunAsync(dataset.Session, new P.MlCommand { Fit = fit }, $"Fitting {this}", cancellationToken).ConfigureAwait(false);
        var info = result.OperatorInfo ?? throw new SparkException($"Fitting {this}: the server returned no model reference.");
        var model = CreateModel(dataset.Session, info.ObjRef.Id, info.HasUid ? info.Uid : Uid);
        model.CopyValuesFrom(this);
        model.TakeServerParams(info.Params);
        model.Warning = info.HasWarningMessage ? info.WarningMessage : null;
        return model;
    }

    async Task<Model> IEstimator.FitAsync(DataFrame dataset, CancellationToken cancellationToken) =>
        await FitAsync(dataset, cancellationToken).ConfigureAwait(false);

    /// <summary>Wraps a server-side model reference in this estimator's model type.</summary>
    private protected abstract TModel CreateModel(SparkSession session, string objectId, string uid);

    /// <summary>Saves this estimator's definition and params (not a fitted model) to <paramref name="path"/> in Spark's format.</summary>
    public Task SaveAsync(SparkSession session, string path, bool overwrite = false, CancellationToken cancellationToken = default) =>
        MlPersistence.SaveOperatorAsync(session, this, path, overwrite, cancellationToken);
}

/// <summary>An estimator of any model type, for <see cref="Pipeline"/>.</summary>
public interface IEstimator
{
    /// <summary>Fits on <paramref name="dataset"/> and returns the model.</summary>
    Task<Model> FitAsync(DataFrame dataset, CancellationToken cancellationToken = default);
}

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A sequence of stages fitted in order, as Spark's <c>Pipeline</c>: each estimator is fitted on the output of the
/// stages before it, then used as a transformer. The stages run on the server; like PySpark's Connect client, the
/// chaining happens here (the server fits one operator at a time).
/// <code>
/// var pipeline = new Pipeline(new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }, new LogisticRegression());
/// await using var model = await pipeline.FitAsync(train);
/// var scored = model.Transform(test);
/// </code>
/// </summary>
public sealed class Pipeline
{
    /// <summary>A pipeline of <paramref name="stages"/>: each a <see cref="Transformer"/> or an estimator (<see cref="IEstimator"/>).</summary>
    public Pipeline(params PipelineStage[] stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        foreach (var s in stages)
        {
            if (s is not (Transformer or IEstimator))
                throw new ArgumentException($"{s} is neither a transformer nor an estimator: a pipeline cannot run it.", nameof(stages));
        }
        Stages = stages.ToArray();
    }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<PipelineStage> Stages { get; }

    /// <summary>
    /// Fits the estimators in order and returns a <see cref="PipelineModel"/> of transformers and fitted models.
    /// If a stage fails, the models fitted so far are released before the error surfaces.
    /// </summary>
    public async Task<PipelineModel> FitAsync(DataFrame dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var lastEstimator = Stages.Select((s, i) => (s, i)).LastOrDefault(x => x.s is IEstimator).i;
        var fitted = new List<Transformer>();
        var current = dataset;
        try
        {
            for (var i = 0; i < Stages.Count; i++)
            {
                var t = Stages[i] switch
                {
                    IEstimator e => await e.FitAsync(current, cancellationToken).ConfigureAwait(false),
                    Transformer tr => tr,
                    _ => throw new InvalidOperationException("unreachable: checked in the constructor"),
                };
                fitted.Add(t);
                // Later estimators train on this stage's output (a lazy plan: nothing is collected here).
                if (i < lastEstimator) current = t.Transform(current);
            }
        }
        catch
        {
            foreach (var m in fitted.OfType<Model>()) await m.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PipelineModel(fitted, null);
    }
}

/// <summary>A fitted <see cref="Pipeline"/>: transformers and models applied in order. Disposing it releases every model on the server.</summary>
public sealed class PipelineModel : IAsyncDisposable
{
    internal const string JvmClass = "org.apache.spark.ml.PipelineModel";

    /// <summary>A pipeline model of fitted <paramref name="stages"/> (e.g. models fitted or loaded one by one).</summary>
    public PipelineModel(IReadOnlyList<Transformer> stages, string? uid = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Stages = stages.ToArray();
        Uid = uid ?? PipelineStage.NewUid(JvmClass);
    }

    /// <summary>The stages, in order (fitted models where the pipeline had estimators).</summary>
    public IReadOnlyList<Transformer> Stages { get; }

    /// <summary>The pipeline model's uid, as saved metadata names it.</summary>
    public string Uid { get; }

    /// <summary>The last stage of type <typeparamref name="T"/>, e.g. <c>model.Stage&lt;LogisticRegressionModel&gt;()</c>.</summary>
    public T Stage<T>() where T : Transformer =>
        Stages.OfType<T>().LastOrDefault() ?? throw new InvalidOperationException($"The pipeline has no {typeof(T).Name} stage.");

    /// <summary>Applies every stage in order (lazy: one plan).</summary>
    public DataFrame Transform(DataFrame dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Stages.Aggregate(dataset, (df, t) => t.Transform(df));
    }

    /// <summary>
    /// Saves the pipeline in Spark's PipelineModel layout (<c>metadata/</c> naming the stage uids, each stage under
    /// <c>stages/N_uid/</c> in its own format), the layout Scala's and PySpark's <c>PipelineModel.load</c> read (not
    /// checked against them here: Spark Connect refuses to read a PipelineModel as one operator).
    /// </summary>
    public Task SaveAsync(SparkSession session, string path, bool overwrite = false, CancellationToken cancellationToken = default) =>
        MlPersistence.SavePipelineAsync(session, this, path, overwrite, cancellationToken);

    /// <summary>Loads a pipeline model saved in Spark's layout (by <see cref="SaveAsync"/>, PySpark or Scala) whose stages are types this library knows.</summary>
    public static Task<PipelineModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadPipelineAsync(session, path, cancellationToken);

    /// <summary>Releases every fitted model of the pipeline on the server.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var m in Stages.OfType<Model>()) await m.DisposeAsync().ConfigureAwait(false);
    }
}

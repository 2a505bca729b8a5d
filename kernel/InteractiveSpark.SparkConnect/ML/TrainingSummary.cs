namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A model's training summary (Spark's <c>model.summary</c>), read attribute by attribute from the server-side
/// model: numbers come back as values, tables (<see cref="Roc"/>, <see cref="Residuals"/>, ...) as lazy DataFrames.
/// Which attributes exist depends on the model: classification (<c>accuracy</c>, <c>areaUnderROC</c>, <c>roc</c>,
/// <c>pr</c>), regression (<c>rootMeanSquaredError</c>, <c>r2</c>, <c>residuals</c>), clustering
/// (<c>trainingCost</c>, <c>clusterSizes</c>); <see cref="GetAsync"/> reads any other by its Spark name.
/// </summary>
public sealed class TrainingSummary
{
    internal TrainingSummary(Model model) => Model = model;

    /// <summary>The model it summarises.</summary>
    public Model Model { get; }

    /// <summary>Any summary attribute by Spark name, e.g. <c>weightedFMeasure</c>, <c>objectiveHistory</c>.</summary>
    public Task<object?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Model.FetchAsync(["summary", name], cancellationToken);

    /// <summary>Any summary attribute that is a DataFrame, e.g. <c>predictions</c>.</summary>
    public DataFrame DataFrame(string name) => Model.FetchDataFrame("summary", name);

    /// <summary>Classification: fraction of training rows predicted right.</summary>
    public Task<double> AccuracyAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "accuracy");

    /// <summary>Binary classification: area under the ROC curve on the training data.</summary>
    public Task<double> AreaUnderRocAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "areaUnderROC");

    /// <summary>Binary classification: the ROC curve (columns FPR, TPR).</summary>
    public DataFrame Roc => DataFrame("roc");

    /// <summary>Binary classification: the precision-recall curve (columns recall, precision).</summary>
    public DataFrame Pr => DataFrame("pr");

    /// <summary>Iterative models: the objective function's value at each iteration.</summary>
    public Task<double[]> ObjectiveHistoryAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double[]>(cancellationToken, "summary", "objectiveHistory");

    /// <summary>Iterative models: how many iterations training ran.</summary>
    public Task<int> TotalIterationsAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<int>(cancellationToken, "summary", "totalIterations");

    /// <summary>Regression: root mean squared error on the training data.</summary>
    public Task<double> RootMeanSquaredErrorAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "rootMeanSquaredError");

    /// <summary>Regression: coefficient of determination R².</summary>
    public Task<double> R2Async(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "r2");

    /// <summary>Regression: mean absolute error.</summary>
    public Task<double> MeanAbsoluteErrorAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "meanAbsoluteError");

    /// <summary>Regression: the residuals (label − prediction) of the training rows.</summary>
    public DataFrame Residuals => DataFrame("residuals");

    /// <summary>Clustering (k-means): the sum of squared distances of points to their nearest center.</summary>
    public Task<double> TrainingCostAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<double>(cancellationToken, "summary", "trainingCost");

    /// <summary>Clustering: the number of training rows in each cluster.</summary>
    public Task<long[]> ClusterSizesAsync(CancellationToken cancellationToken = default) => Model.FetchAsync<long[]>(cancellationToken, "summary", "clusterSizes");
}

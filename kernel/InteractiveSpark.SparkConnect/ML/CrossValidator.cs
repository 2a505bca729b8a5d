namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// k-fold cross-validation over a grid of params, as Spark's <c>CrossValidator</c>: for each param map, fit on k − 1
/// folds and evaluate on the remaining one, average the metric, then refit the best param map on all the data.
/// Every fit and metric runs on the server; like PySpark's Connect client, the loop runs here (the server's ML API
/// fits one operator at a time). Models of the folds are released as soon as they are evaluated.
/// </summary>
/// <typeparam name="TModel">The estimator's model type.</typeparam>
public sealed class CrossValidator<TModel> where TModel : Model
{
    /// <summary>Cross-validates <paramref name="estimator"/> over <paramref name="paramGrid"/> with <paramref name="evaluator"/>.</summary>
    public CrossValidator(Estimator<TModel> estimator, IReadOnlyList<IReadOnlyDictionary<string, object>> paramGrid, Evaluator evaluator)
    {
        Estimator = estimator ?? throw new ArgumentNullException(nameof(estimator));
        ParamGrid = paramGrid is { Count: > 0 } ? paramGrid : throw new ArgumentException("The param grid needs at least one param map (an empty map means the estimator as it is).", nameof(paramGrid));
        Evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));
    }

    /// <summary>The estimator to tune.</summary>
    public Estimator<TModel> Estimator { get; }

    /// <summary>The param maps to try (Spark param name to value), e.g. from <see cref="ParamGridBuilder"/>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> ParamGrid { get; }

    /// <summary>The metric to compare param maps by (its <see cref="Evaluator.IsLargerBetter"/> decides the direction).</summary>
    public Evaluator Evaluator { get; }

    /// <summary>Number of folds (≥ 2). Default 3, as Spark's.</summary>
    public int NumFolds { get; init; } = 3;

    /// <summary>Seed of the random fold assignment.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Runs the cross-validation on <paramref name="dataset"/> and refits the best param map on all of it.</summary>
    public async Task<CrossValidatorModel<TModel>> FitAsync(DataFrame dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(NumFolds, 2);
        var folds = dataset.RandomSplit(Enumerable.Repeat(1.0, NumFolds).ToArray(), Seed);
        var sums = new double[ParamGrid.Count];
        for (var f = 0; f < NumFolds; f++)
        {
            var validation = folds[f];
            var training = folds.Where((_, i) => i != f).Aggregate((a, b) => a.Union(b));
            for (var p = 0; p < ParamGrid.Count; p++)
            {
                var estimator = (Estimator<TModel>)Estimator.CopyWith(ParamGrid[p]);
                await using var model = await estimator.FitAsync(training, cancellationToken).ConfigureAwait(false);
                sums[p] += await Evaluator.EvaluateAsync(model.Transform(validation), cancellationToken).ConfigureAwait(false);
            }
        }

        var averages = sums.Select(s => s / NumFolds).ToArray();
        var best = Evaluator.IsLargerBetter ? Array.IndexOf(averages, averages.Max()) : Array.IndexOf(averages, averages.Min());
        var bestModel = await ((Estimator<TModel>)Estimator.CopyWith(ParamGrid[best])).FitAsync(dataset, cancellationToken).ConfigureAwait(false);
        return new CrossValidatorModel<TModel>(bestModel, ParamGrid[best], averages);
    }
}

/// <summary>The result of a <see cref="CrossValidator{TModel}"/>: the best model (refitted on all the data) and every param map's average metric.</summary>
/// <typeparam name="TModel">The model type.</typeparam>
public sealed class CrossValidatorModel<TModel> : IAsyncDisposable where TModel : Model
{
    internal CrossValidatorModel(TModel bestModel, IReadOnlyDictionary<string, object> bestParams, double[] averageMetrics)
    {
        BestModel = bestModel;
        BestParams = bestParams;
        AverageMetrics = averageMetrics;
    }

    /// <summary>The best param map's model, fitted on the whole dataset.</summary>
    public TModel BestModel { get; }

    /// <summary>The best param map.</summary>
    public IReadOnlyDictionary<string, object> BestParams { get; }

    /// <summary>The average metric over the folds, one per param map, in the grid's order (Spark's <c>avgMetrics</c>).</summary>
    public IReadOnlyList<double> AverageMetrics { get; }

    /// <summary>Applies the best model.</summary>
    public DataFrame Transform(DataFrame dataset) => BestModel.Transform(dataset);

    /// <summary>Releases the best model on the server.</summary>
    public ValueTask DisposeAsync() => BestModel.DisposeAsync();
}

/// <summary>Builds a param grid, as Spark's <c>ParamGridBuilder</c>: every combination of the values given.</summary>
public sealed class ParamGridBuilder
{
    private readonly List<(string Name, object[] Values)> _grid = [];

    /// <summary>Tries each of <paramref name="values"/> for the param named <paramref name="name"/> (Spark's name, e.g. <c>regParam</c>).</summary>
    public ParamGridBuilder AddGrid(string name, params object[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (values is not { Length: > 0 }) throw new ArgumentException($"Give at least one value for {name}.", nameof(values));
        _grid.Add((name, values));
        return this;
    }

    /// <summary>Every combination, the first param varying slowest.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> Build()
    {
        IEnumerable<Dictionary<string, object>> maps = [new Dictionary<string, object>()];
        foreach (var (name, values) in _grid)
            maps = maps.SelectMany(m => values.Select(v => new Dictionary<string, object>(m) { [name] = v }));
        return maps.ToArray();
    }
}

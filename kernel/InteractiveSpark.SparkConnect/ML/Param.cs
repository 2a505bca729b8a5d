namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A param of a Spark ML stage: its Spark name, its documentation (Spark's own wording) and its default, as Spark
/// declares them. A stage's typed properties read and write params; <see cref="PipelineStage.Set"/> takes any other
/// param Spark knows by name.
/// </summary>
/// <param name="Name">Spark's name, e.g. <c>maxIter</c>.</param>
/// <param name="Doc">What it means, as Spark documents it.</param>
/// <param name="Default">Spark's default, or null when there is none.</param>
public record Param(string Name, string Doc, object? Default);

/// <summary>A param with a typed default.</summary>
/// <typeparam name="T">The value's .NET type (int, double, bool, string, string[], double[]).</typeparam>
public sealed record Param<T> : Param
{
    /// <summary>A param named <paramref name="name"/> with Spark's doc and default.</summary>
    public Param(string name, string doc, T? @default) : base(name, doc, @default) { }

    /// <summary>The default, typed.</summary>
    public new T? Default => base.Default is T t ? t : default;

    /// <summary>The same param with another default (a stage whose Spark class overrides the shared default).</summary>
    public Param<T> WithDefault(T? @default) => new(Name, Doc, @default);
}

/// <summary>One param of one stage as <see cref="PipelineStage.Params"/> lists it: definition, value, and whether the value was set.</summary>
/// <param name="Param">The definition.</param>
/// <param name="Value">The value in effect: the one set, else the default (null when neither).</param>
/// <param name="IsSet">Whether the value was set explicitly.</param>
public sealed record ParamValue(Param Param, object? Value, bool IsSet)
{
    /// <summary>Spark's explainParams line: <c>name: doc (default: d, current: v)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Param.Default is not null) parts.Add($"default: {Show(Param.Default)}");
        if (IsSet) parts.Add($"current: {Show(Value)}");
        return parts.Count == 0 ? $"{Param.Name}: {Param.Doc} (undefined)" : $"{Param.Name}: {Param.Doc} ({string.Join(", ", parts)})";
    }

    internal static string Show(object? v) => v switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}

/// <summary>Params many stages share, with Spark's names, docs and defaults (HasFeaturesCol, HasLabelCol, ...).</summary>
public static class SharedParams
{
    /// <summary>featuresCol.</summary>
    public static readonly Param<string> FeaturesCol = new("featuresCol", "features column name", "features");
    /// <summary>labelCol.</summary>
    public static readonly Param<string> LabelCol = new("labelCol", "label column name", "label");
    /// <summary>predictionCol.</summary>
    public static readonly Param<string> PredictionCol = new("predictionCol", "prediction column name", "prediction");
    /// <summary>probabilityCol.</summary>
    public static readonly Param<string> ProbabilityCol = new("probabilityCol",
        "Column name for predicted class conditional probabilities. Note: Not all models output well-calibrated probability estimates! These probabilities should be treated as confidences, not precise probabilities",
        "probability");
    /// <summary>rawPredictionCol.</summary>
    public static readonly Param<string> RawPredictionCol = new("rawPredictionCol", "raw prediction (a.k.a. confidence) column name", "rawPrediction");
    /// <summary>weightCol.</summary>
    public static readonly Param<string> WeightCol = new("weightCol", "weight column name. If this is not set or empty, we treat all instance weights as 1.0", null);
    /// <summary>maxIter.</summary>
    public static readonly Param<int> MaxIter = new("maxIter", "maximum number of iterations (>= 0)", 100);
    /// <summary>regParam.</summary>
    public static readonly Param<double> RegParam = new("regParam", "regularization parameter (>= 0)", 0.0);
    /// <summary>elasticNetParam.</summary>
    public static readonly Param<double> ElasticNetParam = new("elasticNetParam",
        "the ElasticNet mixing parameter, in range [0, 1]. For alpha = 0, the penalty is an L2 penalty. For alpha = 1, it is an L1 penalty", 0.0);
    /// <summary>tol.</summary>
    public static readonly Param<double> Tol = new("tol", "the convergence tolerance for iterative algorithms (>= 0)", 1e-6);
    /// <summary>fitIntercept.</summary>
    public static readonly Param<bool> FitIntercept = new("fitIntercept", "whether to fit an intercept term", true);
    /// <summary>standardization.</summary>
    public static readonly Param<bool> Standardization = new("standardization", "whether to standardize the training features before fitting the model", true);
    /// <summary>seed.</summary>
    public static readonly Param<long?> Seed = new("seed", "random seed (unset: Spark derives one from the class name)", null);
    /// <summary>threshold.</summary>
    public static readonly Param<double> Threshold = new("threshold", "threshold in binary classification prediction, in range [0, 1]", 0.5);
    /// <summary>inputCol.</summary>
    public static readonly Param<string> InputCol = new("inputCol", "input column name", null);
    /// <summary>outputCol.</summary>
    public static readonly Param<string> OutputCol = new("outputCol", "output column name", null);
    /// <summary>inputCols.</summary>
    public static readonly Param<string[]> InputCols = new("inputCols", "input column names", null);
    /// <summary>outputCols.</summary>
    public static readonly Param<string[]> OutputCols = new("outputCols", "output column names", null);
    /// <summary>handleInvalid (the values each stage accepts are in its own docs).</summary>
    public static readonly Param<string> HandleInvalid = new("handleInvalid", "how to handle invalid entries. Options are skip (which will filter out rows with bad values), or error (which will throw an error). More options may be available", "error");
    /// <summary>maxDepth of tree ensembles.</summary>
    public static readonly Param<int> MaxDepth = new("maxDepth", "Maximum depth of the tree. (Nonnegative) E.g., depth 0 means 1 leaf node; depth 1 means 1 internal node + 2 leaf nodes. Must be in range [0, 30].", 5);
    /// <summary>maxBins of tree ensembles.</summary>
    public static readonly Param<int> MaxBins = new("maxBins", "Max number of bins for discretizing continuous features.  Must be at least 2 and at least number of categories for any categorical feature.", 32);
    /// <summary>minInstancesPerNode of tree ensembles.</summary>
    public static readonly Param<int> MinInstancesPerNode = new("minInstancesPerNode", "Minimum number of instances each child must have after split. If a split causes the left or right child to have fewer than minInstancesPerNode, the split will be discarded as invalid. Must be at least 1.", 1);
    /// <summary>subsamplingRate of tree ensembles.</summary>
    public static readonly Param<double> SubsamplingRate = new("subsamplingRate", "Fraction of the training data used for learning each decision tree, in range (0, 1].", 1.0);
    /// <summary>featureSubsetStrategy of tree ensembles.</summary>
    public static readonly Param<string> FeatureSubsetStrategy = new("featureSubsetStrategy",
        "The number of features to consider for splits at each tree node. Supported options: 'auto' (choose automatically for task: If numTrees == 1, set to 'all'. If numTrees > 1 (forest), set to 'sqrt' for classification and to 'onethird' for regression), 'all' (use all features), 'onethird' (use 1/3 of the features), 'sqrt' (use sqrt(number of features)), 'log2' (use log2(number of features)), 'n' (when n is in the range (0, 1.0], use n * number of features. When n is in the range (1, number of features), use n features). default = 'auto'",
        "auto");
    /// <summary>metricName of evaluators (each evaluator has its own default).</summary>
    internal static Param<string> MetricName(string doc, string @default) => new("metricName", doc, @default);
}

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// Logistic regression (binomial or multinomial) — Spark's <c>org.apache.spark.ml.classification.LogisticRegression</c>.
/// <code>var model = await new LogisticRegression { MaxIter = 20, RegParam = 0.01 }.FitAsync(train);</code>
/// </summary>
public sealed class LogisticRegression : ProbabilisticClassifier<LogisticRegressionModel>
{
    internal const string JvmClass = "org.apache.spark.ml.classification.LogisticRegression";

    /// <summary>family.</summary>
    public static readonly Param<string> FamilyParam = new("family",
        "The name of family which is a description of the label distribution to be used in the model. Supported options: auto, binomial, multinomial.", "auto");
    /// <summary>aggregationDepth.</summary>
    public static readonly Param<int> AggregationDepthParam = new("aggregationDepth", "suggested depth for treeAggregate (>= 2)", 2);
    private static readonly Param<string> WeightColParam = SharedParams.WeightCol;
    private static readonly Param<int> MaxIterParam = SharedParams.MaxIter;
    private static readonly Param<double> RegParamParam = SharedParams.RegParam, ElasticNetParamParam = SharedParams.ElasticNetParam, TolParam = SharedParams.Tol,
        ThresholdParam = SharedParams.Threshold;
    private static readonly Param<bool> FitInterceptParam = SharedParams.FitIntercept, StandardizationParam = SharedParams.Standardization;

    /// <summary>A logistic regression with Spark's defaults (and a fresh uid unless given).</summary>
    public LogisticRegression(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Instance weight column; unset means weight 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Maximum iterations (≥ 0). Default 100.</summary>
    public int MaxIter { get => Get(MaxIterParam); set => SetValue(MaxIterParam, value); }
    /// <summary>Regularization (≥ 0). Default 0.</summary>
    public double RegParam { get => Get(RegParamParam); set => SetValue(RegParamParam, value); }
    /// <summary>ElasticNet mixing, 0 (L2) to 1 (L1). Default 0.</summary>
    public double ElasticNetParam { get => Get(ElasticNetParamParam); set => SetValue(ElasticNetParamParam, value); }
    /// <summary>Convergence tolerance. Default 1e-6.</summary>
    public double Tol { get => Get(TolParam); set => SetValue(TolParam, value); }
    /// <summary>Whether to fit an intercept. Default true.</summary>
    public bool FitIntercept { get => Get(FitInterceptParam); set => SetValue(FitInterceptParam, value); }
    /// <summary>Whether to standardize features before fitting. Default true.</summary>
    public bool Standardization { get => Get(StandardizationParam); set => SetValue(StandardizationParam, value); }
    /// <summary>Binary threshold on the probability of class 1. Default 0.5.</summary>
    public double Threshold { get => Get(ThresholdParam); set => SetValue(ThresholdParam, value); }
    /// <summary><c>auto</c>, <c>binomial</c> or <c>multinomial</c>. Default <c>auto</c>.</summary>
    public string Family { get => Get(FamilyParam); set => SetValue(FamilyParam, value); }
    /// <summary>Depth of tree aggregation (≥ 2). Default 2.</summary>
    public int AggregationDepth { get => Get(AggregationDepthParam); set => SetValue(AggregationDepthParam, value); }

    private protected override LogisticRegressionModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);

    /// <summary>Loads an estimator saved with <see cref="Estimator{TModel}.SaveAsync"/>.</summary>
    public static Task<LogisticRegression> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new LogisticRegression(uid), cancellationToken);
}

/// <summary>A fitted <see cref="LogisticRegression"/>: coefficients, intercept, training summary; adds prediction, probability and rawPrediction columns.</summary>
public sealed class LogisticRegressionModel : ClassificationModel
{
    internal const string JvmClass = "org.apache.spark.ml.classification.LogisticRegressionModel";

    internal LogisticRegressionModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Coefficients of a binomial model (one per feature).</summary>
    public Task<Vector> CoefficientsAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "coefficients");
    /// <summary>Intercept of a binomial model.</summary>
    public Task<double> InterceptAsync(CancellationToken cancellationToken = default) => FetchAsync<double>(cancellationToken, "intercept");
    /// <summary>Coefficients, one row per class (multinomial) or one row (binomial).</summary>
    public Task<Matrix> CoefficientMatrixAsync(CancellationToken cancellationToken = default) => FetchAsync<Matrix>(cancellationToken, "coefficientMatrix");
    /// <summary>Intercepts, one per class (multinomial) or one (binomial).</summary>
    public Task<Vector> InterceptVectorAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "interceptVector");

    /// <summary>Loads a model saved with <see cref="Model.SaveAsync"/> (or by PySpark/Scala).</summary>
    public static Task<LogisticRegressionModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new LogisticRegressionModel(s, id, uid), cancellationToken);
}

/// <summary>What classification models share: class count, feature count, training summary, and the output column names charts read.</summary>
public abstract class ClassificationModel : Model
{
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, LabelColParam = SharedParams.LabelCol,
        PredictionColParam = SharedParams.PredictionCol, ProbabilityColParam = SharedParams.ProbabilityCol, RawPredictionColParam = SharedParams.RawPredictionCol;

    private protected ClassificationModel(string className, SparkSession session, string objectId, string uid) : base(className, session, objectId, uid) { }

    /// <summary>Features column the model reads.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Label column it was trained on.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Predicted label column it adds.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
    /// <summary>Class probabilities column it adds.</summary>
    public string ProbabilityCol { get => Get(ProbabilityColParam); set => SetValue(ProbabilityColParam, value); }
    /// <summary>Raw prediction column it adds.</summary>
    public string RawPredictionCol { get => Get(RawPredictionColParam); set => SetValue(RawPredictionColParam, value); }

    /// <summary>Number of classes.</summary>
    public Task<int> NumClassesAsync(CancellationToken cancellationToken = default) => FetchAsync<int>(cancellationToken, "numClasses");
    /// <summary>Number of features.</summary>
    public Task<int> NumFeaturesAsync(CancellationToken cancellationToken = default) => FetchAsync<int>(cancellationToken, "numFeatures");
    /// <summary>Whether a training summary is available (it is after fitting; not after loading).</summary>
    public Task<bool> HasSummaryAsync(CancellationToken cancellationToken = default) => FetchAsync<bool>(cancellationToken, "hasSummary");
    /// <summary>The training summary (accuracy, ROC, ...), read from the server on demand.</summary>
    public TrainingSummary Summary => new(this);
}

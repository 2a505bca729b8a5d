namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Gradient-boosted trees for binary classification — Spark's <c>org.apache.spark.ml.classification.GBTClassifier</c>.</summary>
public sealed class GBTClassifier : ProbabilisticClassifier<GBTClassificationModel>
{
    internal const string JvmClass = "org.apache.spark.ml.classification.GBTClassifier";

    /// <summary>maxIter (number of trees), default 20 here.</summary>
    public static readonly Param<int> MaxIterParam = new("maxIter", "maximum number of iterations (>= 0)", 20);
    /// <summary>stepSize.</summary>
    public static readonly Param<double> StepSizeParam = new("stepSize", "Step size (a.k.a. learning rate) in interval (0, 1] for shrinking the contribution of each estimator.", 0.1);
    /// <summary>lossType.</summary>
    public static readonly Param<string> LossTypeParam = new("lossType", "Loss function which GBT tries to minimize (case-insensitive). Supported options: logistic", "logistic");
    /// <summary>featureSubsetStrategy, default all for GBT.</summary>
    public static readonly Param<string> FeatureSubsetStrategyParam = SharedParams.FeatureSubsetStrategy.WithDefault("all");
    /// <summary>validationIndicatorCol.</summary>
    public static readonly Param<string> ValidationIndicatorColParam = new("validationIndicatorCol",
        "name of the column that indicates whether each row is for training or for validation. False indicates training; true indicates validation.", null);
    private static readonly Param<int> MaxDepthParam = SharedParams.MaxDepth, MaxBinsParam = SharedParams.MaxBins;
    private static readonly Param<double> SubsamplingRateParam = SharedParams.SubsamplingRate;
    private static readonly Param<long?> SeedParam = SharedParams.Seed;

    /// <summary>A GBT classifier with Spark's defaults.</summary>
    public GBTClassifier(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Boosting iterations (trees). Default 20.</summary>
    public int MaxIter { get => Get(MaxIterParam); set => SetValue(MaxIterParam, value); }
    /// <summary>Maximum tree depth. Default 5.</summary>
    public int MaxDepth { get => Get(MaxDepthParam); set => SetValue(MaxDepthParam, value); }
    /// <summary>Bins for continuous features. Default 32.</summary>
    public int MaxBins { get => Get(MaxBinsParam); set => SetValue(MaxBinsParam, value); }
    /// <summary>Learning rate in (0, 1]. Default 0.1.</summary>
    public double StepSize { get => Get(StepSizeParam); set => SetValue(StepSizeParam, value); }
    /// <summary>Loss: <c>logistic</c>.</summary>
    public string LossType { get => Get(LossTypeParam); set => SetValue(LossTypeParam, value); }
    /// <summary>Fraction of rows per tree. Default 1.0.</summary>
    public double SubsamplingRate { get => Get(SubsamplingRateParam); set => SetValue(SubsamplingRateParam, value); }
    /// <summary>Features considered per split. Default <c>all</c>.</summary>
    public string FeatureSubsetStrategy { get => Get(FeatureSubsetStrategyParam); set => SetValue(FeatureSubsetStrategyParam, value); }
    /// <summary>Column marking validation rows (enables early stopping); unset means none.</summary>
    public string? ValidationIndicatorCol { get => GetOrNull(ValidationIndicatorColParam); set => SetValue(ValidationIndicatorColParam, value); }
    /// <summary>Random seed; unset means Spark's.</summary>
    public long? Seed { get => Get(SeedParam); set => SetValue(SeedParam, value); }

    private protected override GBTClassificationModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);

    /// <summary>Loads an estimator saved with <see cref="Estimator{TModel}.SaveAsync"/>.</summary>
    public static Task<GBTClassifier> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new GBTClassifier(uid), cancellationToken);
}

/// <summary>A fitted <see cref="GBTClassifier"/>.</summary>
public sealed class GBTClassificationModel : TreeEnsembleClassificationModel
{
    internal const string JvmClass = "org.apache.spark.ml.classification.GBTClassificationModel";

    internal GBTClassificationModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Loads a saved model.</summary>
    public static Task<GBTClassificationModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new GBTClassificationModel(s, id, uid), cancellationToken);
}

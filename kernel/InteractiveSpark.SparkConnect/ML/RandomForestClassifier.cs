namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Random forest classifier — Spark's <c>org.apache.spark.ml.classification.RandomForestClassifier</c>.</summary>
public sealed class RandomForestClassifier : ProbabilisticClassifier<RandomForestClassificationModel>
{
    internal const string JvmClass = "org.apache.spark.ml.classification.RandomForestClassifier";

    /// <summary>numTrees.</summary>
    public static readonly Param<int> NumTreesParam = new("numTrees", "Number of trees to train (at least 1)", 20);
    /// <summary>impurity.</summary>
    public static readonly Param<string> ImpurityParam = new("impurity", "Criterion used for information gain calculation (case-insensitive). Supported options: entropy, gini", "gini");
    /// <summary>bootstrap.</summary>
    public static readonly Param<bool> BootstrapParam = new("bootstrap", "Whether bootstrap samples are used when building trees.", true);
    private static readonly Param<string> FeatureSubsetStrategyParam = SharedParams.FeatureSubsetStrategy, WeightColParam = SharedParams.WeightCol;
    private static readonly Param<int> MaxDepthParam = SharedParams.MaxDepth, MaxBinsParam = SharedParams.MaxBins, MinInstancesPerNodeParam = SharedParams.MinInstancesPerNode;
    private static readonly Param<double> SubsamplingRateParam = SharedParams.SubsamplingRate;
    private static readonly Param<long?> SeedParam = SharedParams.Seed;

    /// <summary>A random forest with Spark's defaults.</summary>
    public RandomForestClassifier(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Instance weight column; unset means weight 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Number of trees. Default 20.</summary>
    public int NumTrees { get => Get(NumTreesParam); set => SetValue(NumTreesParam, value); }
    /// <summary>Maximum tree depth (0-30). Default 5.</summary>
    public int MaxDepth { get => Get(MaxDepthParam); set => SetValue(MaxDepthParam, value); }
    /// <summary>Bins for continuous features. Default 32.</summary>
    public int MaxBins { get => Get(MaxBinsParam); set => SetValue(MaxBinsParam, value); }
    /// <summary>Minimum rows per child after a split. Default 1.</summary>
    public int MinInstancesPerNode { get => Get(MinInstancesPerNodeParam); set => SetValue(MinInstancesPerNodeParam, value); }
    /// <summary><c>gini</c> or <c>entropy</c>. Default <c>gini</c>.</summary>
    public string Impurity { get => Get(ImpurityParam); set => SetValue(ImpurityParam, value); }
    /// <summary>Features considered per split. Default <c>auto</c>.</summary>
    public string FeatureSubsetStrategy { get => Get(FeatureSubsetStrategyParam); set => SetValue(FeatureSubsetStrategyParam, value); }
    /// <summary>Fraction of rows per tree. Default 1.0.</summary>
    public double SubsamplingRate { get => Get(SubsamplingRateParam); set => SetValue(SubsamplingRateParam, value); }
    /// <summary>Whether to bootstrap samples. Default true.</summary>
    public bool Bootstrap { get => Get(BootstrapParam); set => SetValue(BootstrapParam, value); }
    /// <summary>Random seed; unset means Spark's (derived from the class name).</summary>
    public long? Seed { get => Get(SeedParam); set => SetValue(SeedParam, value); }

    private protected override RandomForestClassificationModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);

    /// <summary>Loads an estimator saved with <see cref="Estimator{TModel}.SaveAsync"/>.</summary>
    public static Task<RandomForestClassifier> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new RandomForestClassifier(uid), cancellationToken);
}

/// <summary>A fitted <see cref="RandomForestClassifier"/>.</summary>
public sealed class RandomForestClassificationModel : TreeEnsembleClassificationModel
{
    internal const string JvmClass = "org.apache.spark.ml.classification.RandomForestClassificationModel";

    internal RandomForestClassificationModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Loads a saved model.</summary>
    public static Task<RandomForestClassificationModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new RandomForestClassificationModel(s, id, uid), cancellationToken);
}

/// <summary>What tree-ensemble classifiers share: feature importances, tree counts, the trees as text.</summary>
public abstract class TreeEnsembleClassificationModel : ClassificationModel
{
    private protected TreeEnsembleClassificationModel(string className, SparkSession session, string objectId, string uid) : base(className, session, objectId, uid) { }

    /// <summary>Importance of each feature (Spark's impurity-based estimate, normalized to sum to 1).</summary>
    public Task<Vector> FeatureImportancesAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "featureImportances");
    /// <summary>Number of trees.</summary>
    public Task<int> NumTreesAsync(CancellationToken cancellationToken = default) => FetchAsync<int>(cancellationToken, "getNumTrees");
    /// <summary>Total number of nodes over all trees.</summary>
    public Task<int> TotalNumNodesAsync(CancellationToken cancellationToken = default) => FetchAsync<int>(cancellationToken, "totalNumNodes");
    /// <summary>The weight of each tree in the ensemble.</summary>
    public Task<double[]> TreeWeightsAsync(CancellationToken cancellationToken = default) => FetchAsync<double[]>(cancellationToken, "treeWeights");
    /// <summary>Every tree's splits as text.</summary>
    public Task<string> ToDebugStringAsync(CancellationToken cancellationToken = default) => FetchAsync<string>(cancellationToken, "toDebugString");
}

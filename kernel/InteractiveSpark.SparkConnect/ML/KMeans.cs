namespace InteractiveSpark.SparkConnect.ML;

/// <summary>k-means clustering (k-means|| initialization) — Spark's <c>org.apache.spark.ml.clustering.KMeans</c>.</summary>
public sealed class KMeans : Estimator<KMeansModel>
{
    internal const string JvmClass = "org.apache.spark.ml.clustering.KMeans";

    /// <summary>k.</summary>
    public static readonly Param<int> KParam = new("k", "The number of clusters to create. Must be > 1.", 2);
    /// <summary>maxIter, default 20 here.</summary>
    public static readonly Param<int> MaxIterParam = SharedParams.MaxIter.WithDefault(20);
    /// <summary>tol, default 1e-4 here.</summary>
    public static readonly Param<double> TolParam = SharedParams.Tol.WithDefault(1e-4);
    /// <summary>initMode.</summary>
    public static readonly Param<string> InitModeParam = new("initMode",
        "The initialization algorithm. Supported options: 'random' and 'k-means||'.", "k-means||");
    /// <summary>initSteps.</summary>
    public static readonly Param<int> InitStepsParam = new("initSteps", "The number of steps for k-means|| initialization mode. Must be > 0.", 2);
    /// <summary>distanceMeasure.</summary>
    public static readonly Param<string> DistanceMeasureParam = new("distanceMeasure",
        "the distance measure. Supported options: 'euclidean' and 'cosine'.", "euclidean");
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, PredictionColParam = SharedParams.PredictionCol, WeightColParam = SharedParams.WeightCol;
    private static readonly Param<long?> SeedParam = SharedParams.Seed;

    /// <summary>A k-means with Spark's defaults.</summary>
    public KMeans(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Features column. Default <c>features</c>.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Cluster index column. Default <c>prediction</c>.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
    /// <summary>Instance weight column; unset means weight 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Number of clusters (&gt; 1). Default 2.</summary>
    public int K { get => Get(KParam); set => SetValue(KParam, value); }
    /// <summary>Maximum iterations. Default 20.</summary>
    public int MaxIter { get => Get(MaxIterParam); set => SetValue(MaxIterParam, value); }
    /// <summary>Convergence tolerance. Default 1e-4.</summary>
    public double Tol { get => Get(TolParam); set => SetValue(TolParam, value); }
    /// <summary><c>k-means||</c> or <c>random</c>. Default <c>k-means||</c>.</summary>
    public string InitMode { get => Get(InitModeParam); set => SetValue(InitModeParam, value); }
    /// <summary>Steps of k-means|| initialization. Default 2.</summary>
    public int InitSteps { get => Get(InitStepsParam); set => SetValue(InitStepsParam, value); }
    /// <summary><c>euclidean</c> or <c>cosine</c>. Default <c>euclidean</c>.</summary>
    public string DistanceMeasure { get => Get(DistanceMeasureParam); set => SetValue(DistanceMeasureParam, value); }
    /// <summary>Random seed; unset means Spark's.</summary>
    public long? Seed { get => Get(SeedParam); set => SetValue(SeedParam, value); }

    private protected override KMeansModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);

    /// <summary>Loads an estimator saved with <see cref="Estimator{TModel}.SaveAsync"/>.</summary>
    public static Task<KMeans> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new KMeans(uid), cancellationToken);
}

/// <summary>A fitted <see cref="KMeans"/>: cluster centers, training cost, cluster sizes; adds the cluster index column.</summary>
public sealed class KMeansModel : Model
{
    internal const string JvmClass = "org.apache.spark.ml.clustering.KMeansModel";
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, PredictionColParam = SharedParams.PredictionCol;

    internal KMeansModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Features column the model reads.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Cluster index column it adds.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }

    /// <summary>The centers, cluster 0 first.</summary>
    public async Task<Vector[]> ClusterCentersAsync(CancellationToken cancellationToken = default)
    {
        // Spark Connect allows the matrix form (one row per center), not the Array[Vector] getter.
        var m = await FetchAsync<Matrix>(cancellationToken, "clusterCenterMatrix").ConfigureAwait(false);
        return Enumerable.Range(0, m.NumRows).Select(r => (Vector)new DenseVector(m.Row(r))).ToArray();
    }
    /// <summary>The training summary (cost, sizes), read from the server on demand.</summary>
    public TrainingSummary Summary => new(this);

    /// <summary>Loads a saved model.</summary>
    public static Task<KMeansModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new KMeansModel(s, id, uid), cancellationToken);
}

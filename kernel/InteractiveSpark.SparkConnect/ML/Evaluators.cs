namespace InteractiveSpark.SparkConnect.ML;

// The four evaluators Spark ML has for the model families here; each computes its metric on the server.

/// <summary>Binary classification metrics (<c>areaUnderROC</c>, <c>areaUnderPR</c>) — Spark's <c>BinaryClassificationEvaluator</c>.</summary>
public sealed class BinaryClassificationEvaluator : Evaluator
{
    /// <summary>metricName.</summary>
    public static readonly Param<string> MetricNameParam = SharedParams.MetricName("metric name in evaluation (areaUnderROC|areaUnderPR)", "areaUnderROC");
    /// <summary>numBins.</summary>
    public static readonly Param<int> NumBinsParam = new("numBins",
        "Number of bins to down-sample the curves (ROC curve, PR curve) in area computation. If 0, no down-sampling will occur. Must be >= 0.", 1000);
    private static readonly Param<string> LabelColParam = SharedParams.LabelCol, RawPredictionColParam = SharedParams.RawPredictionCol, WeightColParam = SharedParams.WeightCol;

    /// <summary>An evaluator of area under ROC by default.</summary>
    public BinaryClassificationEvaluator(string? uid = null) : base("org.apache.spark.ml.evaluation.BinaryClassificationEvaluator", uid) { }

    /// <inheritdoc />
    public override string MetricName { get => Get(MetricNameParam); set => SetValue(MetricNameParam, value); }
    /// <inheritdoc />
    public override bool IsLargerBetter => true;
    /// <summary>Label column. Default <c>label</c>.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Score column (raw prediction or probability vector, or a double). Default <c>rawPrediction</c>.</summary>
    public string RawPredictionCol { get => Get(RawPredictionColParam); set => SetValue(RawPredictionColParam, value); }
    /// <summary>Weight column; unset means 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Bins for the curves (0: exact). Default 1000.</summary>
    public int NumBins { get => Get(NumBinsParam); set => SetValue(NumBinsParam, value); }
}

/// <summary>Multiclass classification metrics (<c>f1</c>, <c>accuracy</c>, <c>weightedPrecision</c>, <c>precisionByLabel</c>, ...) — Spark's <c>MulticlassClassificationEvaluator</c>.</summary>
public sealed class MulticlassClassificationEvaluator : Evaluator
{
    /// <summary>metricName.</summary>
    public static readonly Param<string> MetricNameParam = SharedParams.MetricName(
        "metric name in evaluation (f1|accuracy|weightedPrecision|weightedRecall|weightedTruePositiveRate| weightedFalsePositiveRate|weightedFMeasure|truePositiveRateByLabel| falsePositiveRateByLabel|precisionByLabel|recallByLabel|fMeasureByLabel| logLoss|hammingLoss)", "f1");
    /// <summary>metricLabel.</summary>
    public static readonly Param<double> MetricLabelParam = new("metricLabel",
        "The class whose metric will be computed in truePositiveRateByLabel|falsePositiveRateByLabel|precisionByLabel|recallByLabel|fMeasureByLabel. Must be >= 0. The default value is 0.", 0.0);
    /// <summary>beta.</summary>
    public static readonly Param<double> BetaParam = new("beta", "The beta value, which controls precision vs recall weighting, used in weightedFMeasure|fMeasureByLabel. Must be > 0. The default value is 1.", 1.0);
    private static readonly Param<string> LabelColParam = SharedParams.LabelCol, PredictionColParam = SharedParams.PredictionCol,
        ProbabilityColParam = SharedParams.ProbabilityCol, WeightColParam = SharedParams.WeightCol;

    /// <summary>An evaluator of F1 by default.</summary>
    public MulticlassClassificationEvaluator(string? uid = null) : base("org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator", uid) { }

    /// <inheritdoc />
    public override string MetricName { get => Get(MetricNameParam); set => SetValue(MetricNameParam, value); }
    /// <inheritdoc />
    public override bool IsLargerBetter => MetricName is not ("weightedFalsePositiveRate" or "falsePositiveRateByLabel" or "logLoss" or "hammingLoss");
    /// <summary>Label column. Default <c>label</c>.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Prediction column. Default <c>prediction</c>.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
    /// <summary>Probability column (for logLoss). Default <c>probability</c>.</summary>
    public string ProbabilityCol { get => Get(ProbabilityColParam); set => SetValue(ProbabilityColParam, value); }
    /// <summary>Weight column; unset means 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>The class a by-label metric is about. Default 0.</summary>
    public double MetricLabel { get => Get(MetricLabelParam); set => SetValue(MetricLabelParam, value); }
    /// <summary>F-measure's beta. Default 1.</summary>
    public double Beta { get => Get(BetaParam); set => SetValue(BetaParam, value); }
}

/// <summary>Regression metrics (<c>rmse</c>, <c>mse</c>, <c>r2</c>, <c>mae</c>, <c>var</c>) — Spark's <c>RegressionEvaluator</c>.</summary>
public sealed class RegressionEvaluator : Evaluator
{
    /// <summary>metricName.</summary>
    public static readonly Param<string> MetricNameParam = SharedParams.MetricName("metric name in evaluation (mse|rmse|r2|mae|var)", "rmse");
    /// <summary>throughOrigin.</summary>
    public static readonly Param<bool> ThroughOriginParam = new("throughOrigin", "Whether the regression is through the origin.", false);
    private static readonly Param<string> LabelColParam = SharedParams.LabelCol, PredictionColParam = SharedParams.PredictionCol, WeightColParam = SharedParams.WeightCol;

    /// <summary>An evaluator of RMSE by default.</summary>
    public RegressionEvaluator(string? uid = null) : base("org.apache.spark.ml.evaluation.RegressionEvaluator", uid) { }

    /// <inheritdoc />
    public override string MetricName { get => Get(MetricNameParam); set => SetValue(MetricNameParam, value); }
    /// <inheritdoc />
    public override bool IsLargerBetter => MetricName is "r2" or "var";
    /// <summary>Label column. Default <c>label</c>.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Prediction column. Default <c>prediction</c>.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
    /// <summary>Weight column; unset means 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Whether R² assumes a regression through the origin. Default false.</summary>
    public bool ThroughOrigin { get => Get(ThroughOriginParam); set => SetValue(ThroughOriginParam, value); }
}

/// <summary>Clustering quality (<c>silhouette</c>) — Spark's <c>ClusteringEvaluator</c>.</summary>
public sealed class ClusteringEvaluator : Evaluator
{
    /// <summary>metricName.</summary>
    public static readonly Param<string> MetricNameParam = SharedParams.MetricName("metric name in evaluation (silhouette)", "silhouette");
    /// <summary>distanceMeasure.</summary>
    public static readonly Param<string> DistanceMeasureParam = new("distanceMeasure",
        "distance measure in evaluation. Supported options: 'squaredEuclidean' and 'cosine'", "squaredEuclidean");
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, PredictionColParam = SharedParams.PredictionCol, WeightColParam = SharedParams.WeightCol;

    /// <summary>An evaluator of the silhouette with squared Euclidean distance by default.</summary>
    public ClusteringEvaluator(string? uid = null) : base("org.apache.spark.ml.evaluation.ClusteringEvaluator", uid) { }

    /// <inheritdoc />
    public override string MetricName { get => Get(MetricNameParam); set => SetValue(MetricNameParam, value); }
    /// <inheritdoc />
    public override bool IsLargerBetter => true;
    /// <summary>Features column. Default <c>features</c>.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Cluster index column. Default <c>prediction</c>.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
    /// <summary>Weight column; unset means 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary><c>squaredEuclidean</c> or <c>cosine</c>. Default <c>squaredEuclidean</c>.</summary>
    public string DistanceMeasure { get => Get(DistanceMeasureParam); set => SetValue(DistanceMeasureParam, value); }
}

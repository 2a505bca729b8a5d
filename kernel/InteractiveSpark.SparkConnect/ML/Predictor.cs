namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// An estimator that learns to predict a label from a features vector, Spark's <c>Predictor</c>: the columns every
/// regressor and classifier reads and writes. Its params are declared once here, as Spark declares them once in its
/// shared traits, so each algorithm's class holds only its own.
/// </summary>
/// <typeparam name="TModel">The fitted model.</typeparam>
public abstract class Predictor<TModel> : Estimator<TModel> where TModel : Model
{
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, LabelColParam = SharedParams.LabelCol,
        PredictionColParam = SharedParams.PredictionCol;

    private protected Predictor(string className, string? uid) : base(className, uid) { }

    /// <summary>Features column (a vector). Default <c>features</c>.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Label column (doubles; for a classifier the class index 0, 1, ...). Default <c>label</c>.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Prediction column (for a classifier the predicted class index). Default <c>prediction</c>.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }
}

/// <summary>A classifier that also gives class probabilities and raw scores, Spark's <c>ProbabilisticClassifier</c>.</summary>
/// <typeparam name="TModel">The fitted model.</typeparam>
public abstract class ProbabilisticClassifier<TModel> : Predictor<TModel> where TModel : Model
{
    private static readonly Param<string> ProbabilityColParam = SharedParams.ProbabilityCol, RawPredictionColParam = SharedParams.RawPredictionCol;

    private protected ProbabilisticClassifier(string className, string? uid) : base(className, uid) { }

    /// <summary>Class probabilities column (a vector). Default <c>probability</c>.</summary>
    public string ProbabilityCol { get => Get(ProbabilityColParam); set => SetValue(ProbabilityColParam, value); }
    /// <summary>Raw prediction (margins or votes) column. Default <c>rawPrediction</c>.</summary>
    public string RawPredictionCol { get => Get(RawPredictionColParam); set => SetValue(RawPredictionColParam, value); }
}

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Linear regression (least squares, optionally Huber, with elastic-net regularization) — Spark's <c>org.apache.spark.ml.regression.LinearRegression</c>.</summary>
public sealed class LinearRegression : Predictor<LinearRegressionModel>
{
    internal const string JvmClass = "org.apache.spark.ml.regression.LinearRegression";

    /// <summary>solver.</summary>
    public static readonly Param<string> SolverParam = new("solver",
        "The solver algorithm for optimization. Supported options: auto, normal, l-bfgs. (Default auto)", "auto");
    /// <summary>loss.</summary>
    public static readonly Param<string> LossParam = new("loss", "The loss function to be optimized. Supported options: squaredError, huber. (Default squaredError)", "squaredError");
    /// <summary>epsilon.</summary>
    public static readonly Param<double> EpsilonParam = new("epsilon", "The shape parameter to control the amount of robustness. Must be > 1.0.", 1.35);
    private static readonly Param<string> WeightColParam = SharedParams.WeightCol;
    private static readonly Param<int> MaxIterParam = SharedParams.MaxIter;
    private static readonly Param<double> RegParamParam = SharedParams.RegParam, ElasticNetParamParam = SharedParams.ElasticNetParam, TolParam = SharedParams.Tol;
    private static readonly Param<bool> FitInterceptParam = SharedParams.FitIntercept, StandardizationParam = SharedParams.Standardization;

    /// <summary>A linear regression with Spark's defaults.</summary>
    public LinearRegression(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Instance weight column; unset means weight 1.</summary>
    public string? WeightCol { get => GetOrNull(WeightColParam); set => SetValue(WeightColParam, value); }
    /// <summary>Maximum iterations. Default 100.</summary>
    public int MaxIter { get => Get(MaxIterParam); set => SetValue(MaxIterParam, value); }
    /// <summary>Regularization (≥ 0). Default 0.</summary>
    public double RegParam { get => Get(RegParamParam); set => SetValue(RegParamParam, value); }
    /// <summary>ElasticNet mixing, 0 (L2) to 1 (L1). Default 0.</summary>
    public double ElasticNetParam { get => Get(ElasticNetParamParam); set => SetValue(ElasticNetParamParam, value); }
    /// <summary>Convergence tolerance. Default 1e-6.</summary>
    public double Tol { get => Get(TolParam); set => SetValue(TolParam, value); }
    /// <summary>Whether to fit an intercept. Default true.</summary>
    public bool FitIntercept { get => Get(FitInterceptParam); set => SetValue(FitInterceptParam, value); }
    /// <summary>Whether to standardize features. Default true.</summary>
    public bool Standardization { get => Get(StandardizationParam); set => SetValue(StandardizationParam, value); }
    /// <summary><c>auto</c>, <c>normal</c> or <c>l-bfgs</c>. Default <c>auto</c>.</summary>
    public string Solver { get => Get(SolverParam); set => SetValue(SolverParam, value); }
    /// <summary><c>squaredError</c> or <c>huber</c>. Default <c>squaredError</c>.</summary>
    public string Loss { get => Get(LossParam); set => SetValue(LossParam, value); }
    /// <summary>Huber's robustness shape (&gt; 1). Default 1.35.</summary>
    public double Epsilon { get => Get(EpsilonParam); set => SetValue(EpsilonParam, value); }

    private protected override LinearRegressionModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);

    /// <summary>Loads an estimator saved with <see cref="Estimator{TModel}.SaveAsync"/>.</summary>
    public static Task<LinearRegression> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new LinearRegression(uid), cancellationToken);
}

/// <summary>A fitted <see cref="LinearRegression"/>: coefficients, intercept, training summary (RMSE, R², residuals).</summary>
public sealed class LinearRegressionModel : Model
{
    internal const string JvmClass = "org.apache.spark.ml.regression.LinearRegressionModel";
    private static readonly Param<string> FeaturesColParam = SharedParams.FeaturesCol, LabelColParam = SharedParams.LabelCol, PredictionColParam = SharedParams.PredictionCol;

    internal LinearRegressionModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Features column the model reads.</summary>
    public string FeaturesCol { get => Get(FeaturesColParam); set => SetValue(FeaturesColParam, value); }
    /// <summary>Label column it was trained on.</summary>
    public string LabelCol { get => Get(LabelColParam); set => SetValue(LabelColParam, value); }
    /// <summary>Prediction column it adds.</summary>
    public string PredictionCol { get => Get(PredictionColParam); set => SetValue(PredictionColParam, value); }

    /// <summary>One coefficient per feature.</summary>
    public Task<Vector> CoefficientsAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "coefficients");
    /// <summary>The intercept.</summary>
    public Task<double> InterceptAsync(CancellationToken cancellationToken = default) => FetchAsync<double>(cancellationToken, "intercept");
    /// <summary>Huber's scale (1.0 for squared error).</summary>
    public Task<double> ScaleAsync(CancellationToken cancellationToken = default) => FetchAsync<double>(cancellationToken, "scale");
    /// <summary>Number of features.</summary>
    public Task<int> NumFeaturesAsync(CancellationToken cancellationToken = default) => FetchAsync<int>(cancellationToken, "numFeatures");
    /// <summary>The training summary (RMSE, R², residuals), read from the server on demand.</summary>
    public TrainingSummary Summary => new(this);

    /// <summary>Loads a saved model.</summary>
    public static Task<LinearRegressionModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new LinearRegressionModel(s, id, uid), cancellationToken);
}

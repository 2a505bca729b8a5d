namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Scales a vector column to unit standard deviation (and optionally zero mean) — Spark's <c>org.apache.spark.ml.feature.StandardScaler</c>.</summary>
public sealed class StandardScaler : Estimator<StandardScalerModel>
{
    internal const string JvmClass = "org.apache.spark.ml.feature.StandardScaler";

    /// <summary>withMean.</summary>
    public static readonly Param<bool> WithMeanParam = new("withMean", "Whether to center data with mean", false);
    /// <summary>withStd.</summary>
    public static readonly Param<bool> WithStdParam = new("withStd", "Whether to scale the data to unit standard deviation", true);
    private static readonly Param<string> InputColParam = SharedParams.InputCol, OutputColParam = SharedParams.OutputCol;

    /// <summary>A scaler; set <see cref="InputCol"/> and <see cref="OutputCol"/>.</summary>
    public StandardScaler(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Vector column to scale.</summary>
    public string? InputCol { get => GetOrNull(InputColParam); set => SetValue(InputColParam, value); }
    /// <summary>Scaled vector column to add.</summary>
    public string? OutputCol { get => GetOrNull(OutputColParam); set => SetValue(OutputColParam, value); }
    /// <summary>Center to zero mean (makes sparse vectors dense). Default false.</summary>
    public bool WithMean { get => Get(WithMeanParam); set => SetValue(WithMeanParam, value); }
    /// <summary>Scale to unit standard deviation. Default true.</summary>
    public bool WithStd { get => Get(WithStdParam); set => SetValue(WithStdParam, value); }

    private protected override StandardScalerModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);
}

/// <summary>A fitted <see cref="StandardScaler"/>: the means and standard deviations it learned.</summary>
public sealed class StandardScalerModel : Model
{
    internal const string JvmClass = "org.apache.spark.ml.feature.StandardScalerModel";

    internal StandardScalerModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Mean of each feature.</summary>
    public Task<Vector> MeanAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "mean");
    /// <summary>Standard deviation of each feature.</summary>
    public Task<Vector> StdAsync(CancellationToken cancellationToken = default) => FetchAsync<Vector>(cancellationToken, "std");

    /// <summary>Loads a saved model.</summary>
    public static Task<StandardScalerModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new StandardScalerModel(s, id, uid), cancellationToken);
}

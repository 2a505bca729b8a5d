namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Maps category indices to one-hot (sparse) vectors — Spark's <c>org.apache.spark.ml.feature.OneHotEncoder</c>.</summary>
public sealed class OneHotEncoder : Estimator<OneHotEncoderModel>
{
    internal const string JvmClass = "org.apache.spark.ml.feature.OneHotEncoder";

    /// <summary>dropLast.</summary>
    public static readonly Param<bool> DropLastParam = new("dropLast", "whether to drop the last category", true);
    /// <summary>handleInvalid for OneHotEncoder.</summary>
    public static readonly Param<string> HandleInvalidParam = new("handleInvalid",
        "How to handle invalid data during transform. Options are 'keep' (invalid data presented as an extra categorical feature) or error (throw an error). Note that this Param is only used during transform; during fitting, invalid data will result in an error.", "error");
    private static readonly Param<string> InputColParam = SharedParams.InputCol, OutputColParam = SharedParams.OutputCol;
    private static readonly Param<string[]> InputColsParam = SharedParams.InputCols, OutputColsParam = SharedParams.OutputCols;

    /// <summary>An encoder; set <see cref="InputCols"/>/<see cref="OutputCols"/> (or the singular forms).</summary>
    public OneHotEncoder(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Index column to encode.</summary>
    public string? InputCol { get => GetOrNull(InputColParam); set => SetValue(InputColParam, value); }
    /// <summary>Vector column to add.</summary>
    public string? OutputCol { get => GetOrNull(OutputColParam); set => SetValue(OutputColParam, value); }
    /// <summary>Index columns to encode.</summary>
    public string[]? InputCols { get => GetOrNull(InputColsParam); set => SetValue(InputColsParam, value); }
    /// <summary>Vector columns to add.</summary>
    public string[]? OutputCols { get => GetOrNull(OutputColsParam); set => SetValue(OutputColsParam, value); }
    /// <summary>Whether to drop the last category (so the vectors are not collinear). Default true.</summary>
    public bool DropLast { get => Get(DropLastParam); set => SetValue(DropLastParam, value); }
    /// <summary><c>error</c> or <c>keep</c>. Default <c>error</c>.</summary>
    public string HandleInvalid { get => Get(HandleInvalidParam); set => SetValue(HandleInvalidParam, value); }

    private protected override OneHotEncoderModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);
}

/// <summary>A fitted <see cref="OneHotEncoder"/>: how many categories each input has.</summary>
public sealed class OneHotEncoderModel : Model
{
    internal const string JvmClass = "org.apache.spark.ml.feature.OneHotEncoderModel";

    internal OneHotEncoderModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>Categories per input column.</summary>
    public Task<int[]> CategorySizesAsync(CancellationToken cancellationToken = default) => FetchAsync<int[]>(cancellationToken, "categorySizes");

    /// <summary>Loads a saved model.</summary>
    public static Task<OneHotEncoderModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new OneHotEncoderModel(s, id, uid), cancellationToken);
}

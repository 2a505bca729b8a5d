namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Maps string (or any) label columns to indices 0, 1, ... by frequency — Spark's <c>org.apache.spark.ml.feature.StringIndexer</c>.</summary>
public sealed class StringIndexer : Estimator<StringIndexerModel>
{
    internal const string JvmClass = "org.apache.spark.ml.feature.StringIndexer";

    /// <summary>stringOrderType.</summary>
    public static readonly Param<string> StringOrderTypeParam = new("stringOrderType",
        "How to order labels of string column. The first label after ordering is assigned an index of 0. Supported options: frequencyDesc, frequencyAsc, alphabetDesc, alphabetAsc.", "frequencyDesc");
    /// <summary>handleInvalid for StringIndexer.</summary>
    public static readonly Param<string> HandleInvalidParam = new("handleInvalid",
        "How to handle invalid data (unseen labels or NULL values). Options are 'skip' (filter out rows with invalid data), error (throw an error), or 'keep' (put invalid data in a special additional bucket, at index numLabels).", "error");
    private static readonly Param<string> InputColParam = SharedParams.InputCol, OutputColParam = SharedParams.OutputCol;
    private static readonly Param<string[]> InputColsParam = SharedParams.InputCols, OutputColsParam = SharedParams.OutputCols;

    /// <summary>An indexer; set <see cref="InputCol"/>/<see cref="OutputCol"/> (or the plural forms).</summary>
    public StringIndexer(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Column to index.</summary>
    public string? InputCol { get => GetOrNull(InputColParam); set => SetValue(InputColParam, value); }
    /// <summary>Index column to add.</summary>
    public string? OutputCol { get => GetOrNull(OutputColParam); set => SetValue(OutputColParam, value); }
    /// <summary>Several columns to index.</summary>
    public string[]? InputCols { get => GetOrNull(InputColsParam); set => SetValue(InputColsParam, value); }
    /// <summary>Their index columns.</summary>
    public string[]? OutputCols { get => GetOrNull(OutputColsParam); set => SetValue(OutputColsParam, value); }
    /// <summary>Label order. Default <c>frequencyDesc</c>.</summary>
    public string StringOrderType { get => Get(StringOrderTypeParam); set => SetValue(StringOrderTypeParam, value); }
    /// <summary><c>error</c>, <c>skip</c> or <c>keep</c>. Default <c>error</c>.</summary>
    public string HandleInvalid { get => Get(HandleInvalidParam); set => SetValue(HandleInvalidParam, value); }

    private protected override StringIndexerModel CreateModel(SparkSession session, string objectId, string uid) => new(session, objectId, uid);
}

/// <summary>A fitted <see cref="StringIndexer"/>: the labels in index order.</summary>
public sealed class StringIndexerModel : Model
{
    internal const string JvmClass = "org.apache.spark.ml.feature.StringIndexerModel";

    internal StringIndexerModel(SparkSession session, string objectId, string uid) : base(JvmClass, session, objectId, uid) { }

    /// <summary>The labels of each input column, index 0 first.</summary>
    public Task<string[][]> LabelsArrayAsync(CancellationToken cancellationToken = default) => FetchAsync<string[][]>(cancellationToken, "labelsArray");

    /// <summary>Loads a saved model.</summary>
    public static Task<StringIndexerModel> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadModelAsync(session, JvmClass, path, (s, id, uid) => new StringIndexerModel(s, id, uid), cancellationToken);
}

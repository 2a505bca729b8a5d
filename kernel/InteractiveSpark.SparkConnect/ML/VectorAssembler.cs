namespace InteractiveSpark.SparkConnect.ML;

/// <summary>Combines numeric, boolean and vector columns into one vector column — Spark's <c>org.apache.spark.ml.feature.VectorAssembler</c>.</summary>
public sealed class VectorAssembler : Transformer
{
    internal const string JvmClass = "org.apache.spark.ml.feature.VectorAssembler";

    /// <summary>handleInvalid for VectorAssembler.</summary>
    public static readonly Param<string> HandleInvalidParam = new("handleInvalid",
        "How to handle invalid data (NULL and NaN values). Options are 'skip' (filter out rows with invalid data), 'error' (throw an error), or 'keep' (return relevant number of NaN in the output). Column lengths are taken from the size of ML Attribute Group, which can be set using `VectorSizeHint` in a pipeline before `VectorAssembler`. Column lengths can also be inferred from first rows of the data since it is safe to do so but only in case of 'error' or 'skip'.",
        "error");
    private static readonly Param<string[]> InputColsParam = SharedParams.InputCols;
    private static readonly Param<string> OutputColParam = SharedParams.OutputCol.WithDefault("VectorAssembler_output");

    /// <summary>An assembler; set <see cref="InputCols"/> and <see cref="OutputCol"/>.</summary>
    public VectorAssembler(string? uid = null) : base(JvmClass, uid) { }

    /// <summary>Columns to combine, in order.</summary>
    public string[]? InputCols { get => GetOrNull(InputColsParam); set => SetValue(InputColsParam, value); }
    /// <summary>The vector column to add (Spark's default: <c>uid__output</c>).</summary>
    public string OutputCol { get => Get(OutputColParam); set => SetValue(OutputColParam, value); }
    /// <summary><c>error</c>, <c>skip</c> or <c>keep</c>. Default <c>error</c>.</summary>
    public string HandleInvalid { get => Get(HandleInvalidParam); set => SetValue(HandleInvalidParam, value); }

    /// <summary>Loads a saved assembler.</summary>
    public static Task<VectorAssembler> LoadAsync(SparkSession session, string path, CancellationToken cancellationToken = default) =>
        MlPersistence.LoadStageAsync(session, path, uid => new VectorAssembler(uid), cancellationToken);

    /// <summary>Saves this transformer's params to <paramref name="path"/> in Spark's format.</summary>
    public Task SaveAsync(SparkSession session, string path, bool overwrite = false, CancellationToken cancellationToken = default) =>
        MlPersistence.SaveOperatorAsync(session, this, path, overwrite, cancellationToken);
}

using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// Save and load through the server (MlCommand.Write / Read): the files are Spark's own ML persistence format,
/// readable by PySpark or Scala Spark, written where the server's file system (or HDFS) puts <c>path</c>.
/// </summary>
internal static class MlPersistence
{
    internal static async Task SaveOperatorAsync(SparkSession session, PipelineStage stage, string path, bool overwrite, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var write = new P.MlCommand.Types.Write { Operator = stage.ToOperator(), Params = stage.ToProtoParams(), Path = path, ShouldOverwrite = overwrite };
        await MlCommands.RunAsync(session, new P.MlCommand { Write = write }, $"Saving {stage} to {path}", ct).ConfigureAwait(false);
    }

    internal static async Task SaveModelAsync(Model model, string path, bool overwrite, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var write = new P.MlCommand.Types.Write { ObjRef = model.Ref, Params = model.ToProtoParams(), Path = path, ShouldOverwrite = overwrite };
        await MlCommands.RunAsync(model.Session, new P.MlCommand { Write = write }, $"Saving {model} to {path}", ct).ConfigureAwait(false);
    }

    /// <summary>Loads a saved model of JVM class <paramref name="className"/> into the server's cache and wraps its reference.</summary>
    internal static async Task<TModel> LoadModelAsync<TModel>(
        SparkSession session, string className, string path, Func<SparkSession, string, string, TModel> create, CancellationToken ct)
        where TModel : Model
    {
        var info = await ReadAsync(session, className, P.MlOperator.Types.OperatorType.Model, path, ct).ConfigureAwait(false);
        if (info.ObjRef is null) throw new SparkException($"Loading {className} from {path}: the server returned no model reference.");
        var model = create(session, info.ObjRef.Id, info.HasUid ? info.Uid : PipelineStage.NewUid(className));
        model.TakeServerParams(info.Params);
        model.Warning = info.HasWarningMessage ? info.WarningMessage : null;
        return model;
    }

    /// <summary>Loads a saved estimator, transformer or evaluator: its uid and params come back, nothing stays on the server.</summary>
    internal static async Task<TStage> LoadStageAsync<TStage>(SparkSession session, string path, Func<string, TStage> create, CancellationToken ct)
        where TStage : PipelineStage
    {
        var probe = create(PipelineStage.NewUid("probe"));
        var info = await ReadAsync(session, probe.ClassName, probe.OperatorType, path, ct).ConfigureAwait(false);
        var stage = create(info.HasUid ? info.Uid : probe.Uid);
        stage.TakeServerParams(info.Params);
        return stage;
    }

    private static async Task<P.MlCommandResult.Types.MlOperatorInfo> ReadAsync(
        SparkSession session, string className, P.MlOperator.Types.OperatorType type, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var read = new P.MlCommand.Types.Read { Operator = new P.MlOperator { Name = className, Uid = PipelineStage.NewUid(className), Type = type }, Path = path };
        var result = await MlCommands.RunAsync(session, new P.MlCommand { Read = read }, $"Loading {className} from {path}", ct).ConfigureAwait(false);
        return result.OperatorInfo ?? throw new SparkException($"Loading {className} from {path}: the server returned no operator.");
    }
}

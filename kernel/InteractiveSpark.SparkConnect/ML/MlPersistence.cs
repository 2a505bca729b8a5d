using System.Globalization;
using System.Text.Json.Nodes;
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

    /// <summary>The stage types a saved pipeline may hold, by JVM class: how to load each.</summary>
    private static readonly Dictionary<string, Func<SparkSession, string, CancellationToken, Task<Transformer>>> StageLoaders = new()
    {
        [LogisticRegressionModel.JvmClass] = async (s, p, ct) => await LogisticRegressionModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [RandomForestClassificationModel.JvmClass] = async (s, p, ct) => await RandomForestClassificationModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [GBTClassificationModel.JvmClass] = async (s, p, ct) => await GBTClassificationModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [LinearRegressionModel.JvmClass] = async (s, p, ct) => await LinearRegressionModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [KMeansModel.JvmClass] = async (s, p, ct) => await KMeansModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [StringIndexerModel.JvmClass] = async (s, p, ct) => await StringIndexerModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [OneHotEncoderModel.JvmClass] = async (s, p, ct) => await OneHotEncoderModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [StandardScalerModel.JvmClass] = async (s, p, ct) => await StandardScalerModel.LoadAsync(s, p, ct).ConfigureAwait(false),
        [VectorAssembler.JvmClass] = async (s, p, ct) => await VectorAssembler.LoadAsync(s, p, ct).ConfigureAwait(false),
    };

    // Spark's PipelineSharedReadWrite: stage i of n is saved in stages/{i zero-padded to n's digits}_{uid}.
    private static string StageDir(string path, int index, int count, string uid) =>
        $"{path.TrimEnd('/')}/stages/{index.ToString(CultureInfo.InvariantCulture).PadLeft(count.ToString(CultureInfo.InvariantCulture).Length, '0')}_{uid}";

    /// <summary>
    /// Spark's PipelineModel layout, written through the server: each stage by its own writer, then the metadata JSON
    /// (what DefaultParamsWriter writes: class, timestamp, sparkVersion, uid, paramMap.stageUids) as a text file.
    /// The server's ML API saves one operator at a time (PySpark's Connect client writes pipelines the same way).
    /// </summary>
    internal static async Task SavePipelineAsync(SparkSession session, PipelineModel pipeline, string path, bool overwrite, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stages = pipeline.Stages;
        for (var i = 0; i < stages.Count; i++)
        {
            var dir = StageDir(path, i, stages.Count, stages[i].Uid);
            if (stages[i] is Model m) await SaveModelAsync(m, dir, overwrite, ct).ConfigureAwait(false);
            else await SaveOperatorAsync(session, stages[i], dir, overwrite, ct).ConfigureAwait(false);
        }

        var metadata = new JsonObject
        {
            ["class"] = PipelineModel.JvmClass,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["sparkVersion"] = await session.VersionAsync(ct).ConfigureAwait(false),
            ["uid"] = pipeline.Uid,
            ["paramMap"] = new JsonObject { ["stageUids"] = new JsonArray(stages.Select(s => (JsonNode)JsonValue.Create(s.Uid)!).ToArray()) },
            ["defaultParamMap"] = new JsonObject(),
        };
        await session.Range(1).Select(Functions.Lit(metadata.ToJsonString()).Alias("value")).Coalesce(1)
            .Write.Mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
            .TextAsync(path.TrimEnd('/') + "/metadata", ct).ConfigureAwait(false);
    }

    /// <summary>Reads Spark's PipelineModel layout: the metadata names the stages, each stage's own metadata names its class.</summary>
    internal static async Task<PipelineModel> LoadPipelineAsync(SparkSession session, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var metadata = await ReadMetadataAsync(session, path, ct).ConfigureAwait(false);
        var cls = metadata["class"]?.GetValue<string>();
        if (cls is not (PipelineModel.JvmClass))
            throw new SparkException($"{path} holds a {cls ?? "(no class)"}, not a {PipelineModel.JvmClass}.");
        var uids = metadata["paramMap"]?["stageUids"]?.AsArray().Select(u => u!.GetValue<string>()).ToArray()
                   ?? throw new SparkException($"{path}/metadata names no stageUids.");
        var stages = new List<Transformer>();
        try
        {
            for (var i = 0; i < uids.Length; i++)
            {
                var dir = StageDir(path, i, uids.Length, uids[i]);
                var stageClass = (await ReadMetadataAsync(session, dir, ct).ConfigureAwait(false))["class"]?.GetValue<string>() ?? "(no class)";
                if (!StageLoaders.TryGetValue(stageClass, out var load))
                    throw new NotSupportedException($"Stage {i} of {path} is a {stageClass}; InteractiveSpark loads {string.Join(", ", StageLoaders.Keys.Select(k => k[(k.LastIndexOf('.') + 1)..]))}.");
                stages.Add(await load(session, dir, ct).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var m in stages.OfType<Model>()) await m.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PipelineModel(stages, metadata["uid"]?.GetValue<string>());
    }

    private static async Task<JsonNode> ReadMetadataAsync(SparkSession session, string path, CancellationToken ct)
    {
        var row = await session.Read.Text(path.TrimEnd('/') + "/metadata").FirstAsync(ct).ConfigureAwait(false)
                  ?? throw new SparkException($"{path}/metadata is empty.");
        return JsonNode.Parse((string)row[0]!) ?? throw new SparkException($"{path}/metadata is not JSON.");
    }
}

using System.Text.Json.Nodes;
using InteractiveSpark.SparkConnect.ML;

namespace InteractiveSpark.ML.Tests;

/// <summary>
/// Our declared param defaults against Spark's own: an estimator saved with nothing set carries Spark's
/// <c>defaultParamMap</c> in its metadata; every default we declare must equal it.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class ParamDefaultsTests(SparkServerFixture spark)
{
    public static TheoryData<string> Stages => new()
    {
        nameof(LogisticRegression), nameof(RandomForestClassifier), nameof(GBTClassifier), nameof(LinearRegression), nameof(KMeans),
        nameof(VectorAssembler), nameof(StringIndexer), nameof(OneHotEncoder), nameof(StandardScaler),
        nameof(BinaryClassificationEvaluator), nameof(MulticlassClassificationEvaluator), nameof(RegressionEvaluator), nameof(ClusteringEvaluator),
    };

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Every_declared_default_is_Sparks_default(string name)
    {
        var stage = (PipelineStage)Activator.CreateInstance(typeof(PipelineStage).Assembly.GetType("InteractiveSpark.SparkConnect.ML." + name)!, [null])!;
        await using var s = await spark.ConnectAsync();
        var dir = Path.Combine(Path.GetTempPath(), "ispark-ml-defaults-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var save = stage.GetType().GetMethod("SaveAsync", [typeof(InteractiveSpark.SparkConnect.SparkSession), typeof(string), typeof(bool), typeof(CancellationToken)])
                       ?? typeof(Evaluator).GetMethod(nameof(Evaluator.SaveAsync))!;
            await (Task)save.Invoke(stage, [s, dir, false, CancellationToken.None])!;
            var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(dir, "metadata"), "part-*").Single()))!;
            metadata["class"]!.GetValue<string>().Should().Be(stage.ClassName);
            var defaults = metadata["defaultParamMap"]!.AsObject();
            var checkedCount = 0;
            foreach (var p in stage.Params.Where(p => p.Param.Default is not null))
            {
                if (p.Param.Name == "outputCol") continue; // Spark derives it from the uid
                defaults.ContainsKey(p.Param.Name).Should().BeTrue($"{name}.{p.Param.Name} has a default in Spark too");
                var spark = defaults[p.Param.Name]!;
                switch (p.Param.Default)
                {
                    case double d: spark.GetValue<double>().Should().Be(d, $"{name}.{p.Param.Name}"); break;
                    case int i: spark.GetValue<int>().Should().Be(i, $"{name}.{p.Param.Name}"); break;
                    case bool b: spark.GetValue<bool>().Should().Be(b, $"{name}.{p.Param.Name}"); break;
                    case string str: spark.GetValue<string>().Should().Be(str, $"{name}.{p.Param.Name}"); break;
                    default: throw new InvalidOperationException($"{name}.{p.Param.Name}: unexpected default type {p.Param.Default?.GetType()}");
                }
                checkedCount++;
            }
            checkedCount.Should().BePositive();
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}

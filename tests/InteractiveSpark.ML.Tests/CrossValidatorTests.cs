using InteractiveSpark.SparkConnect.ML;

namespace InteractiveSpark.ML.Tests;

/// <summary>Tuning by k-fold cross-validation, every fit and metric on the real server.</summary>
[Collection(SparkCollection.Name)]
public sealed class CrossValidatorTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Cross_validation_picks_the_better_param_map_by_the_average_of_Sparks_fold_metrics()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2", "x3"], OutputCol = "features" }.Transform((await MlData.Binary(s, 1200)));
        var grid = new ParamGridBuilder().AddGrid("regParam", 0.0, 5.0).Build();
        grid.Should().HaveCount(2);
        var evaluator = new MulticlassClassificationEvaluator { MetricName = "accuracy" };
        var cv = new CrossValidator<LogisticRegressionModel>(new LogisticRegression { MaxIter = 10 }, grid, evaluator) { NumFolds = 3, Seed = 5 };

        await using var result = await cv.FitAsync(data);
        result.AverageMetrics.Should().HaveCount(2);
        result.AverageMetrics[0].Should().BeGreaterThan(result.AverageMetrics[1], "a regParam of 5 flattens the model");
        result.BestParams["regParam"].Should().Be(0.0);
        result.BestModel.Get("regParam").Should().Be(0.0);
        result.BestModel.Get("maxIter").Should().Be(10, "the estimator's own params carry over");

        // The first average, recomputed fold by fold with the same split and Spark's evaluator.
        var folds = data.RandomSplit([1.0, 1.0, 1.0], 5);
        var sum = 0.0;
        for (var f = 0; f < 3; f++)
        {
            var training = folds.Where((_, i) => i != f).Aggregate((a, b) => a.Union(b));
            await using var model = await new LogisticRegression { MaxIter = 10, RegParam = 0.0 }.FitAsync(training);
            sum += await evaluator.EvaluateAsync(model.Transform(folds[f]));
        }
        result.AverageMetrics[0].Should().BeApproximately(sum / 3, 1e-12);
    }
}

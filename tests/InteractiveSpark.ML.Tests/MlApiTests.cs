using InteractiveSpark.SparkConnect;
using InteractiveSpark.SparkConnect.ML;
using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.ML.Tests;

/// <summary>Spark ML over Spark Connect from C#, against the real Spark 4.2 server: every metric is checked against Spark's own evaluators.</summary>
[Collection(SparkCollection.Name)]
public sealed class MlApiTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_logistic_regression_pipeline_fits_predicts_with_its_coefficients_and_matches_Sparks_evaluators()
    {
        await using var s = await spark.ConnectAsync();
        var data = await MlData.Binary(s);
        var lr = new LogisticRegression { MaxIter = 50, RegParam = 0.01 };
        await using var model = await new Pipeline(new VectorAssembler { InputCols = ["x1", "x2", "x3"], OutputCol = "features" }, lr).FitAsync(data);
        var lrModel = model.Stage<LogisticRegressionModel>();
        lrModel.MaxIterValue().Should().Be(50, "the model carries its estimator's params");

        var coefficients = await lrModel.CoefficientsAsync();
        var intercept = await lrModel.InterceptAsync();
        coefficients.Size.Should().Be(3);
        coefficients[0].Should().BePositive("x1 raises the score");
        coefficients[1].Should().BeNegative("x2 lowers it");
        (await lrModel.NumClassesAsync()).Should().Be(2);
        (await lrModel.NumFeaturesAsync()).Should().Be(3);

        // Each prediction is the sign of intercept + coefficients·x, with the coefficients we decoded.
        var predictions = model.Transform(data);
        var rows = await predictions.Select("x1", "x2", "x3", "prediction").Limit(50).CollectAsync();
        foreach (var r in rows)
        {
            var margin = intercept + (coefficients[0] * r.Get<double>("x1")) + (coefficients[1] * r.Get<double>("x2")) + (coefficients[2] * r.Get<double>("x3"));
            if (Math.Abs(margin) > 1e-9) r.Get<double>("prediction").Should().Be(margin > 0 ? 1.0 : 0.0);
        }

        // The training summary agrees with Spark's evaluators on the same rows, number by number.
        var accuracy = await new MulticlassClassificationEvaluator { MetricName = "accuracy" }.EvaluateAsync(predictions);
        accuracy.Should().BeInRange(0.6, 0.99, "the data overlap: not separable, not random");
        (await lrModel.Summary.AccuracyAsync()).Should().BeApproximately(accuracy, 1e-12);
        var f1 = await new MulticlassClassificationEvaluator().EvaluateAsync(predictions);
        (await lrModel.Summary.GetAsync("weightedFMeasure")).Should().BeOfType<double>().Which.Should().BeApproximately(f1, 1e-12);
        (await lrModel.Summary.TotalIterationsAsync()).Should().BeInRange(1, 50);
        (await lrModel.Summary.ObjectiveHistoryAsync()).Should().NotBeEmpty().And.BeInDescendingOrder();
        (await lrModel.Summary.Roc.CountAsync()).Should().BeGreaterThan(2);
    }

    [Fact]
    public async Task Tree_ensembles_report_importances_and_trees_and_feature_transformers_learn_what_Spark_computes()
    {
        await using var s = await spark.ConnectAsync();
        var data = await MlData.Binary(s);
        await using var indexer = await new StringIndexer { InputCol = "cat", OutputCol = "catIndex" }.FitAsync(data);
        (await indexer.LabelsArrayAsync())[0].Should().Equal("a", "b", "c"); // by frequency: 50%, 30%, 20%
        var indexed = indexer.Transform(data);
        await using var encoder = await new OneHotEncoder { InputCols = ["catIndex"], OutputCols = ["catVector"] }.FitAsync(indexed);
        (await encoder.CategorySizesAsync()).Should().Equal(3);
        var features = new VectorAssembler { InputCols = ["x1", "x2", "x3", "catVector"], OutputCol = "raw" }.Transform(encoder.Transform(indexed));
        await using var scaler = await new StandardScaler { InputCol = "raw", OutputCol = "features" }.FitAsync(features);
        var std = (await scaler.StdAsync()).ToArray();
        var sqlStd = (await data.Agg(Stddev(Col("x1")), Stddev(Col("x2")), Stddev(Col("x3"))).CollectAsync())[0];
        for (var i = 0; i < 3; i++) std[i].Should().BeApproximately(Convert.ToDouble(sqlStd[i]), 1e-9, $"feature {i}'s std is Spark SQL's stddev_samp");
        var scaled = scaler.Transform(features);

        await using var rf = await new RandomForestClassifier { NumTrees = 8, MaxDepth = 4, Seed = 7 }.FitAsync(scaled);
        var importances = (await rf.FeatureImportancesAsync()).ToArray();
        importances.Should().HaveCount(5);
        importances.Sum().Should().BeApproximately(1.0, 1e-9);
        importances[0].Should().BeGreaterThan(importances[3], "x1 drives the label, the category does not");
        (await rf.NumTreesAsync()).Should().Be(8);
        (await rf.TreeWeightsAsync()).Should().HaveCount(8);

        await using var gbt = await new GBTClassifier { MaxIter = 5, MaxDepth = 3, Seed = 7 }.FitAsync(scaled);
        (await gbt.NumTreesAsync()).Should().Be(5);
        var gbtAuc = await new BinaryClassificationEvaluator().EvaluateAsync(gbt.Transform(scaled));
        var rfAuc = await new BinaryClassificationEvaluator().EvaluateAsync(rf.Transform(scaled));
        gbtAuc.Should().BeInRange(0.7, 1.0);
        rfAuc.Should().BeInRange(0.7, 1.0);
    }

    [Fact]
    public async Task Linear_regression_recovers_the_generating_line_and_its_summary_equals_the_regression_evaluator()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }.Transform((await MlData.Regression(s)));
        await using var model = await new LinearRegression().FitAsync(data);
        var c = await model.CoefficientsAsync();
        c[0].Should().BeApproximately(3.0, 0.01);
        c[1].Should().BeApproximately(-2.0, 0.01);
        (await model.InterceptAsync()).Should().BeApproximately(1.0, 0.02);
        var predictions = model.Transform(data);
        foreach (var metric in new[] { ("rmse", "rootMeanSquaredError"), ("r2", "r2"), ("mae", "meanAbsoluteError"), ("mse", "meanSquaredError") })
        {
            var evaluated = await new RegressionEvaluator { MetricName = metric.Item1 }.EvaluateAsync(predictions);
            var summary = (double)(await model.Summary.GetAsync(metric.Item2))!;
            summary.Should().BeApproximately(evaluated, 1e-9, metric.Item1);
        }
        (await model.Summary.RootMeanSquaredErrorAsync()).Should().BeApproximately(0.2 / Math.Sqrt(12), 0.01, "uniform noise of width 0.2");
    }

    [Fact]
    public async Task KMeans_finds_the_three_blobs_and_the_silhouette_comes_from_Sparks_evaluator()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x", "y"], OutputCol = "features" }.Transform((await MlData.Blobs(s)));
        await using var model = await new KMeans { K = 3, Seed = 1 }.FitAsync(data);
        var centers = await model.ClusterCentersAsync();
        centers.Select(v => (Math.Round(v[0]), Math.Round(v[1]))).Should().BeEquivalentTo(new[] { (0.0, 0.0), (5.0, 5.0), (0.0, 5.0) });
        (await model.Summary.ClusterSizesAsync()).Should().Equal((await model.Summary.ClusterSizesAsync())).And.Subject.Sum().Should().Be(1500);
        (await model.Summary.TrainingCostAsync()).Should().BePositive();
        var silhouette = await new ClusteringEvaluator().EvaluateAsync(model.Transform(data));
        silhouette.Should().BeInRange(0.8, 1.0, "well separated blobs");
    }

    [Fact]
    public async Task Models_and_estimators_save_and_load_in_Sparks_format()
    {
        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2", "x3"], OutputCol = "features" }.Transform((await MlData.Binary(s, 500)));
        var dir = Path.Combine(Path.GetTempPath(), "ispark-ml-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var model = await new LogisticRegression { MaxIter = 7 }.FitAsync(data);
            await model.SaveAsync(Path.Combine(dir, "model"));
            // Spark's DefaultParamsWriter layout: metadata/part-* holds the JSON naming the class (the server shares this file system).
            var metadata = Directory.GetFiles(Path.Combine(dir, "model", "metadata"), "part-*").Single();
            (await File.ReadAllTextAsync(metadata)).Should().Contain("\"class\":\"org.apache.spark.ml.classification.LogisticRegressionModel\"");
            await using var loaded = await LogisticRegressionModel.LoadAsync(s, Path.Combine(dir, "model"));
            loaded.ObjectId.Should().NotBe(model.ObjectId);
            (await loaded.CoefficientsAsync()).ToArray().Should().Equal((await model.CoefficientsAsync()).ToArray());
            (await loaded.InterceptAsync()).Should().Be(await model.InterceptAsync());
            var a = await model.Transform(data).Select("prediction").CollectAsync();
            var b = await loaded.Transform(data).Select("prediction").CollectAsync();
            b.Select(r => r[0]).Should().Equal(a.Select(r => r[0]));
            var again = async () => await model.SaveAsync(Path.Combine(dir, "model"));
            (await again.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("model");
            await model.SaveAsync(Path.Combine(dir, "model"), overwrite: true);

            await new LogisticRegression { MaxIter = 7, RegParam = 0.5 }.SaveAsync(s, Path.Combine(dir, "estimator"));
            var estimator = await LogisticRegression.LoadAsync(s, Path.Combine(dir, "estimator"));
            estimator.MaxIter.Should().Be(7);
            estimator.RegParam.Should().Be(0.5);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_pipeline_model_saves_in_Sparks_layout_and_loads_back_with_every_stage()
    {
        await using var s = await spark.ConnectAsync();
        var data = await MlData.Binary(s, 600);
        await using var model = await new Pipeline(
            new StringIndexer { InputCol = "cat", OutputCol = "catIndex" },
            new OneHotEncoder { InputCols = ["catIndex"], OutputCols = ["catVector"] },
            new VectorAssembler { InputCols = ["x1", "x2", "catVector"], OutputCol = "features" },
            new LogisticRegression { MaxIter = 10 }).FitAsync(data);
        var dir = Path.Combine(Path.GetTempPath(), "ispark-ml-pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await model.SaveAsync(s, dir);
            Directory.GetDirectories(Path.Combine(dir, "stages")).Select(Path.GetFileName).Should()
                .BeEquivalentTo(model.Stages.Select((t, i) => $"{i}_{t.Uid}"));
            var expected = (await model.Transform(data).Select("prediction", "probability").CollectAsync()).Select(r => r[1]!.ToString()).ToArray();

            await using var loaded = await PipelineModel.LoadAsync(s, dir);
            loaded.Uid.Should().Be(model.Uid);
            loaded.Stages.Select(t => t.GetType()).Should().Equal(model.Stages.Select(t => t.GetType()));
            ((VectorAssembler)loaded.Stages[2]).InputCols.Should().Equal("x1", "x2", "catVector");
            (await loaded.Transform(data).Select("probability").CollectAsync()).Select(r => r[0]!.ToString()).Should().Equal(expected);

            // Spark's own reader is not reachable over Connect: the server refuses to read a PipelineModel as one operator.
            var sparkRead = async () => await MlPersistence.LoadModelAsync(s, PipelineModel.JvmClass, dir, (ss, id, uid) => new AnyModel(ss, id, uid), default);
            (await sparkRead.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("Unsupported read for org.apache.spark.ml.PipelineModel");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class AnyModel(SparkSession session, string id, string uid) : Model(PipelineModel.JvmClass, session, id, uid);

    [Fact]
    public async Task Params_have_Sparks_names_docs_and_defaults_and_bad_values_come_back_as_clear_errors()
    {
        var lr = new LogisticRegression();
        lr.MaxIter.Should().Be(100);
        lr.IsSet("maxIter").Should().BeFalse();
        lr.Params.Single(p => p.Param.Name == "regParam").Should().Be(new ParamValue(lr.Params.Single(p => p.Param.Name == "regParam").Param, 0.0, false));
        lr.MaxIter = 5;
        lr.ExplainParams().Split('\n').Should().Contain("maxIter: maximum number of iterations (>= 0) (default: 100, current: 5)");
        new KMeans().MaxIter.Should().Be(20, "KMeans overrides the shared default");
        new GBTClassifier().FeatureSubsetStrategy.Should().Be("all");

        await using var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }.Transform((await MlData.Binary(s, 100)));
        var bad = async () => await new LogisticRegression { ElasticNetParam = 3.0 }.FitAsync(data);
        (await bad.Should().ThrowAsync<SparkException>()).Which.Message.Should().StartWith("Fitting LogisticRegression").And.Contain("elasticNetParam");
        var missing = async () => await new LogisticRegression { FeaturesCol = "nope" }.FitAsync(data);
        (await missing.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("nope");
    }

    [Fact]
    public async Task A_disposed_model_is_gone_from_the_server_and_a_closed_session_releases_its_models()
    {
        var s = await spark.ConnectAsync();
        var data = new VectorAssembler { InputCols = ["x1", "x2"], OutputCol = "features" }.Transform((await MlData.Binary(s, 200)));
        var model = await new LogisticRegression { MaxIter = 3 }.FitAsync(data);
        var sameRef = (LogisticRegressionModel)typeof(LogisticRegressionModel)
            .GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)[0]
            .Invoke([s, model.ObjectId, model.Uid]);
        (await sameRef.InterceptAsync()).Should().Be(await model.InterceptAsync(), "a second handle to the same server object works while it lives");

        await model.DisposeAsync();
        model.IsReleased.Should().BeTrue();
        var use = () => model.Transform(data);
        use.Should().Throw<ObjectDisposedException>().WithMessage("*released on the server*");
        var fetch = async () => await sameRef.InterceptAsync();
        (await fetch.Should().ThrowAsync<SparkException>("the server deleted it")).Which.Message.Should().Contain(model.ObjectId);

        var other = await new LogisticRegression { MaxIter = 3 }.FitAsync(data);
        await s.DisposeAsync();
        other.IsReleased.Should().BeTrue("the server frees a session's models when the session ends");
        await other.DisposeAsync(); // nothing left to do, and no error
    }

    [Fact]
    public async Task A_server_without_Connect_ML_gets_a_message_naming_the_Spark_version_needed()
    {
        await using var s = await spark.ConnectAsync();
        var version = await s.VersionAsync();
        var where = s.ConnectionString;
        var act = () => MlCommands.EnsureSupported(version, where);
        act.Should().NotThrow("this server runs Spark " + version);

        foreach (var old in new[] { "3.5.3", "3.4.0", "" })
        {
            var check = () => MlCommands.EnsureSupported(old, where);
            check.Should().Throw<SparkException>().WithMessage("Spark ML over Spark Connect needs a Spark 4.0.0 or newer server*")
                .Which.Message.Should().NotContain(spark.Token);
        }

        // An operator this server's Connect ML does not know: the error names it.
        var data = new VectorAssembler { InputCols = ["x1"], OutputCol = "features" }.Transform((await MlData.Binary(s, 10)));
        var unknown = new UnknownEstimator();
        var fit = async () => await unknown.FitAsync(data);
        var error = (await fit.Should().ThrowAsync<SparkException>()).Which;
        error.Message.Should().StartWith("Fitting NoSuchEstimator").And.Contain("org.example.NoSuchEstimator");
        error.ErrorClass.Should().StartWith("CONNECT_ML.", "Spark's error class is kept on the wrapping exception");
    }

    private sealed class UnknownEstimator() : Estimator<LogisticRegressionModel>("org.example.NoSuchEstimator", null)
    {
        private protected override LogisticRegressionModel CreateModel(SparkSession session, string objectId, string uid) =>
            throw new InvalidOperationException("never fitted");
    }
}

internal static class ModelParamExtensions
{
    public static int MaxIterValue(this Model m) => (int)m.Get("maxIter")!;
}

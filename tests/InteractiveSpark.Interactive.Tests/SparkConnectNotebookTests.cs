using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>#!spark-connect through Jupyter and the dotnet-interactive kernel, against a real Spark Connect server.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SparkConnectNotebookTests : IClassFixture<SparkServerFixture>
{
    private readonly SparkServerFixture _spark;

    public SparkConnectNotebookTests(SparkServerFixture spark) => _spark = spark;

    [Fact]
    public async Task A_url_session_connects_in_the_real_kernel_and_its_variable_works()
    {
        var notebook = await NotebookRunner.ExecuteAsync(
            "tests/InteractiveSpark.Interactive.Tests/TestNotebooks/connect-url.ipynb",
            new NotebookRunOptions
            {
                Environment = new Dictionary<string, string>
                {
                    ["ISPARK_PACKAGES"] = NotebookRunner.PackagesFolder,
                    ["ISPARK_TEST_SPARK"] = _spark.Url,
                },
            });

        notebook.Errors.Should().BeEmpty();
        var connect = notebook.Cells.Single(c => c.Source.StartsWith("#!spark-connect", StringComparison.Ordinal));
        connect.Text.Should().MatchRegex(@"^dev: Spark 4\.\d+\.\d+\S*, sc://[^ /;]+:\d+, session [0-9a-f-]{36}, ");
        var use = notebook.Cells.Single(c => c.Source.Contains("VersionAsync")).Text.Split('\n');
        use.Should().Contain(l => l.StartsWith("version 4.", StringComparison.Ordinal));
        use.Should().Contain("type InteractiveSpark.SparkConnect.SparkSession");
        var sessionId = connect.Text.Split("session ")[1].Split(',')[0];
        use.Should().Contain($"session {sessionId}", "the variable holds the session the line announced");
        notebook.Document.ToJsonString().Should().NotContain(_spark.Token, "no output shows the token");
    }
}

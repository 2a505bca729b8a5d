using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>notebooks/cluster.ipynb through Jupyter (nbconvert --execute) on InteractiveSpark's own kernel against the Marathon emulator: the issue's end-to-end flow.</summary>
[Collection(MarathonCollection.Name)]
public sealed class ClusterNotebookTests(MarathonFixture fx)
{
    [Fact]
    public async Task The_cluster_notebook_starts_two_executors_runs_a_query_on_them_reads_executor_1s_log_and_leaves_nothing()
    {
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/cluster.ipynb", new NotebookRunOptions
        {
            Kernel = NotebookKernel.InteractiveSpark,
            Timeout = TimeSpan.FromMinutes(10),
            Environment = new Dictionary<string, string>
            {
                ["ISPARK_MARATHON_URL"] = fx.Emulator.Url.ToString(),
                ["ISPARK_MARATHON_USER"] = MarathonFixture.User,
                ["ISPARK_MARATHON_PASSWORD"] = fx.Password,
                ["ISPARK_MARATHON_IMAGE"] = fx.DriverImage,
            },
        });

        notebook.Errors.Should().BeEmpty();
        string Cell(string id) => notebook.Cells.Single(c => (string?)c.Json["id"] == id).Text;
        Cell("connect").Split('\n')[^1].Should().MatchRegex(
            @"^cluster: Spark 4\.\d+\.\d+\S*, Marathon app /staging-analytics/cluster-[0-9a-f]{12}/driver on localhost \(.*2 executor\(s\) in /staging-analytics/cluster-[0-9a-f]{12}/workers; gateway localhost:\d+, TLS pinned\), session [0-9a-f-]{36}, Spark UI https://localhost:\d+/ui/$");
        Cell("query").Should().Contain("rows 100000, sum 4999950000");
        Cell("logs").Should().Contain("CoarseGrainedExecutorBackend").And.Contain("\"--executor-id\" \"1\"");
        Cell("ui").Should().MatchRegex(@"Spark UI of cluster: http://127\.0\.0\.1:\d+/ui/").And.NotContain("ticket");
        Cell("stop").Should().Contain("cluster: stopped");

        // Nothing left: no app in the emulator's Marathon, no container on the Docker engine.
        fx.Emulator.AppIds.Should().NotContain(id => id.StartsWith("/staging-analytics/", StringComparison.Ordinal));
        (await fx.Emulator.ContainersAsync()).Should().NotContain(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith("/staging-analytics/", StringComparison.Ordinal));
        var all = notebook.Document.ToJsonString();
        all.Should().NotContain(fx.Password).And.NotContain("token=", "no output shows a token or the Marathon password");
    }
}

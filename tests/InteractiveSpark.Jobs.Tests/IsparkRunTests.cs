namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// `ispark run` as a user runs it: the real tool on its own kernel (`ispark kernel`, the default) and, in one test, on the
/// real dotnet-interactive kernel with the extension packed from this repository; a real Spark Connect server
/// (ISPARK_TEST_SPARK); the executed notebooks are read back as JSON.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class IsparkRunTests(SparkServerFixture spark)
{
    private const string Template = "notebooks/job-template.ipynb";

    private async Task<(IsparkResult Result, string Output)> RunTemplateAsync(params string[] extra)
    {
        // Only dotnet-interactive loads the extension: the package folder is packed for it alone.
        string[] packages = extra.Contains("dotnet-interactive") ? ["--packages", await IsparkTool.EnsurePackedAsync()] : [];
        var folder = IsparkTool.NewRunFolder();
        var output = Path.Combine(folder, "out.ipynb");
        var result = await IsparkTool.RunAsync(
            ["run", Path.Combine(IsparkTool.Root, Template), "-o", output, .. packages, .. extra],
            folder,
            new Dictionary<string, string> { ["ISPARK_SPARK_URL"] = spark.Url });
        return (result, output);
    }

    [Fact]
    public async Task The_template_runs_with_parameters_typed_by_their_defaults_and_the_output_notebook_holds_the_results()
    {
        var (result, output) = await RunTemplateAsync("-p", "day=2026-11-02", "-p", "rows=2000", "-p", "threshold=0.75", "--kernel-log", "kernel.log");

        result.ExitCode.Should().Be(0, result.Output);
        result.Output.Should().Contain("[1/6] cell 2 (id 'parameters'").And.Contain("completed in")
            .And.NotContain("loading the InteractiveSpark extension", "the default kernel, ispark's own, has the magics built in");
        var notebook = OutputNotebook.Load(output);
        var cells = notebook.Cells;
        var parameters = cells.ToList().FindIndex(c => OutputNotebook.Tags(c).Contains("parameters"));
        var injected = cells[parameters + 1];
        OutputNotebook.Tags(injected).Should().Equal("injected-parameters");
        OutputNotebook.Source(injected).Should().Contain("string day = \"2026-11-02\";")
            .And.Contain("int rows = 2000;").And.Contain("double threshold = 0.75d;");

        var query = notebook.Cell("query");
        OutputNotebook.OutputText(query).Should().Be("day 2026-11-02, nightly: 500 of 2000 rows at or above 0.75, total 874750\n",
            "ids 1500..1999 are at or above 0.75 of 2000: 500 rows summing to 874,750");
        var table = notebook.Cell("result");
        OutputNotebook.OutputTypes(table).Should().Equal("execute_result");
        table["outputs"]![0]!["data"]!["text/html"].Should().NotBeNull("the result renders as an HTML table");
        OutputNotebook.OutputText(table).Should().Contain("2026-11-02").And.Contain("nightly").And.Contain("874750");

        notebook.Cells.Where(c => (string?)c["cell_type"] == "code").Select(c => (int?)c["execution_count"]).Should().Equal(1, 2, 3, 4, 5, 6);
        var meta = notebook.Document["metadata"]!["ispark"]!;
        ((string?)meta["status"]).Should().Be("completed");
        ((string?)meta["parameters"]!["rows"]).Should().Be("2000");
        File.ReadAllText(output).Should().NotContain(spark.Token, "the Spark token comes from the environment, never into the notebook");
        var kernelLog = File.ReadAllText(Path.Combine(Path.GetDirectoryName(output)!, "kernel.log"));
        kernelLog.Should().Contain("> execute_request").And.Contain("< execute_reply ok", "the kernel log records the Jupyter protocol exchange");
        kernelLog.Should().NotContain(spark.Token);
        OutputNotebook.OutputText(notebook.Cell("connect")).Should().StartWith("spark: Spark 4.");
    }

    [Fact]
    public async Task A_failing_cell_stops_the_run_with_exit_code_1_naming_the_cell_and_Sparks_error()
    {
        var (result, output) = await RunTemplateAsync("-p", "day=not-a-date");

        result.ExitCode.Should().Be(1, result.Output);
        result.Output.Should().MatchRegex(@"cell 7 \(id 'query': var report = await spark\.SqlAsync\(\) failed: .*CAST_INVALID_INPUT");
        result.Output.Should().NotContain("SparkException", "the failure line is the product's one line, without a .NET type name");
        var notebook = OutputNotebook.Load(output);
        OutputNotebook.OutputTypes(notebook.Cell("query")).Should().Contain("error");
        OutputNotebook.OutputText(notebook.Cell("query")).Should().Contain("not-a-date");
        ((int?)notebook.Cell("result")["execution_count"]).Should().BeNull("the cells after a failure do not run");
        ((string?)notebook.Document["metadata"]!["ispark"]!["status"]).Should().Be("failed");
    }

    [Fact]
    public async Task The_template_still_runs_on_dotnet_interactive_with_the_extension_loaded()
    {
        var (result, output) = await RunTemplateAsync("--kernel", "dotnet-interactive", "-p", "day=2026-11-02", "-p", "rows=2000", "-p", "threshold=0.75", "--kernel-log", "kernel.log");

        result.ExitCode.Should().Be(0, result.Output);
        result.Output.Should().Contain("loading the InteractiveSpark extension");
        var notebook = OutputNotebook.Load(output);
        OutputNotebook.OutputText(notebook.Cell("query")).Should().Be("day 2026-11-02, nightly: 500 of 2000 rows at or above 0.75, total 874750\n");
        notebook.Cell("result")["outputs"]![0]!["data"]!["text/html"].Should().NotBeNull("the result renders as an HTML table");
        var kernelLog = File.ReadAllText(Path.Combine(Path.GetDirectoryName(output)!, "kernel.log"));
        kernelLog.Should().Contain("\"commandType\":\"SubmitCode\"").And.Contain("CommandSucceeded");
        kernelLog.Should().NotContain(spark.Token, "the kernel echoes the resolved --url; the log masks it");
    }

    [Fact]
    public async Task A_parameter_that_does_not_parse_as_its_defaults_type_is_refused_before_anything_runs()
    {
        var (result, output) = await RunTemplateAsync("-p", "rows=many");

        result.ExitCode.Should().Be(2, result.Output);
        result.Output.Should().Contain("parameter 'rows': 'many' is not a int");
        File.Exists(output).Should().BeFalse();
        result.Duration.Should().BeLessThan(TimeSpan.FromSeconds(20), "no kernel starts");
    }

    [Fact]
    public async Task A_dib_notebook_runs_with_its_parameters_cell_and_a_cell_past_the_timeout_ends_the_run_with_exit_code_3()
    {
        var folder = IsparkTool.NewRunFolder();
        var notebook = Path.Combine(IsparkTool.Root, "tests", "InteractiveSpark.Jobs.Tests", "TestNotebooks", "wait.dib");

        var quick = await IsparkTool.RunAsync(["run", notebook, "-p", "seconds=1", "-p", "note=hello world", "-o", "quick.ipynb"], folder);
        quick.ExitCode.Should().Be(0, quick.Output);
        var done = OutputNotebook.Load(Path.Combine(folder, "quick.ipynb"));
        string.Join("\n", done.Cells.Select(OutputNotebook.OutputText)).Should()
            .Contain("waited 1 s (Double), note hello world (String)").And.Contain("done: hello world");

        var slow = await IsparkTool.RunAsync(["run", notebook, "-p", "seconds=600", "--timeout", "5", "-o", "slow.ipynb"], folder);
        slow.ExitCode.Should().Be(3, slow.Output);
        slow.Output.Should().MatchRegex(@"cell 4 \(id '\w+': await Task\.Delay.*\) failed: the cell did not finish within 5 s");
        slow.Duration.Should().BeLessThan(TimeSpan.FromSeconds(60), "the kernel is stopped, not waited for");
        var stopped = OutputNotebook.Load(Path.Combine(folder, "slow.ipynb"));
        ((string?)stopped.Document["metadata"]!["ispark"]!["status"]).Should().Be("timedout");
    }

    [Fact]
    public async Task An_fsharp_notebook_gets_its_parameters_as_fsharp_bindings_typed_by_its_defaults()
    {
        var folder = IsparkTool.NewRunFolder();
        var notebook = Path.Combine(IsparkTool.Root, "tests", "InteractiveSpark.Jobs.Tests", "TestNotebooks", "fsharp.dib");

        // F# is .NET Interactive's: this notebook keeps the old kernel.
        var run = await IsparkTool.RunAsync(["run", notebook, "--kernel", "dotnet-interactive", "--no-extension", "-p", "rows=42", "-p", "ratio=2", "-p", "name=a \"quoted\" name", "-o", "fs.ipynb"], folder);

        run.ExitCode.Should().Be(0, run.Output);
        var done = OutputNotebook.Load(Path.Combine(folder, "fs.ipynb"));
        var injected = done.Cells.Single(c => OutputNotebook.Tags(c).Contains("injected-parameters"));
        OutputNotebook.Source(injected).Should().Contain("let rows = 42").And.Contain("let ratio = 2.0").And.Contain("let name = \"a \\\"quoted\\\" name\"");
        string.Join("\n", done.Cells.Select(OutputNotebook.OutputText)).Should().Contain("rows 42 (Int32), ratio 2 (Double), name a \"quoted\" name");
    }
}

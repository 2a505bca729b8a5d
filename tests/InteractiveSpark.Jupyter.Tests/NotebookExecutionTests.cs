using System.Text.Json.Nodes;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// A notebook executed by Jupyter's own nbconvert on `ispark kernel` (the installed kernelspec), against the real Spark
/// server: the DataFrame shows as the product's table, console output and an updated display land in their cells.
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class NotebookExecutionTests(CSharpCellsFixture fixture)
{
    [Fact]
    public async Task Nbconvert_executes_a_spark_notebook_on_this_kernel()
    {
        var folder = KernelTool.NewRunFolder("nbconvert");
        var output = Path.Combine(folder, "kernel-smoke.out.ipynb");
        var (exitCode, log) = await KernelTool.ExecuteNotebookAsync("kernel-smoke.ipynb", output, fixture.Spark.Url);

        exitCode.Should().Be(0, log);
        var text = await File.ReadAllTextAsync(output);
        var cells = JsonNode.Parse(text)!["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
        Outputs(cells[0]).Should().BeEmpty("a #r of the product's own package does nothing on this kernel");
        var table = Outputs(cells[1]).Single();
        ((string?)table["output_type"]).Should().Be("execute_result");
        Data(table, "text/html").Should().Contain("<table").And.Contain("square");
        Data(table, "text/plain").Should().Contain("square");
        Text(Outputs(cells[2]).Single()["text"]).Should().StartWith("Spark 4.");
        // nbclient applies update_display_data to the display it names: the notebook keeps the last value only.
        Data(Outputs(cells[3]).Single(), "text/plain").Should().Be("step 2 of 2");
        if (fixture.Spark.ConnectionString.Token is { Length: > 0 } token)
        {
            text.Should().NotContain(token);
        }
    }

    [Fact]
    public async Task Nbconvert_executes_the_extensions_magics_on_this_kernel()
    {
        var folder = KernelTool.NewRunFolder("nbconvert-magics");
        var output = Path.Combine(folder, "kernel-magics.out.ipynb");
        var (exitCode, log) = await KernelTool.ExecuteNotebookAsync("kernel-magics.ipynb", output, fixture.Spark.Url);

        exitCode.Should().Be(0, log);
        var text = await File.ReadAllTextAsync(output);
        var cells = JsonNode.Parse(text)!["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
        // The progress line is one display, updated in place: the notebook keeps its last text.
        Data(Outputs(cells[1]).Single(), "text/plain").Should().StartWith("nb: Spark 4.").And.Contain("session ");
        // A query that ran over a second also leaves its progress line, ended as "nb: done in N s".
        var table = Outputs(cells[2]).Single(o => (string?)o["output_type"] == "execute_result");
        Data(table, "text/html").Should().Contain("<table").And.Contain("square");
        Data(Outputs(cells[3]).Single(), "text/plain").Should().Be("4");
        Data(Outputs(cells[4]).Single(), "text/plain").Should().Contain("nb");
        Data(Outputs(cells[5]).Single(), "text/plain").Should().StartWith("nb: stopped");
        if (fixture.Spark.ConnectionString.Token is { Length: > 0 } token)
        {
            text.Should().NotContain(token);
        }
    }

    [Fact]
    public async Task Nbconvert_executes_the_quickstart_written_for_the_extension_unchanged_on_this_kernel()
    {
        var folder = KernelTool.NewRunFolder("nbconvert-quickstart");
        var output = Path.Combine(folder, "quickstart.out.ipynb");
        var (exitCode, log) = await KernelTool.ExecuteNotebookAsync(Path.Combine(KernelTool.Root, "notebooks", "quickstart.ipynb"), output);

        exitCode.Should().Be(0, log);
        var text = await File.ReadAllTextAsync(output);
        var cells = JsonNode.Parse(text)!["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
        Text(Outputs(cells[0]).Single()["text"]).Should().StartWith("Skipped: a cell for .NET Interactive only");
        Outputs(cells[1]).Should().BeEmpty("#r of the extension's package: its magics are built in");
        var all = string.Join("\n", cells.SelectMany(Outputs).Select(o => Text(o["text"]) + Data(o, "text/plain") + Data(o, "text/html")));
        all.Should().Contain("dev: Spark 4.").And.Contain("square").And.Contain("even boolean").And.Contain("dev: stopped");
        cells.SelectMany(Outputs).Should().NotContain(o => (string?)o["output_type"] == "error", log);
    }

    private static string Text(JsonNode? text) => text is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)text ?? "";

    private static List<JsonNode> Outputs(JsonNode? cell) => [.. cell!["outputs"]!.AsArray().Select(o => o!)];

    private static string Data(JsonNode output, string mime) => output["data"]?[mime] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)output["data"]?[mime] ?? "";
}

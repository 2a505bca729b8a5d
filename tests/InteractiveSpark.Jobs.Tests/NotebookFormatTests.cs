using System.Text.Json.Nodes;
using InteractiveSpark.Jobs.Notebooks;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>Reading .ipynb and .dib files and writing .ipynb back.</summary>
public sealed class NotebookFormatTests
{
    [Fact]
    public async Task The_template_reads_with_its_parameters_cell_and_kernels_and_writes_back_the_same_cells_and_metadata()
    {
        var path = Path.Combine(IsparkTool.Root, "notebooks", "job-template.ipynb");
        var notebook = await Notebook.LoadAsync(path);

        notebook.Cells.Should().Contain(c => c.HasTag(NotebookParameters.ParametersTag) && c.Id == "parameters");
        notebook.Cells.Where(c => c.IsCode).Select(notebook.KernelOf).Should().OnlyContain(k => k == "csharp");
        NotebookParameters.ReadDefaults(notebook.Cells.Single(c => c.Id == "parameters")).Should().Equal(
            new ParameterDefault("day", "string", "\"2026-11-01\""),
            new ParameterDefault("rows", "int", "1000"),
            new ParameterDefault("threshold", "double", "0.5"),
            new ParameterDefault("label", "string", "\"nightly\""));

        var copy = Path.Combine(IsparkTool.NewRunFolder(), "copy.ipynb");
        await notebook.SaveAsync(copy);
        var original = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var written = JsonNode.Parse(await File.ReadAllTextAsync(copy))!;
        JsonNode.DeepEquals(original, written).Should().BeTrue("a notebook read and written again is the same JSON");
    }

    [Fact]
    public async Task A_dib_splits_at_kernel_lines_only_and_marks_its_parameters_cell_by_its_first_line()
    {
        var folder = IsparkTool.NewRunFolder();
        var path = Path.Combine(folder, "n.dib");
        await File.WriteAllTextAsync(path,
            "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"name\":\"csharp\"},{\"name\":\"dev\",\"aliases\":[]}]}}\n\n" +
            "#!markdown\n\n# Title\n\n#!csharp\n\n// parameters\nvar day = \"x\";\n\n#!csharp\n\n#!spark-connect --name dev --url @csharp:u\n\n#!dev\n\nSELECT 1\n\n#!fsharp\n\nlet x = 1\n");

        var notebook = await Notebook.LoadAsync(path);

        notebook.Cells.Select(c => (c.Type, notebook.KernelOf(c), c.Source)).Should().Equal(
            (CellType.Markdown, "csharp", "# Title"),
            (CellType.Code, "csharp", "// parameters\nvar day = \"x\";"),
            (CellType.Code, "csharp", "#!spark-connect --name dev --url @csharp:u"),
            (CellType.Code, "dev", "SELECT 1"),
            (CellType.Code, "fsharp", "let x = 1"));
        notebook.Cells[1].HasTag(NotebookParameters.ParametersTag).Should().BeTrue();
    }

    [Fact]
    public async Task A_file_that_is_not_nbformat_4_is_refused_with_what_to_do()
    {
        var path = Path.Combine(IsparkTool.NewRunFolder(), "old.ipynb");
        await File.WriteAllTextAsync(path, "{\"nbformat\": 3, \"worksheets\": []}");

        var act = () => Notebook.LoadAsync(path);

        (await act.Should().ThrowAsync<NotebookFormatException>()).WithMessage("*nbformat 3; ispark reads nbformat 4*");
    }
}

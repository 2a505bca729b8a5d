using System.Diagnostics;
using InteractiveSpark.Jupyter.CSharp;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// C# cells from plain C# (no Jupyter): state across cells, top-level await, results through the product's formatters,
/// compile errors in the cell's own numbering, #r references, completion and docs; Spark against the real server.
/// One kernel per class: Roslyn's first compilation is the slow part.
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class CSharpCellsTests(CSharpCellsFixture cells)
{
    private readonly CSharpCells _cells = cells.Cells;

    [Fact]
    public async Task A_variable_of_one_cell_is_seen_by_the_next_and_top_level_await_works()
    {
        (await Run("var answerA = 40;")).ErrorName.Should().BeNull();
        var output = new RecordingOutput();
        var outcome = await _cells.ExecuteAsync("await Task.Delay(10);\nanswerA + 2", output, default);

        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        output.LastResult!["text/plain"].Should().Be("42");
    }

    [Fact]
    public async Task A_statement_has_no_result_and_console_output_is_streamed()
    {
        var output = new RecordingOutput();
        (await _cells.ExecuteAsync("Console.WriteLine(\"line one\");\nConsole.Write(\"two\");", output, default)).ErrorName.Should().BeNull();

        output.LastResult.Should().BeNull();
        output.Stdout.Should().Be("line one\ntwo");
    }

    [Fact]
    public async Task A_compile_error_gives_line_and_column_in_the_cells_own_numbering()
    {
        await Run("var earlier = 1;\nvar more = 2;\nvar evenMore = 3;");
        var outcome = await Run("#r \"nuget: InteractiveSpark.Interactive, 0.1.0\"\nvar ok = 1;\nvar bad = undefinedName;");

        outcome.ErrorName.Should().Be("CompilationError");
        outcome.ErrorValue.Should().Be("(3,11): error CS0103: The name 'undefinedName' does not exist in the current context");
    }

    [Fact]
    public async Task An_exception_is_its_type_and_message_without_the_scripting_machinery()
    {
        var outcome = await Run("throw new InvalidOperationException(\"no such thing\");");

        outcome.ErrorName.Should().Be("InvalidOperationException");
        outcome.ErrorValue.Should().Be("no such thing");
        string.Join("\n", outcome.Traceback).Should().NotContain("Microsoft.CodeAnalysis");
    }

    [Fact]
    public async Task A_nuget_reference_to_a_package_that_does_not_exist_is_one_clear_line()
    {
        var outcome = await Run("#r \"nuget: InteractiveSpark.NoSuchPackageAnywhere.Really, 1.0.0\"\n#r \"nuget: No.Such.Package.Ispark, 1.0.0\"");

        outcome.ErrorName.Should().Be("NuGetError");
        outcome.ErrorValue.Should().StartWith("#r \"nuget:\": ").And.Contain("No.Such.Package.Ispark").And.NotContain("\n");
    }

    [Fact]
    public async Task A_dll_reference_by_path_is_usable_in_the_cell()
    {
        var dll = typeof(FluentAssertions.AssertionExtensions).Assembly.Location;
        var output = new RecordingOutput();
        var outcome = await _cells.ExecuteAsync($"#r \"{dll}\"\ntypeof(FluentAssertions.AssertionExtensions).Name", output, default);

        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        output.LastResult!["text/plain"].Should().Be("AssertionExtensions");
    }

    [Fact]
    public async Task Display_shows_a_value_and_its_handle_updates_it_in_place()
    {
        var output = new RecordingOutput();
        (await _cells.ExecuteAsync("var shown = display(html(\"<b>first</b>\"));\nshown.Update(\"second\");", output, default)).ErrorName.Should().BeNull();

        var sent = output.Sent.ToList();
        sent.Should().HaveCount(2);
        sent[0].Kind.Should().Be("display");
        sent[0].Bundle!["text/html"].Should().Be("<b>first</b>");
        sent[1].Kind.Should().Be("update");
        sent[1].DisplayId.Should().Be(sent[0].DisplayId);
        sent[1].Bundle!["text/plain"].Should().Be("second");
    }

    [Fact]
    public async Task Completion_knows_earlier_cells_and_inspection_shows_the_xml_doc()
    {
        await Run("var completionTarget = new List<int>();");
        var completions = await _cells.CompleteAsync("completionTarget.Ad", "completionTarget.Ad".Length, default);
        var docs = await _cells.InspectAsync("Math.Abs", "Math.Abs".Length, 0, default);

        completions.Matches.Should().Contain(["Add", "AddRange"]);
        completions.Start.Should().Be("completionTarget.".Length);
        docs!["text/plain"].Should().Contain("Math.Abs").And.Contain("absolute value");
    }

    [Fact]
    public async Task A_dataframe_shows_as_the_products_table_and_an_interrupt_cancels_its_spark_operation()
    {
        var url = cells.Spark.Url.Replace("\"", "\\\"", StringComparison.Ordinal);
        (await Run($"var spark = await SparkSession.ConnectAsync(\"{url}\");")).ErrorName.Should().BeNull();
        var output = new RecordingOutput();
        var shown = await _cells.ExecuteAsync("await spark.SqlAsync(\"SELECT id, id * id AS square FROM range(3)\")", output, default);

        shown.ErrorName.Should().BeNull(shown.ErrorValue);
        output.LastResult!["text/html"].Should().Contain("<table").And.Contain("square");
        output.LastResult!["text/plain"].Should().Contain("square");

        using var interrupt = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var longCell = new RecordingOutput();
        var running = _cells.ExecuteAsync("Console.WriteLine(\"started\");\nvar endless = await spark.SqlAsync(\"SELECT max(id) FROM range(0, 100000000000)\");\nvar rows = await endless.CollectAsync();\nrows.Count", longCell, interrupt.Token);
        while (!longCell.Stdout.Contains("started", StringComparison.Ordinal) && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        watch.Restart();
        interrupt.Cancel();
        await _cells.InterruptAsync();
        var outcome = await running;

        outcome.ErrorName.Should().Be("Interrupted", outcome.ErrorValue);
        outcome.ErrorValue.Should().Contain("cancelled on the server");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(12));
        var session = (InteractiveSpark.SparkConnect.SparkSession)_cells.Variables["spark"]!;
        (await session.InterruptAllAsync()).Should().BeEmpty("the query was interrupted on the server");
    }

    private Task<CellOutcome> Run(string code) => _cells.ExecuteAsync(code, new RecordingOutput(), default);
}

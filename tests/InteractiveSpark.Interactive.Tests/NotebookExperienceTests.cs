using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>Formatters, the #!N SQL kernel, #!spark-sessions / #!spark-stop, progress and cancel, bad input: in-process, real Spark.</summary>
[Collection(SparkCollection.Name)]
public sealed class NotebookExperienceTests(SparkServerFixture spark)
{
    private async Task<InProcessKernel> ConnectedAsync(string name = "dev")
    {
        var kernel = await InProcessKernel.StartAsync();
        var connect = await kernel.RunAsync($"#!spark-connect --name {name} --url {spark.Url}");
        connect.Error.Should().BeNull();
        return kernel;
    }

    private static string Html(CellResult result) => string.Join("\n", result.Events.OfType<DisplayEvent>()
        .SelectMany(e => e.FormattedValues.Where(v => v.MimeType == HtmlFormatter.MimeType).Select(v => v.Value)));

    private static string Text(CellResult result) => string.Join("\n", result.Outputs) + "\n" + result.Error;

    [Fact]
    public async Task A_sql_cell_shows_a_table_with_its_schema_values_and_nulls()
    {
        using var kernel = await ConnectedAsync();

        var result = await kernel.RunAsync("#!dev\nSELECT id, concat('v', id) AS s, CASE WHEN id = 1 THEN NULL ELSE id * 10 END AS n, array(id, id + 1) AS a FROM range(3)");

        result.Error.Should().BeNull();
        var text = result.LastOutput!.Split('\n');
        text[0].Should().Be("schema: id bigint not null, s string not null, n bigint, a array<bigint> not null");
        text.Should().Contain("| 0|v0|   0|[0, 1]|").And.Contain("| 1|v1|null|[1, 2]|").And.Contain("| 2|v2|  20|[2, 3]|");
        text[^1].Should().Be("all 3 rows");
        var html = Html(result);
        html.Should().Contain("<th>n<br><small>bigint · nullable</small></th>");
        html.Should().Contain("<td class=\"r\">1</td><td>v1</td><td class=\"n\">null</td><td>[1, 2]</td>");
        Text(result).Should().NotContain(spark.Token);
    }

    [Fact]
    public async Task Display_of_a_dataframe_fetches_only_what_it_shows()
    {
        using var kernel = await ConnectedAsync();

        var result = await kernel.RunAsync("display(dev.Range(1000000).WithColumn(\"sq\", InteractiveSpark.SparkConnect.Functions.Expr(\"id * id\")));");

        result.Error.Should().BeNull();
        result.LastOutput.Should().StartWith("schema: id bigint not null, sq bigint not null").And.EndWith("showing rows 1-100 of more");
        Regex.Matches(Html(result), "<tr>").Count.Should().Be(101, "a header row and the 100 rows fetched");
        Html(result).Should().Contain(">81-100</label>");

        var small = await kernel.RunAsync("var small = await dev.SqlAsync(\"SELECT 42 AS answer\");\nawait small.DisplayAsync();");
        small.Error.Should().BeNull();
        small.Outputs.Should().Contain(o => o.EndsWith("1 row") && o.Contains("|    42|"));
    }

    [Fact]
    public async Task Collected_rows_and_a_row_render_as_tables()
    {
        using var kernel = await ConnectedAsync();

        var rows = await kernel.RunAsync("await dev.Range(5).CollectAsync()");
        var row = await kernel.RunAsync("await dev.Range(5).FirstAsync()");

        rows.Error.Should().BeNull();
        rows.LastOutput.Should().StartWith("schema: id bigint not null").And.EndWith("all 5 rows");
        row.LastOutput.Should().EndWith("1 row");
    }

    [Fact]
    public async Task Csharp_values_become_sql_parameters_and_results_share_back_to_csharp()
    {
        using var kernel = await ConnectedAsync();
        (await kernel.RunAsync("var day = 41L; var who = \"O'Brien\";")).Error.Should().BeNull();

        var set = await kernel.RunAsync("#!dev\n#!set --name day --value @csharp:day\n#!set --name who --value @csharp:who");
        set.Error.Should().BeNull();
        var query = await kernel.RunAsync("#!dev --name answer\nSELECT :day + 1 AS x, :who AS who");
        query.Error.Should().BeNull();
        query.LastOutput.Should().Contain("|42|O'Brien|");

        var shared = await kernel.RunAsync("#!share --from dev answer\n$\"{answer.Count} {answer[0][\"x\"]} {answer[0][\"who\"]}\"");
        shared.Error.Should().BeNull();
        shared.LastOutput.Should().Be("1 42 O'Brien");
    }

    [Fact]
    public async Task Sessions_are_listed_and_stopped_by_name()
    {
        using var kernel = await ConnectedAsync();

        var list = await kernel.RunAsync("#!spark-sessions");
        list.Error.Should().BeNull();
        var lines = list.LastOutput!.Split('\n');
        lines[0].Should().MatchRegex(@"^name\s+launcher\s+where\s+Spark version\s+started\s+idle for\s+state$");
        lines[1].Should().MatchRegex(@"^dev\s+url\s+sc://\S+:\d+\s+4\.\d+\.\d+\S*\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ s\s+idle$");
        Html(list).Should().Contain("<td style=\"text-align:left\">dev</td>");

        var stop = await kernel.RunAsync("#!spark-stop --name dev");
        stop.Error.Should().BeNull();
        stop.LastOutput.Should().MatchRegex(@"^dev: stopped \(session [0-9a-f-]{36} closed\)\.$");
        (await kernel.RunAsync("#!spark-sessions")).LastOutput.Should().StartWith("No Spark sessions are open");
        (await kernel.RunAsync("#!dev\nSELECT 1")).Error.Should().Contain("The Spark session 'dev' is not open");
        (await kernel.RunAsync("#!spark-stop --name nope")).Error.Should().Be("No Spark session named 'nope' is open in this notebook (none is open): open one with #!spark-connect.");

        // The name is free again, and the existing #!dev kernel finds the new session.
        (await kernel.RunAsync($"#!spark-connect --name dev --url {spark.Url}")).Error.Should().BeNull();
        (await kernel.RunAsync("#!dev\nSELECT 7 AS seven")).LastOutput.Should().Contain("|    7|");
    }

    [Fact]
    public async Task A_sql_error_shows_the_error_class_and_message_and_the_kernel_goes_on()
    {
        using var kernel = await ConnectedAsync();

        var result = await kernel.RunAsync("#!dev\nSELECT * FROM no_such_table_here");

        result.Error.Should().StartWith("dev: [TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table_here` cannot be found.");
        result.Error.Should().NotContain("   at ").And.NotContain("== SQL").And.NotContain(spark.Token);
        (await kernel.RunAsync("#!dev\nSELECT 1 AS one")).Error.Should().BeNull();
    }

    [Fact]
    public async Task An_interrupt_cancels_the_spark_query_and_the_cell_says_so()
    {
        using var kernel = await ConnectedAsync();

        var running = kernel.Root.SendAsync(new SubmitCode("#!dev\nSELECT sum(a.id * b.id) FROM range(0, 2000000) a CROSS JOIN range(0, 2000000) b"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();
        await kernel.Root.SendAsync(new Cancel());
        var result = await running.WaitAsync(TimeSpan.FromSeconds(60));
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));

        var texts = result.Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues).Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value).ToArray();
        texts.Should().Contain(t => t.StartsWith("dev: running") || t.StartsWith("dev: ["), "a progress line shows while the query runs");
        texts.Should().Contain(t => t.StartsWith("dev: cancelled after") && t.EndsWith("the Spark operation is interrupted on the server."));
        result.Events.OfType<CommandFailed>().Should().NotBeEmpty();

        var after = await kernel.RunAsync("#!dev\nSELECT 1 AS one", TimeSpan.FromSeconds(60));
        after.Error.Should().BeNull();

        // Nothing of the cancelled query runs on the server any more: interrupting all of the session's operations finds none.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var left = await kernel.RunAsync("(await dev.InterruptAllAsync()).Count.ToString()");
        left.LastOutput.Should().Be("0");
    }

    [Theory]
    [InlineData("#!spark-connect --name dev --bogus 1 --url sc://localhost:1", "--bogus")]
    [InlineData("#!spark-connect --name dev --url", "--url")]
    [InlineData("#!spark-stop", "--name")]
    public async Task Bad_directive_input_is_one_message_and_the_kernel_stays(string cell, string mentions)
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync(cell);

        result.Error.Should().Contain(mentions).And.NotContain("   at ");
        (await kernel.RunAsync("\"alive\"")).LastOutput.Should().Be("alive");
        SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().BeEmpty();
    }

    [Fact]
    public async Task A_name_taken_by_another_kernel_is_refused_before_connecting()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync($"#!spark-connect --name csharp --url {spark.Url}");

        result.Error.Should().Be("'csharp' is already the name of the csharp kernel in this notebook; choose another --name.");
        SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().BeEmpty();
    }

    [Fact]
    public async Task Connect_spark_adds_the_sql_kernel_too()
    {
        using var kernel = await InProcessKernel.StartAsync();
        (await kernel.RunAsync($"#!connect spark --kernel-name ext --url {spark.Url}")).Error.Should().BeNull();

        var result = await kernel.RunAsync("#!ext\nSELECT 'x' AS c");

        result.Error.Should().BeNull();
        result.LastOutput.Should().EndWith("1 row");
    }
}

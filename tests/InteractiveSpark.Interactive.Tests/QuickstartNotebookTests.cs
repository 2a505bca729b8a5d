using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>notebooks/quickstart.ipynb through Jupyter (nbconvert --execute) and the dotnet-interactive kernel, with a local Spark server.</summary>
[Collection(NotebookCollection.Name)]
public sealed class QuickstartNotebookTests
{
    [Fact]
    public async Task The_quickstart_runs_end_to_end_with_tables_sessions_and_stop()
    {
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/quickstart.ipynb", new NotebookRunOptions { Timeout = TimeSpan.FromMinutes(8) });

        notebook.Errors.Should().BeEmpty();
        string Cell(string id) => notebook.Cells.Single(c => (string?)c.Json["id"] == id).Text;

        Cell("load").Split('\n').Should().Contain(l => l.StartsWith("InteractiveSpark 0.1.0 loaded:", StringComparison.Ordinal));
        Cell("connect").Split('\n')[^1].Should().MatchRegex(@"^dev: Spark 4\.\d+\.\d+\S*, local process \d+ \(local\[2\]\), session [0-9a-f-]{36}, ");

        var sql = Cell("sql").Split('\n');
        sql.Should().Contain("schema: id bigint not null, square bigint not null, label string");
        sql.Should().Contain("| 0|     0|null |").And.Contain("| 2|     4|n2   |").And.Contain("| 4|    16|n4   |");
        sql[^1].Should().Be("all 5 rows");
        var sqlHtml = notebook.Cells.Single(c => (string?)c.Json["id"] == "sql").Data("text/html").Last();
        sqlHtml.Should().Contain("<th>label<br><small>string · nullable</small></th>").And.Contain("<td class=\"n\">null</td>");

        var grouped = Cell("dataframe").Split('\n');
        grouped.Should().Contain("schema: store bigint, total double, orders bigint not null");
        grouped.Should().Contain("|    0|186750.0|   250|").And.Contain("|    3|187875.0|   250|");
        grouped[^1].Should().Be("all 4 rows");

        var display = Cell("display").Split('\n');
        display.Should().Contain("schema: id bigint not null, even boolean");
        display.Should().Contain("|99|false|");
        display[^1].Should().Be("showing rows 1-100 of more");

        Cell("sessions").Split('\n')[1].Should().MatchRegex(@"^dev\s+local\s+local process \d+ \(local\[2\]\)\s+4\.\d+\.\d+\S*\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ s\s+idle$");
        Cell("stop").Should().MatchRegex(@"^dev: stopped \(session [0-9a-f-]{36} closed; local server \(process \d+\) stopped\)\.$");
        notebook.Document.ToJsonString().Should().NotContain("token=", "no output shows a token");
    }
}

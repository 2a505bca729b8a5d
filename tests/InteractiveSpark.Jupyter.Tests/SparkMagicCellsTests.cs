using InteractiveSpark.Jupyter.CSharp;
using InteractiveSpark.Magics;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// The extension's magics on this kernel, from plain C#: #!spark-connect (with an @csharp: value), a #!NAME SQL cell
/// keeping its rows as a C# variable, #!spark-sessions, #!spark-stop; every malformed magic of the R4 corpus refused with
/// the product's own one line and nothing started. Against the real Spark server.
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class SparkMagicCellsTests(CSharpCellsFixture fixture)
{
    private readonly CSharpCells _cells = fixture.Cells;

    [Fact]
    public async Task Connect_with_a_csharp_value_then_a_sql_cell_then_sessions_and_stop()
    {
        (await Run($"var magicUrl = \"{fixture.Spark.Url}\";")).ErrorName.Should().BeNull();

        var connect = new RecordingOutput();
        var outcome = await _cells.ExecuteAsync("#!spark-connect --name mag --url @csharp:magicUrl\nvar answer = 41 + 1;", connect, default);
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        var lines = connect.Sent.Where(s => s.Bundle is not null).Select(s => s.Bundle!["text/plain"]).ToList();
        lines.Last().Should().StartWith("mag: Spark 4.").And.Contain("session ");
        connect.Sent.Select(s => s.DisplayId).Distinct().Should().ContainSingle("the progress line is one display, updated in place");

        var after = new RecordingOutput();
        outcome = await _cells.ExecuteAsync("var seven = await mag.SqlAsync(\"SELECT 7 AS x\");\n$\"{answer} {(await seven.CollectAsync())[0][0]}\"", after, default);
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        after.LastResult!["text/plain"].Should().Be("42 7", "the C# after the magic line ran, and the session is a C# variable");

        var sql = new RecordingOutput();
        outcome = await _cells.ExecuteAsync("#!mag --name squares\nSELECT id, id * id AS square FROM range(3)", sql, default);
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        sql.LastResult!["text/html"].Should().Contain("<table").And.Contain("square");
        (await Result("squares.Count + \" \" + squares[2][\"square\"]")).Should().Be("3 4");
        _cells.IsComplete("#!mag\nSELECT 1 +").Should().Be(CodeCompleteness.Complete, "a SQL cell is not C#");

        var sessions = new RecordingOutput();
        (await _cells.ExecuteAsync("#!spark-sessions", sessions, default)).ErrorName.Should().BeNull();
        sessions.Sent.Single().Bundle!["text/plain"].Should().Contain("mag");

        var stop = new RecordingOutput();
        (await _cells.ExecuteAsync("#!spark-stop --name mag", stop, default)).ErrorName.Should().BeNull();
        stop.Sent.Single().Bundle!["text/plain"].Should().StartWith("mag: stopped");

        outcome = await Run("#!mag\nSELECT 1");
        outcome.ErrorValue.Should().StartWith("The Spark session 'mag' is not open");

        var everything = string.Join("\n", new[] { connect, after, sql, sessions, stop }.SelectMany(o => o.Sent)
            .Select(s => (s.Text ?? "") + (s.Bundle?["text/plain"] ?? "") + (s.Bundle?["text/html"] ?? "")));
        if (fixture.Spark.ConnectionString.Token is { Length: > 0 } token)
        {
            everything.Should().NotContain(token);
        }
    }

    [Fact]
    public async Task A_magic_this_kernel_lacks_and_an_unknown_one_are_one_line_each()
    {
        (await Run("#!spark-ui --name x")).ErrorValue.Should().StartWith("#!spark-ui is not on the InteractiveSpark kernel yet");
        (await Run("#!no-such-magic")).ErrorValue.Should().StartWith("Unknown magic #!no-such-magic:");
        (await Run("#!spark-connect --name x --launcher local --verbose")).ErrorValue.Should().StartWith("Unknown option --verbose");
        (await Run("#!spark-connect --name x --url @csharp:notDefinedAnywhere")).ErrorValue.Should().Contain("no C# variable of that name");
    }

    [Fact]
    public async Task Help_lists_every_option()
    {
        var output = new RecordingOutput();
        (await _cells.ExecuteAsync("#!spark-connect -h", output, default)).ErrorName.Should().BeNull();
        foreach (var option in SparkConnectValues.Options)
        {
            output.Stdout.Should().Contain(option.Name);
        }
    }

    [Fact]
    public async Task Every_malformed_magic_of_the_corpus_is_the_products_own_one_line_and_nothing_starts()
    {
        var problems = new List<string>();
        var corpus = MalformedInputCorpus.Magics();
        foreach (var cell in corpus)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var output = new RecordingOutput();
            var outcome = await _cells.ExecuteAsync(cell, output, timeout.Token);
            var message = outcome.ErrorValue;
            if (outcome.ErrorName is null)
            {
                problems.Add($"accepted: {MalformedInputCorpus.Describe(cell)}");
            }
            else if (message.Contains('\n', StringComparison.Ordinal) || message.Contains("Exception", StringComparison.Ordinal)
                     || message.Contains("   at ", StringComparison.Ordinal) || message.Contains("DNI", StringComparison.Ordinal)
                     || message.Contains("Microsoft.", StringComparison.Ordinal) || message.Length > 1200 || message.Trim().Length < 10)
            {
                problems.Add($"not one clear line: {MalformedInputCorpus.Describe(cell)} -> {MalformedInputCorpus.Describe(message)}");
            }
            else if (cell.StartsWith("#!spark-connect", StringComparison.Ordinal) && !cell.Contains("--spark-home /nonexistent", StringComparison.Ordinal))
            {
                // The same text the extension shows: both hosts call the same validation.
                string expected;
                try
                {
                    SparkConnectOptions.Parse(SparkConnectValues.FromLine(cell));
                    continue; // valid options; refused later by the launcher
                }
                catch (SparkMagicException e)
                {
                    expected = e.Message;
                }

                if (message != expected)
                {
                    problems.Add($"not the shared message: {MalformedInputCorpus.Describe(cell)} -> {MalformedInputCorpus.Describe(message)}");
                }
            }
        }

        problems.Should().BeEmpty($"{corpus.Count} malformed magics");
        (await Result("1 + 1")).Should().Be("2", "the kernel still runs cells");
    }

    private Task<CellOutcome> Run(string code) => _cells.ExecuteAsync(code, new RecordingOutput(), default);

    private async Task<string?> Result(string code)
    {
        var output = new RecordingOutput();
        var outcome = await _cells.ExecuteAsync(code, output, default);
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        return output.LastResult?["text/plain"];
    }
}

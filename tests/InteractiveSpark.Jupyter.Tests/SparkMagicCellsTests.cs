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

        (await Run("var below = 2L;")).ErrorName.Should().BeNull();
        outcome = await Run("#!mag --name two\n#!set --name n --value @csharp:below\nSELECT id FROM range(10) WHERE id < :n");
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        (await Result("two.Count")).Should().Be("2", "#!set in a SQL cell gives it the C# value as the named parameter :n");
        (await Run("#!mag\n#!set --name 1n --value 3\nSELECT 1")).ErrorValue.Should().StartWith("'1n' cannot be a SQL parameter name");

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
    public async Task A_tool_magic_on_no_session_and_an_unknown_magic_are_one_line_each()
    {
        (await Run("#!spark-ui --name x")).ErrorValue.Should().StartWith("No Spark session named 'x' is open in this notebook");
        (await Run("#!spark-logs --name x --tail many")).ErrorValue.Should().Be("--tail takes a number of lines from 0 to 100000 (got 'many').");
        (await Run("#!kafka-stream --session x --topic t --verbose")).ErrorValue.Should().StartWith("#!kafka-stream has no option --verbose");
        (await Run("#!no-such-magic")).ErrorValue.Should().StartWith("Unknown magic #!no-such-magic:");
        (await Run("#!spark-connect --name x --launcher local --verbose")).ErrorValue.Should().StartWith("Unknown option --verbose");
        (await Run("#!spark-connect --name x --url @csharp:notDefinedAnywhere")).ErrorValue.Should().Contain("no C# variable of that name");
    }

    [Fact]
    public async Task Ui_and_logs_of_a_local_session_the_kernel_started_and_of_a_url_session()
    {
        var connect = await Run("#!spark-connect --name tools --launcher local --master local[1] --driver-memory 512m");
        connect.ErrorName.Should().BeNull(connect.ErrorValue);
        try
        {
            var ui = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-ui --name tools", ui, default)).ErrorName.Should().BeNull();
            ui.Sent.Single().Bundle!["text/html"].Should().Contain("<a href=\"http://").And.Contain("Spark UI of tools");

            var logs = new RecordingOutput();
            var outcome = await _cells.ExecuteAsync("#!spark-logs --name tools --tail 3 --grep Spark", logs, default);
            outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
            var text = logs.Sent.Single().Bundle!["text/plain"]!;
            text.Should().StartWith("tools: driver log, 3 lines matching /Spark/");
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Should().HaveCount(3).And.OnlyContain(l => l.Contains("Spark", StringComparison.Ordinal));

            var follow = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-logs --name tools --follow --max-duration 2s", follow, default)).ErrorName.Should().BeNull();
            follow.Sent.Select(s => s.DisplayId).Distinct().Should().ContainSingle("the followed log is one display, updated in place");
            follow.Sent.Last().Bundle!["text/plain"].Should().Contain("stopped after --max-duration 2 s");

            var help = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-logs -h", help, default)).ErrorName.Should().BeNull();
            help.Stdout.Should().Contain("--executor").And.Contain("--max-duration");
        }
        finally
        {
            (await Run("#!spark-stop --name tools")).ErrorName.Should().BeNull();
        }

        (await Run($"var urlTools = \"{fixture.Spark.Url}\";")).ErrorName.Should().BeNull();
        (await Run("#!spark-connect --name bare --url @csharp:urlTools")).ErrorName.Should().BeNull();
        (await Run("#!spark-logs --name bare")).ErrorValue.Should().StartWith("bare was opened with --url: the notebook did not start its server");
        (await Run("#!spark-stop --name bare")).ErrorName.Should().BeNull();
    }

    [Fact]
    public async Task Set_declares_a_csharp_variable_and_share_accepts_one_that_exists()
    {
        (await Run("#!set --name greeting --value \"hello there\"")).ErrorName.Should().BeNull();
        (await Result("greeting.Length")).Should().Be("11");
        (await Run("var numbers = new System.Collections.Generic.List<int> { 1, 2, 3 };")).ErrorName.Should().BeNull();
        (await Run("#!set --name copy --value @csharp:numbers")).ErrorName.Should().BeNull();
        (await Result("object.ReferenceEquals(copy, numbers)")).Should().Be("True", "a value is shared by reference");
        (await Run("#!set --name asked --value @input:\"Your name\"")).ErrorName.Should().BeNull();
        (await Result("asked")).Should().Be("typed");
        (await Run("#!set --name 9x --value 1")).ErrorValue.Should().StartWith("#!set: '9x' cannot be a C# variable name");
        (await Run("#!set --name v")).ErrorValue.Should().StartWith("#!set needs --value");
        (await Run("#!share --from csharp greeting")).ErrorName.Should().BeNull();
        (await Run("#!share --from sql-dev nothingHere")).ErrorValue.Should().StartWith("#!share: no C# variable nothingHere is defined");
    }

    [Fact]
    public async Task Sql_cells_complete_tables_columns_and_functions_from_the_sessions_catalog()
    {
        (await Run($"var urlCompletion = \"{fixture.Spark.Url}\";")).ErrorName.Should().BeNull();
        (await Run("#!spark-connect --name comp --url @csharp:urlCompletion")).ErrorName.Should().BeNull();
        try
        {
            (await Run("#!comp\nCREATE OR REPLACE TEMPORARY VIEW completion_people AS SELECT 'ann' AS person_name, 41 AS person_age")).ErrorName.Should().BeNull();

            async Task<CompletionSet> Complete(string code) => await _cells.CompleteAsync(code, code.Length, default);
            var tables = await Complete("#!comp\nSELECT * FROM completion_p");
            tables.Matches.Should().Contain("completion_people");
            tables.Start.Should().Be("#!comp\nSELECT * FROM ".Length);

            var columns = await Complete("#!comp\nSELECT completion_people.person_");
            columns.Matches.Should().BeEquivalentTo(["person_age", "person_name"]);
            columns.Start.Should().Be("#!comp\nSELECT completion_people.".Length);

            (await _cells.CompleteAsync("#!comp\nSELECT person_ FROM completion_people", "#!comp\nSELECT person_".Length, default)).Matches
                .Should().BeEquivalentTo(["person_age", "person_name"], "columns of the tables the cell names");
            (await Complete("#!comp\nSELECT uppe")).Matches.Should().Contain("upper", "Spark's functions");
            (await Complete("#!comp\nSEL")).Matches.Should().Contain("SELECT");
            (await Complete("var x = Math.Ab")).Matches.Should().Contain("Abs", "C# cells still complete as C#");
        }
        finally
        {
            (await Run("#!spark-stop --name comp")).ErrorName.Should().BeNull();
        }
    }

    [Fact]
    public async Task A_fork_starts_with_its_parents_views_goes_its_own_way_and_ends_alone_or_with_its_parent()
    {
        (await Run($"var urlFork = \"{fixture.Spark.Url}\";")).ErrorName.Should().BeNull();
        (await Run("#!spark-connect --name jfa --url @csharp:urlFork")).ErrorName.Should().BeNull();
        try
        {
            (await Run("#!jfa\nCREATE OR REPLACE TEMPORARY VIEW fork_seen AS SELECT 41 AS x")).ErrorName.Should().BeNull();

            var fork = new RecordingOutput();
            var outcome = await _cells.ExecuteAsync("#!spark-connect --name jfb --fork jfa --conf spark.sql.shuffle.partitions=3", fork, default);
            outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
            fork.Sent.Last(s => s.Bundle is not null).Bundle!["text/plain"].Should().StartWith("jfb: fork of jfa (session ").And.Contain("stopping jfa ends it too");
            (await Result("jfb.SessionId != jfa.SessionId")).Should().Be("True");

            // The parent's temp view is in the fork (its own #!jfb SQL cell); a setting made in the fork stays there.
            var sql = new RecordingOutput();
            (await _cells.ExecuteAsync("#!jfb --name seen\nSELECT x + 1 AS y FROM fork_seen", sql, default)).ErrorName.Should().BeNull();
            (await Result("seen[0][\"y\"]")).Should().Be("42");
            (await Run("await jfb.Conf.SetAsync(\"spark.sql.session.timeZone\", \"Asia/Tokyo\");")).ErrorName.Should().BeNull();
            (await Awaited("jfb.Conf.GetAsync(\"spark.sql.session.timeZone\")")).Should().Be("Asia/Tokyo");
            (await Awaited("jfa.Conf.GetAsync(\"spark.sql.session.timeZone\")")).Should().NotBe("Asia/Tokyo");
            (await Awaited("jfb.Conf.GetAsync(\"spark.sql.shuffle.partitions\")")).Should().Be("3", "--conf sets the fork's own settings");
            (await Awaited("jfa.Conf.GetAsync(\"spark.sql.shuffle.partitions\")")).Should().NotBe("3");

            var sessions = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-sessions", sessions, default)).ErrorName.Should().BeNull();
            sessions.Sent.Single().Bundle!["text/plain"].Should().MatchRegex(@"(?m)^jfb\s+fork of jfa\s+");

            var stop = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-stop --name jfb", stop, default)).ErrorName.Should().BeNull();
            stop.Sent.Single().Bundle!["text/plain"].Should().MatchRegex(@"^jfb: stopped \(fork session [0-9a-f-]{36} released; jfa and its driver keep running\)\.$");
            (await Run("#!jfb\nSELECT 1")).ErrorValue.Should().StartWith("The Spark session 'jfb' is not open");
            (await Awaited("jfa.SqlAsync(\"SELECT x FROM fork_seen\").GetAwaiter().GetResult().CountAsync()")).Should().Be("1", "the parent works on");

            // A fork of an unknown session, and one with a launcher, are one line each; stopping the parent ends its fork.
            (await Run("#!spark-connect --name jfc --fork nowhere")).ErrorValue.Should().StartWith("--fork nowhere: no Spark session of that name is open in this notebook; open: ");
            (await Run("#!spark-connect --name jfc --fork jfa --launcher local")).ErrorValue.Should().Contain("remove --launcher");
            var forkC = await Run("#!spark-connect --name jfc --fork jfa");
            forkC.ErrorName.Should().BeNull(forkC.ErrorValue);
            var stopParent = new RecordingOutput();
            (await _cells.ExecuteAsync("#!spark-stop --name jfa", stopParent, default)).ErrorName.Should().BeNull();
            stopParent.Sent.Single().Bundle!["text/plain"].Should().MatchRegex(@"^jfa: stopped \(session [0-9a-f-]{36} closed; its fork jfc ended with it\)\.$");
        }
        finally
        {
            // Whatever failed above, nothing stays open (a session already stopped answers with one line, ignored here).
            await Run("#!spark-stop --name jfb");
            await Run("#!spark-stop --name jfa");
        }

        (await Run("#!jfc\nSELECT 1")).ErrorValue.Should().StartWith("The Spark session 'jfc' is not open");
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

    /// <summary>The value of a task-valued expression, waited for in the cell.</summary>
    private Task<string?> Awaited(string expression) => Result($"({expression}).GetAwaiter().GetResult()");

    private async Task<string?> Result(string code)
    {
        var output = new RecordingOutput();
        var outcome = await _cells.ExecuteAsync(code, output, default);
        outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
        return output.LastResult?["text/plain"];
    }
}

using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Query execution at the protocol level: reattach after a cut connection, interrupts, cancellation and progress.
/// Plans are SQL relations sent straight through <see cref="SparkConnectClient.ExecuteAsync"/>.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class ExecutionTests(SparkServerFixture spark)
{
    /// <summary>Long enough to be interrupted (minutes on 2 cores), and it sends nothing until it ends.</summary>
    private const string EndlessQuery = "SELECT count(*) FROM range(0, 100000000000L, 1, 2)";

    [Fact]
    public async Task A_query_returns_its_rows_then_ResultComplete_under_one_operation_id()
    {
        await using var session = await spark.ConnectAsync();
        var operationId = Guid.NewGuid().ToString();

        var responses = await TestPlans.RunAsync(session, "SELECT id, id * 2 AS twice FROM range(1000)", new ExecutionOptions { OperationId = operationId });

        responses.Should().OnlyContain(r => r.OperationId == operationId);
        responses.Last().ResponseTypeCase.Should().Be(ExecutePlanResponse.ResponseTypeOneofCase.ResultComplete);
        responses.Select(r => r.ResponseId).Should().OnlyHaveUniqueItems();
        var (rows, sumId, sumTwice) = TestPlans.SumColumns(responses);
        rows.Should().Be(1000);
        sumId.Should().Be(999L * 1000 / 2);
        sumTwice.Should().Be(999L * 1000);
        session.Client.ReattachCount.Should().Be(0);
    }

    [Fact]
    public async Task A_cut_connection_is_reattached_and_the_query_is_not_run_again()
    {
        const long n = 5_000_000;
        await using var relay = TcpRelay.Start(spark.Host, spark.Port);
        var viaRelay = spark.ConnectionString with { Host = "127.0.0.1", Port = relay.Port };
        await using var session = await SparkSession.ConnectAsync(viaRelay);
        var operationId = Guid.NewGuid().ToString();
        var plan = TestPlans.Sql($"SELECT id, id * 2 AS twice, concat('row-', CAST(id AS STRING)) AS label FROM range({n})");

        var operationIds = new HashSet<string>();
        var responseIds = new HashSet<string>();
        long rows = 0, sumId = 0, sumTwice = 0, batches = 0, labelsChecked = 0;
        var complete = false;
        await foreach (var response in session.Client.ExecuteAsync(plan, new ExecutionOptions { OperationId = operationId }, default))
        {
            operationIds.Add(response.OperationId);
            responseIds.Add(response.ResponseId).Should().BeTrue("every response arrives exactly once, also across reattaches");
            complete |= response.ResponseTypeCase == ExecutePlanResponse.ResponseTypeOneofCase.ResultComplete;
            if (response.ArrowBatch is not { } arrow)
            {
                continue;
            }

            if (arrow.HasStartOffset)
            {
                arrow.StartOffset.Should().Be(rows, "batches are contiguous: none is skipped or repeated");
            }

            foreach (var batch in TestPlans.ReadBatches(arrow))
            {
                var ids = (Int64Array)batch.Column(0);
                var twice = (Int64Array)batch.Column(1);
                var labels = (StringArray)batch.Column(2);
                for (var i = 0; i < batch.Length; i++)
                {
                    sumId += ids.GetValue(i)!.Value;
                    sumTwice += twice.GetValue(i)!.Value;
                }

                // Spot-check that row content survived the cut intact.
                labels.GetString(0).Should().Be($"row-{ids.GetValue(0)}");
                labelsChecked++;
                rows += batch.Length;
            }

            if (++batches == 3)
            {
                // Mid-stream: the server is still sending; everything in flight is lost with the connection.
                relay.Cut();
            }
        }

        batches.Should().BeGreaterThan(3, "the result must span the cut");
        complete.Should().BeTrue();
        rows.Should().Be(n);
        sumId.Should().Be((n - 1) * n / 2);
        sumTwice.Should().Be((n - 1) * n);
        labelsChecked.Should().BeGreaterThan(3);
        operationIds.Should().Equal(operationId); // one operation: reattached, never re-submitted
        session.Client.ReattachCount.Should().BeGreaterThanOrEqualTo(1);
        relay.AcceptedConnections.Should().BeGreaterThanOrEqualTo(2, "the stream resumed on a new connection");

        // The operation ran once and is finished: it is not running any more to be interrupted.
        (await session.InterruptOperationAsync(operationId)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_connection_the_server_closes_for_pinging_too_often_is_reattached()
    {
        // Spark's gRPC server answers pings more frequent than every 5 minutes on a silent connection with
        // GOAWAY ENHANCE_YOUR_CALM. Pinging every second while a query sends nothing provokes exactly that.
        var options = new SparkSessionOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), MaxRetries = 30 };
        await using var session = await SparkSession.ConnectAsync(spark.ConnectionString, options);
        await session.Conf.SetAsync("spark.connect.progress.reportInterval", "-1"); // no progress frames: silence

        // Eight seconds of silence that cost the shared server no CPU: one task that sleeps 1.6 s per row.
        var responses = await TestPlans.RunAsync(
            session, "SELECT id, id * 3, java_method('java.lang.Thread', 'sleep', 1600L + id * 0) AS slept FROM range(0, 5, 1, 1)");

        session.Client.ReattachCount.Should().BeGreaterThanOrEqualTo(1, "the server closed the connection at least once");
        TestPlans.SumColumns(responses).Should().Be((5, 10, 30));
    }

    [Fact]
    public async Task InterruptTag_stops_a_running_query_which_then_fails_with_OPERATION_CANCELED()
    {
        await using var session = await spark.ConnectAsync();
        var tag = "itest-" + Guid.NewGuid().ToString("N");
        var operationId = Guid.NewGuid().ToString();
        var query = Task.Run(async () => await TestPlans.RunAsync(
            session, EndlessQuery, new ExecutionOptions { OperationId = operationId, Tags = [tag] }));

        var interrupted = await InterruptWhenRunningAsync(() => session.InterruptTagAsync(tag), query);
        var stopwatch = Stopwatch.StartNew();

        interrupted.Should().Equal(operationId);
        var error = (await FluentActions.Awaiting(() => query.WaitAsync(TimeSpan.FromSeconds(30)))
            .Should().ThrowExactlyAsync<SparkException>()).Which;
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        error.ErrorClass.Should().Be("OPERATION_CANCELED");
        error.Message.Should().Contain("cancel");
    }

    [Fact]
    public async Task Session_tags_are_added_to_every_query_and_InterruptAll_reaches_them()
    {
        await using var session = await spark.ConnectAsync();
        var tag = "session-tag-" + Guid.NewGuid().ToString("N");
        session.AddTag(tag);
        session.GetTags().Should().Equal(tag);
        var operationId = Guid.NewGuid().ToString();
        var query = Task.Run(async () => await TestPlans.RunAsync(session, EndlessQuery, new ExecutionOptions { OperationId = operationId }));

        var interrupted = await InterruptWhenRunningAsync(() => session.InterruptTagAsync(tag), query);

        interrupted.Should().Equal(operationId);
        await FluentActions.Awaiting(() => query.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowExactlyAsync<SparkException>();

        session.RemoveTag(tag);
        session.GetTags().Should().BeEmpty();
        FluentActions.Invoking(() => session.AddTag("a,b")).Should().Throw<ArgumentException>();
        var second = Guid.NewGuid().ToString();
        var untagged = Task.Run(async () => await TestPlans.RunAsync(session, EndlessQuery, new ExecutionOptions { OperationId = second }));
        (await InterruptWhenRunningAsync(() => session.InterruptAllAsync(), untagged)).Should().Equal(second);
        await FluentActions.Awaiting(() => untagged.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowExactlyAsync<SparkException>();
    }

    [Fact]
    public async Task Cancelling_the_token_interrupts_the_query_on_the_server()
    {
        await using var session = await spark.ConnectAsync();
        var operationId = Guid.NewGuid().ToString();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var stopwatch = Stopwatch.StartNew();

        await FluentActions.Awaiting(() => TestPlans.RunAsync(session, EndlessQuery, new ExecutionOptions { OperationId = operationId }, cts.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        // Had the client only closed its stream, the reattachable operation would still be running and this
        // interrupt would return its id. It returns nothing: the client already interrupted it.
        (await session.InterruptOperationAsync(operationId)).Should().BeEmpty();
        // The session is still usable.
        var (rows, _, _) = TestPlans.SumColumns(await TestPlans.RunAsync(session, "SELECT id, id FROM range(10)"));
        rows.Should().Be(10);
    }

    [Fact]
    public async Task Progress_reports_arrive_for_a_multi_stage_query_through_IProgress_and_as_a_stream()
    {
        await using var session = await spark.ConnectAsync();
        // The server reports every 2 s by default; a short interval makes a few-second query report several times.
        await session.Conf.SetAsync("spark.connect.progress.reportInterval", "100ms");
        var reports = new List<ExecutionProgress>();
        var sink = new SynchronousProgress(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        });
        const string query =
            "SELECT k, count(*) AS c FROM (SELECT id % 1000 AS k FROM range(0, 20000000, 1, 4)) GROUP BY k ORDER BY k";

        var responses = await TestPlans.RunAsync(session, query, new ExecutionOptions { Progress = sink });

        TestPlans.CountRows(responses).Should().Be(1000);
        reports.Should().NotBeEmpty();
        var stageIds = reports.SelectMany(r => r.Stages).Select(s => s.StageId).Distinct().ToList();
        stageIds.Count.Should().BeGreaterThanOrEqualTo(2, "a group-by has a map stage and a reduce stage");
        reports.SelectMany(r => r.Stages).Should().Contain(s => s.TotalTasks > 0 && s.CompletedTasks <= s.TotalTasks);
        reports.SelectMany(r => r.Stages).Should().Contain(s => s.Done);
        reports.Should().OnlyContain(r => r.Fraction >= 0 && r.Fraction <= 1);

        // The same through the async-stream form: read while the query runs; the stream ends with the query.
        var stream = new ExecutionProgressStream();
        var reader = Task.Run(async () =>
        {
            var seen = new List<ExecutionProgress>();
            await foreach (var p in stream.ReadAllAsync())
            {
                seen.Add(p);
            }

            return seen;
        });
        await TestPlans.RunAsync(session, query, new ExecutionOptions { Progress = stream });
        var streamed = await reader.WaitAsync(TimeSpan.FromSeconds(10));
        streamed.Should().NotBeEmpty();
        streamed.SelectMany(p => p.Stages).Should().Contain(s => s.TotalTasks > 0);
    }

    [Fact]
    public async Task Leaving_the_enumeration_early_stops_the_query_on_the_server()
    {
        await using var session = await spark.ConnectAsync();
        var operationId = Guid.NewGuid().ToString();
        // One row per partition, 200 partitions of heavy work: after the first batch most of the query is still to
        // run, yet the result stays tiny (Spark holds finished partitions' results in driver memory until sent).
        var plan = TestPlans.Sql("SELECT id FROM range(0, 20000000000L, 1, 200) WHERE id % 100000000 = 0");

        await foreach (var response in session.Client.ExecuteAsync(plan, new ExecutionOptions { OperationId = operationId }, default))
        {
            if (response.ArrowBatch is not null)
            {
                break;
            }
        }

        (await session.InterruptOperationAsync(operationId)).Should().BeEmpty("the client already stopped it");
    }

    [Fact]
    public async Task Analyze_helpers_return_schema_explain_tree_and_version()
    {
        await using var session = await spark.ConnectAsync();
        var client = session.Client;
        var relation = new Relation { Sql = new SQL { Query = "SELECT id, CAST(id AS STRING) AS s FROM range(3)" } };

        var schema = await client.SchemaAsync(relation, default);
        schema.Struct.Fields.Select(f => f.Name).Should().Equal("id", "s");
        schema.Struct.Fields[0].DataType.KindCase.Should().Be(Spark.Connect.DataType.KindOneofCase.Long);
        (await client.ExplainAsync(relation, SparkConnectClient.ParseExplainMode("extended"), default))
            .Should().Contain("== Parsed Logical Plan ==").And.Contain("== Physical Plan ==");
        (await client.ExplainAsync(relation, SparkConnectClient.ParseExplainMode("simple"), default))
            .Should().Contain("== Physical Plan ==").And.NotContain("== Parsed Logical Plan ==");
        (await client.TreeStringAsync(relation, null, default)).Should().Contain("|-- id: long").And.Contain("|-- s: string");
        (await client.IsLocalAsync(relation, default)).Should().BeFalse();
        (await client.IsStreamingAsync(relation, default)).Should().BeFalse();
        (await client.InputFilesAsync(relation, default)).Should().BeEmpty();
        (await client.SparkVersionAsync(default)).Should().Be("4.2.0");
        (await client.DdlParseAsync("a INT, b ARRAY<STRING>", default)).Struct.Fields.Select(f => f.Name).Should().Equal("a", "b");
        (await client.SameSemanticsAsync(relation, relation.Clone(), default)).Should().BeTrue();
        (await client.SemanticHashAsync(relation, default)).Should().Be(await client.SemanticHashAsync(relation.Clone(), default));
        FluentActions.Invoking(() => SparkConnectClient.ParseExplainMode("verbose")).Should().Throw<ArgumentException>().WithMessage("*formatted*");

        await client.PersistAsync(relation, new Spark.Connect.StorageLevel { UseMemory = true, Replication = 1 }, default);
        (await client.GetStorageLevelAsync(relation, default)).UseMemory.Should().BeTrue();
        await client.UnpersistAsync(relation, blocking: true, default);
        (await client.GetStorageLevelAsync(relation, default)).UseMemory.Should().BeFalse();
    }

    /// <summary>Polls <paramref name="interrupt"/> until the operation has started on the server and was interrupted.</summary>
    private static async Task<IReadOnlyList<string>> InterruptWhenRunningAsync(Func<Task<IReadOnlyList<string>>> interrupt, Task query)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var ids = await interrupt();
            if (ids.Count > 0)
            {
                return ids;
            }

            if (query.IsCompleted)
            {
                await query; // surfaces why the query ended before it could be interrupted
                throw new InvalidOperationException("The query finished before it could be interrupted.");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The query never showed up as running on the server.");
    }

    /// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool later).</summary>
    private sealed class SynchronousProgress(Action<ExecutionProgress> report) : IProgress<ExecutionProgress>
    {
        public void Report(ExecutionProgress value) => report(value);
    }
}

/// <summary>Plans and result reading for tests that drive ExecutePlan directly.</summary>
internal static class TestPlans
{
    public static Plan Sql(string query) => new() { Root = new Relation { Sql = new SQL { Query = query } } };

    /// <summary>Runs a SQL query to the end and returns every response.</summary>
    public static async Task<List<ExecutePlanResponse>> RunAsync(
        SparkSession session, string query, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var responses = new List<ExecutePlanResponse>();
        await foreach (var response in session.Client.ExecuteAsync(Sql(query), options, cancellationToken))
        {
            responses.Add(response);
        }

        return responses;
    }

    /// <summary>The record batches in one ArrowBatch response (Arrow IPC stream format).</summary>
    public static IEnumerable<RecordBatch> ReadBatches(ExecutePlanResponse.Types.ArrowBatch arrow)
    {
        using var reader = new ArrowStreamReader(new MemoryStream(arrow.Data.ToByteArray()));
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            yield return batch;
        }
    }

    public static long CountRows(IEnumerable<ExecutePlanResponse> responses) =>
        responses.Where(r => r.ArrowBatch is not null).Sum(r => r.ArrowBatch.RowCount);

    /// <summary>Row count and the sums of the first two (bigint) columns.</summary>
    public static (long Rows, long Sum0, long Sum1) SumColumns(IEnumerable<ExecutePlanResponse> responses)
    {
        long rows = 0, sum0 = 0, sum1 = 0;
        foreach (var response in responses.Where(r => r.ArrowBatch is not null))
        {
            foreach (var batch in ReadBatches(response.ArrowBatch))
            {
                var c0 = (Int64Array)batch.Column(0);
                var c1 = (Int64Array)batch.Column(1);
                for (var i = 0; i < batch.Length; i++)
                {
                    sum0 += c0.GetValue(i) ?? 0;
                    sum1 += c1.GetValue(i) ?? 0;
                }

                rows += batch.Length;
            }
        }

        return (rows, sum0, sum1);
    }
}

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Sessions that outlive their client, against the real server: a session detached (as a kernel that dies leaves it)
/// is attached again by its id with its views, settings and running query; a query in flight is fetched by its
/// operation id and never run again; a session or operation the server no longer holds says so in one message.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class AttachTests(SparkServerFixture spark)
{
    /// <summary>Sends nothing for a few seconds, whatever the load: long enough to detach while it runs.</summary>
    private const string SlowQuery = "SELECT id, reflect('java.lang.Thread', 'sleep', CAST(4000 AS BIGINT)) AS slept FROM range(3)";

    [Fact]
    public async Task An_attached_session_has_its_view_its_setting_and_the_rows_of_the_query_that_ran_when_its_client_left()
    {
        var first = await spark.ConnectAsync();
        await (await first.SqlAsync("CREATE OR REPLACE TEMP VIEW attach_view AS SELECT id * 10 AS v FROM range(5)")).CollectAsync();
        await first.Conf.SetAsync("spark.sql.shuffle.partitions", "7");
        var operationId = Guid.NewGuid().ToString();
        var running = (await first.SqlAsync(SlowQuery)).CollectAsync(new ExecutionOptions { OperationId = operationId });
        await WaitUntilAsync(() => first.RunningOperations.Any(o => o.OperationId == operationId));
        await WaitUntilAsync(async () => await first.GetOperationStateAsync(operationId) == SparkOperationState.Running);

        var attachment = first.Attachment;
        await first.DetachAsync(); // what a killed kernel leaves: no release, the query runs on
        await running.ContinueWith(_ => { }, TaskScheduler.Default);

        attachment.Operations.Select(o => o.OperationId).Should().Equal(operationId);
        attachment.Operations[0].Description.Should().Contain("reflect");
        attachment.ToString().Should().NotContain(spark.Token, "an attachment holds the token but never prints it");

        var second = await SparkSession.AttachAsync(attachment);
        await using (second)
        {
            second.SessionId.Should().Be(attachment.SessionId);
            second.AttachedOperations.Should().ContainKey(operationId);
            second.AttachedOperations[operationId].Should().Be(SparkOperationState.Running);

            // Until fetched, the left operation counts as in flight here: a record this client writes keeps it for the next one.
            second.Attachment.Operations.Should().Equal(attachment.Operations);
            var rows = await second.FetchOperationAsync(attachment.Operations[0]);
            rows.Select(r => r.Get<long>("id")).Should().Equal(0L, 1L, 2L);
            second.RunningOperations.Should().BeEmpty("a fetched operation is no longer in flight");

            (await (await second.SqlAsync("SELECT sum(v) AS s FROM attach_view")).CollectAsync())[0].Get<long>("s").Should().Be(100);
            (await second.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("7");

            // Not run twice: the server knows exactly the operations this test sent, the slow one once.
            var known = await second.Client.GetStatusAsync([], default);
            known.OperationStatuses.Count(s => s.OperationId == operationId).Should().Be(1);
            (await second.GetOperationStateAsync(operationId)).Should().Be(SparkOperationState.Succeeded, "its results were delivered and released");

            // Fetched once, it is gone: fetching again says so instead of running it.
            var again = async () => await second.FetchOperationAsync(operationId);
            (await again.Should().ThrowAsync<SparkException>()).Which.Message.Should()
                .Contain(operationId).And.Contain("finished").And.Contain("not run again");
        }
    }

    [Fact]
    public async Task Attaching_to_a_closed_session_says_it_is_gone_in_one_message()
    {
        var first = await spark.ConnectAsync();
        await (await first.SqlAsync("SELECT 1")).CollectAsync();
        var attachment = first.Attachment;
        await first.DisposeAsync(); // released: the server closes it

        var attach = async () => await SparkSession.AttachAsync(attachment);
        var error = (await attach.Should().ThrowAsync<SparkException>()).Which;
        error.Message.Should().StartWith($"Session {attachment.SessionId} is gone").And.Contain("closed").And.NotContain(spark.Token);
        error.IsSessionLost.Should().BeTrue();
    }

    [Fact]
    public async Task Attaching_to_a_replaced_session_is_refused_and_an_unknown_one_creates_nothing()
    {
        var first = await spark.ConnectAsync();
        await (await first.SqlAsync("SELECT 1")).CollectAsync();
        var attachment = first.Attachment;
        await first.DetachAsync();
        try
        {
            var replaced = attachment with { ServerSideSessionId = Guid.NewGuid().ToString() };
            var attach = async () => await SparkSession.AttachAsync(replaced);
            (await attach.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("restarted");

            var unknown = attachment with { Connection = attachment.Connection with { SessionId = Guid.NewGuid().ToString() }, ServerSideSessionId = null };
            var attachUnknown = async () => await SparkSession.AttachAsync(unknown);
            (await attachUnknown.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("INVALID_HANDLE.SESSION_NOT_FOUND");
            // GetStatus never creates a session: asking again still finds none.
            (await attachUnknown.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("INVALID_HANDLE.SESSION_NOT_FOUND");
        }
        finally
        {
            await (await SparkSession.AttachAsync(attachment)).DisposeAsync();
        }
    }

    [Fact]
    public async Task An_operation_the_session_never_ran_is_unknown_and_nothing_is_sent_to_run()
    {
        await using var session = await spark.ConnectAsync();
        var id = Guid.NewGuid().ToString();
        (await session.GetOperationStateAsync(id)).Should().Be(SparkOperationState.Unknown);
        var fetch = async () => await session.FetchOperationAsync(id);
        (await fetch.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("unknown to the server").And.Contain("not run again");
        (await session.GetOperationStateAsync(id)).Should().Be(SparkOperationState.Unknown);
        session.RunningOperations.Should().BeEmpty();
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within 30 s.");
            }

            await Task.Delay(50);
        }
    }
}

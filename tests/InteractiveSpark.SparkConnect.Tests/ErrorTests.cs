using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Server errors become <see cref="SparkException"/> with Spark's class, state, parameters and query context.</summary>
[Collection(SparkCollection.Name)]
public sealed class ErrorTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_missing_table_gives_TABLE_OR_VIEW_NOT_FOUND_with_its_query_context()
    {
        await using var session = await spark.ConnectAsync();
        const string query = "SELECT * FROM no_such_table";

        var error = (await FluentActions.Awaiting(() => TestPlans.RunAsync(session, query))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.ErrorClass.Should().Be("TABLE_OR_VIEW_NOT_FOUND");
        error.SqlState.Should().Be("42P01");
        error.Message.Should().StartWith("[TABLE_OR_VIEW_NOT_FOUND]");
        error.Message.Split('\n')[0].Should().Contain("`no_such_table`").And.Contain("cannot be found");
        error.MessageParameters.Should().Contain("relationName", "`no_such_table`");
        error.QueryContexts.Should().ContainSingle();
        var context = error.QueryContexts[0];
        context.ContextType.Should().Be(SparkQueryContextType.Sql);
        context.Fragment.Should().Be("no_such_table");
        context.StartIndex.Should().Be(query.IndexOf("no_such_table", StringComparison.Ordinal));
        context.StopIndex.Should().Be(query.Length - 1);
        error.ErrorTypeHierarchy.Should().Contain("org.apache.spark.sql.AnalysisException");
        error.ServerExceptionType.Should().Be(error.ErrorTypeHierarchy[0]);
        error.StatusCode.Should().Be(StatusCode.Internal);
        error.ErrorId.Should().NotBeNullOrEmpty();
        error.IsSessionLost.Should().BeFalse();
    }

    [Fact]
    public async Task Division_by_zero_under_ANSI_gives_DIVIDE_BY_ZERO()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.ansi.enabled", true);

        // From a column, so that the error happens in a task at run time rather than in constant folding.
        var error = (await FluentActions.Awaiting(() => TestPlans.RunAsync(session, "SELECT 10 / (id - id) AS q FROM range(3)"))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.ErrorClass.Should().Be("DIVIDE_BY_ZERO");
        error.SqlState.Should().Be("22012");
        error.Message.Should().StartWith("[DIVIDE_BY_ZERO]");
        error.ServerStackTrace.Should().Contain("org.apache.spark");
        error.QueryContexts.Should().Contain(c => c.Fragment == "10 / (id - id)");
    }

    [Fact]
    public async Task A_syntax_error_gives_PARSE_SYNTAX_ERROR_also_from_AnalyzePlan()
    {
        await using var session = await spark.ConnectAsync();
        var relation = new Relation { Sql = new SQL { Query = "SELEC 1" } };

        var error = (await FluentActions.Awaiting(() => session.Client.SchemaAsync(relation, default))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.ErrorClass.Should().Be("PARSE_SYNTAX_ERROR");
        error.SqlState.Should().Be("42601");
        error.MessageParameters.Should().Contain("error", "'SELEC'");
    }

    [Fact]
    public async Task A_user_raised_error_keeps_its_message_and_the_session_stays_usable()
    {
        await using var session = await spark.ConnectAsync();

        var error = (await FluentActions.Awaiting(() => TestPlans.RunAsync(session, "SELECT raise_error('custom boom 42')"))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.ErrorClass.Should().Be("USER_RAISED_EXCEPTION");
        error.Message.Should().Contain("custom boom 42");
        error.MessageParameters.Should().Contain("errorMessage", "custom boom 42");
        TestPlans.CountRows(await TestPlans.RunAsync(session, "SELECT 1")).Should().Be(1);
    }

    [Fact]
    public async Task A_session_released_by_someone_else_is_reported_as_lost()
    {
        var sessionId = Guid.NewGuid().ToString();
        await using var session = await SparkSession.ConnectAsync(spark.ConnectionString with { SessionId = sessionId });
        // A second client on the same session id closes the server-side session, as a server restart or expiry would.
        var other = await SparkSession.ConnectAsync(spark.ConnectionString with { SessionId = sessionId });
        await other.DisposeAsync();

        var error = (await FluentActions.Awaiting(() => session.Conf.GetAllAsync())
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.IsSessionLost.Should().BeTrue();
        error.Message.Should().StartWith("Spark Connect session lost");
    }

    [Fact]
    public async Task A_changed_server_session_id_is_reported_as_lost()
    {
        await using var session = await spark.ConnectAsync();
        session.ServerSideSessionId.Should().NotBeNullOrEmpty();

        // What a response from a restarted server looks like: the same client session id, a new server session.
        var error = FluentActions.Invoking(() => session.Client.ObserveServerSession(Guid.NewGuid().ToString()))
            .Should().Throw<SparkException>().Which;

        error.IsSessionLost.Should().BeTrue();
        error.Message.Should().StartWith("Spark Connect session lost").And.Contain(session.ServerSideSessionId);
        session.Client.ObserveServerSession(session.ServerSideSessionId); // the known id is fine
    }
}

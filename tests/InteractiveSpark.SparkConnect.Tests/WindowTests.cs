using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class WindowTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Ranking_functions_number_rows_within_partitions()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        var bySalary = Window.PartitionBy("dept").OrderBy(Col("salary").Desc());
        var bySalaryThenId = Window.PartitionBy(Col("dept")).OrderBy(Col("salary").Desc(), Col("id"));
        var rows = await emp.Select(
                Col("name"),
                RowNumber().Over(bySalaryThenId).Alias("rn"),
                Rank().Over(bySalary).Alias("rank"),
                DenseRank().Over(bySalary).Alias("dense"),
                Ntile(2).Over(bySalaryThenId).Alias("ntile"),
                CumeDist().Over(bySalary).Alias("cume"),
                PercentRank().Over(bySalary).Alias("pct"))
            .OrderBy("id").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object[] { "alice", 1, 1, 1, 1, 1.0 / 3, 0.0 },
            ["bob", 2, 2, 2, 1, 1.0, 0.5],
            ["carol", 3, 2, 2, 2, 1.0, 0.5],
            ["dan", 2, 2, 2, 2, 1.0, 1.0],
            ["erin", 1, 1, 1, 1, 0.5, 0.0],
            ["frank", 1, 1, 1, 1, 1.0, 0.0],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Lag_and_lead_read_neighbouring_rows()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        var w = Window.PartitionBy("dept").OrderBy(Col("salary").Desc(), Col("id"));
        var rows = await emp.Select(
                Col("name"),
                Lag("salary").Over(w),
                Lead(Col("salary")).Over(w),
                Lag(Col("salary"), 1, 0).Over(w),
                Lead("name", 2, "none").Over(w),
                NthValue(Col("name"), 2).Over(w.RowsBetween(Window.UnboundedPreceding, Window.UnboundedFollowing)))
            .OrderBy("id").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { "alice", null, 80, 0, "carol", "bob" },
            ["bob", 100, 80, 100, "none", "bob"],
            ["carol", 80, null, 80, "none", "bob"],
            ["dan", 70, null, 70, "none", "dan"],
            ["erin", null, 50, 0, "none", "dan"],
            ["frank", null, null, 0, "none", null],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Rows_frames_give_running_and_moving_sums()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(1, 6);
        var ordered = Window.OrderBy("id");
        var rows = await df.Select(
                Col("id"),
                Sum("id").Over(ordered.RowsBetween(Window.UnboundedPreceding, Window.CurrentRow)).Alias("running"),
                Sum("id").Over(ordered.RowsBetween(-1, 1)).Alias("moving"),
                Sum("id").Over(ordered.RowsBetween(Window.CurrentRow, Window.UnboundedFollowing)).Alias("rest"),
                Count("*").Over(Window.RowsBetween(Window.UnboundedPreceding, Window.UnboundedFollowing).OrderBy("id")).Alias("all"))
            .OrderBy("id").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object[] { 1L, 1L, 3L, 15L, 5L },
            [2L, 3L, 6L, 14L, 5L],
            [3L, 6L, 9L, 12L, 5L],
            [4L, 10L, 12L, 9L, 5L],
            [5L, 15L, 9L, 5L, 5L],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Range_frames_use_the_ordering_values()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Frames.Ints(session, "v", 1, 2, 4, 7, 8);
        var w = Window.OrderBy("v");
        var rows = await df.Select(
                Col("v"),
                Sum("v").Over(w.RangeBetween(-2, Window.CurrentRow)).Alias("last2"),
                Sum("v").Over(w.RangeBetween(Window.CurrentRow, Window.UnboundedFollowing)).Alias("suffix"),
                Count("*").Over(Window.OrderBy("v").RangeBetween(-1, 1)).Alias("near"))
            .OrderBy("v").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object[] { 1, 1L, 22L, 2L },
            [2, 3L, 21L, 2L],
            [4, 6L, 19L, 1L],
            [7, 7L, 15L, 2L],
            [8, 15L, 8L, 2L],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Aggregates_over_unordered_and_empty_windows()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        var rows = await emp.Select(
                Col("name"),
                Sum("salary").Over(Window.PartitionBy("dept")).Alias("dept_total"),
                Max("salary").Over().Alias("top"),
                Count("*").Over(Window.PartitionBy("dept")).Alias("n"))
            .OrderBy("id").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { "alice", 260L, 100, 3L },
            ["bob", 260L, 100, 3L],
            ["carol", 260L, 100, 3L],
            ["dan", 120L, 100, 2L],
            ["erin", 120L, 100, 2L],
            ["frank", null, 100, 1L],
        }, o => o.WithStrictOrdering());
    }
}

using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class GroupingTests(SparkServerFixture spark)
{
    private static Task<DataFrame> Sales(SparkSession s) => s.SqlAsync(
        "SELECT * FROM VALUES (2023, 'eu', 10), (2023, 'us', 20), (2024, 'eu', 30), (2024, 'us', 40) AS t(year, region, amount)");

    [Fact]
    public async Task GroupBy_agg_computes_aggregates_per_group()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        var rows = await emp.GroupBy("dept")
            .Agg(Count("*").Alias("n"), Sum("salary"), Avg("salary"), Min("salary"), Max(Col("salary")), CollectList("name"))
            .OrderBy("dept").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { "eng", 3L, 260L, 260.0 / 3, 80, 100, new object[] { "alice", "bob", "carol" } },
            ["hr", 1L, null, null, null, null, new object[] { "frank" }],
            ["ops", 2L, 120L, 60.0, 50, 70, new object[] { "dan", "erin" }],
        }, o => o.WithStrictOrdering());

        var byExpr = await emp.GroupBy(Col("salary") >= 80).Count().OrderBy("count").RowsAsync();
        byExpr.Should().BeEquivalentTo(new[] { new object?[] { null, 1L }, [false, 2L], [true, 3L] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task GroupBy_shortcuts_name_their_columns_like_spark()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        var g = emp.GroupBy("dept");

        var count = g.Count().OrderBy("dept");
        (await count.ColumnsAsync()).Should().Equal("dept", "count");
        (await count.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "eng", 3L }, ["hr", 1L], ["ops", 2L] }, o => o.WithStrictOrdering());

        var sum = g.Sum("salary", "id").OrderBy("dept");
        (await sum.ColumnsAsync()).Should().Equal("dept", "sum(salary)", "sum(id)");
        (await sum.RowsAsync()).Should().BeEquivalentTo(new[] { new object?[] { "eng", 260L, 6L }, ["hr", null, 6L], ["ops", 120L, 9L] }, o => o.WithStrictOrdering());

        (await g.Avg("salary").OrderBy("dept").RowsAsync()).Select(r => r[1]).Should().Equal(260.0 / 3, null, 60.0);
        (await g.Mean("id").OrderBy("dept").RowsAsync()).Select(r => r[1]).Should().Equal(2.0, 6.0, 4.5);
        (await g.Min("salary").OrderBy("dept").RowsAsync()).Select(r => r[1]).Should().Equal(80, null, 50);
        (await g.Max("salary", "id").OrderBy("dept").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object?[] { "eng", 100, 3 }, ["hr", null, 6], ["ops", 70, 5] }, o => o.WithStrictOrdering());

        var byDict = g.Agg(new Dictionary<string, string> { ["salary"] = "max", ["id"] = "count" }).OrderBy("dept");
        (await byDict.ColumnsAsync()).Should().Equal("dept", "max(salary)", "count(id)");
        (await byDict.RowsAsync()).Should().BeEquivalentTo(new[] { new object?[] { "eng", 100, 3L }, ["hr", null, 1L], ["ops", 70, 2L] }, o => o.WithStrictOrdering());

        var noColumns = () => g.Sum();
        noColumns.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task Rollup_adds_subtotals_and_a_grand_total()
    {
        await using var session = await spark.ConnectAsync();
        var rows = await (await Sales(session)).Rollup("year", "region")
            .Agg(Sum("amount").Alias("total"), Grouping(Col("region")).Alias("g"))
            .OrderBy(Col("year").AscNullsLast(), Col("region").AscNullsLast()).RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { 2023, "eu", 10L, (sbyte)0 },
            [2023, "us", 20L, (sbyte)0],
            [2023, null, 30L, (sbyte)1],
            [2024, "eu", 30L, (sbyte)0],
            [2024, "us", 40L, (sbyte)0],
            [2024, null, 70L, (sbyte)1],
            [null, null, 100L, (sbyte)1],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Cube_adds_every_combination_of_subtotals()
    {
        await using var session = await spark.ConnectAsync();
        var rows = await (await Sales(session)).Cube(Col("year"), Col("region"))
            .Agg(Sum("amount").Alias("total"), GroupingId().Alias("gid"))
            .OrderBy(Col("year").AscNullsLast(), Col("region").AscNullsLast()).RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { 2023, "eu", 10L, 0L },
            [2023, "us", 20L, 0L],
            [2023, null, 30L, 1L],
            [2024, "eu", 30L, 0L],
            [2024, "us", 40L, 0L],
            [2024, null, 70L, 1L],
            [null, "eu", 40L, 2L],
            [null, "us", 60L, 2L],
            [null, null, 100L, 3L],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task GroupingSets_groups_by_each_set()
    {
        await using var session = await spark.ConnectAsync();
        var rows = await (await Sales(session))
            .GroupingSets([[Col("year")], [Col("region")], []], Col("year"), Col("region"))
            .Agg(Sum("amount").Alias("total"))
            .OrderBy(Col("year").AscNullsLast(), Col("region").AscNullsLast()).RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { 2023, null, 30L },
            [2024, null, 70L],
            [null, "eu", 40L],
            [null, "us", 60L],
            [null, null, 100L],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Pivot_turns_values_into_columns_with_or_without_a_value_list()
    {
        await using var session = await spark.ConnectAsync();
        var sales = await Sales(session);

        var found = sales.GroupBy("year").Pivot("region").Sum("amount").OrderBy("year");
        (await found.ColumnsAsync()).Should().Equal("year", "eu", "us");
        (await found.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 2023, 10L, 20L }, [2024, 30L, 40L] }, o => o.WithStrictOrdering());

        var listed = sales.GroupBy(Col("year")).Pivot(Col("region"), ["us", "asia"]).Agg(Sum("amount")).OrderBy("year");
        (await listed.ColumnsAsync()).Should().Equal("year", "us", "asia");
        (await listed.RowsAsync()).Should().BeEquivalentTo(new[] { new object?[] { 2023, 20L, null }, [2024, 40L, null] }, o => o.WithStrictOrdering());

        var twoAggs = sales.GroupBy("region").Pivot("year", [2024]).Agg(Sum("amount").Alias("s"), Count("*").Alias("c")).OrderBy("region");
        (await twoAggs.ColumnsAsync()).Should().Equal("region", "2024_s", "2024_c");
        (await twoAggs.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "eu", 30L, 1L }, ["us", 40L, 1L] }, o => o.WithStrictOrdering());

        var noGroup = sales.GroupBy().Pivot("region").Agg(Max("amount"));
        (await noGroup.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 30, 40 } });

        var afterRollup = () => sales.Rollup("year").Pivot("region");
        afterRollup.Should().Throw<InvalidOperationException>();
    }
}

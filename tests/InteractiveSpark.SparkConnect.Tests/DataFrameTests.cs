using Apache.Arrow;
using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Small helpers shared by the DataFrame API tests.</summary>
internal static class Frames
{
    /// <summary>The rows' values, for comparing with expected arrays (types matter: 1L is not 1).</summary>
    public static object?[][] V(this IReadOnlyList<Row> rows) => rows.Select(r => r.ToArray()).ToArray();

    /// <summary>A one-column DataFrame of ints named <paramref name="name"/>.</summary>
    public static Task<DataFrame> Ints(SparkSession s, string name, params int[] values) =>
        s.SqlAsync($"SELECT * FROM VALUES {string.Join(", ", values.Select(v => $"({v})"))} AS t({name})");

    /// <summary>Employees: id, name, dept, salary (ints and strings), one null salary.</summary>
    public static Task<DataFrame> Employees(SparkSession s) => s.SqlAsync("""
        SELECT * FROM VALUES
          (1, 'alice', 'eng', 100),
          (2, 'bob',   'eng', 80),
          (3, 'carol', 'eng', 80),
          (4, 'dan',   'ops', 50),
          (5, 'erin',  'ops', 70),
          (6, 'frank', 'hr',  NULL)
        AS t(id, name, dept, salary)
        """);

    public static async Task<object?[][]> RowsAsync(this DataFrame df) => (await df.CollectAsync()).V();
}

[Collection(SparkCollection.Name)]
public sealed class DataFrameTests(SparkServerFixture spark)
{
    // ------------------------------------------------------------------ projections

    [Fact]
    public async Task Range_filter_withColumn_orderBy_collects_the_expected_values()
    {
        await using var session = await spark.ConnectAsync();
        var rows = await session.Range(10)
            .Filter(Col("id") % 2 == 0)
            .WithColumn("sq", Col("id") * Col("id"))
            .OrderBy(Col("id").Desc())
            .RowsAsync();
        rows.Should().BeEquivalentTo(
            new[] { new object[] { 8L, 64L }, [6L, 36L], [4L, 16L], [2L, 4L], [0L, 0L] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Range_with_start_step_and_partitions()
    {
        await using var session = await spark.ConnectAsync();
        (await session.Range(5, 20, 5, 2).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 5L }, [10L], [15L] }, o => o.WithStrictOrdering());
        (await session.Range(3, 0, -1).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 3L }, [2L], [1L] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Select_selectExpr_where_and_string_filters()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);

        (await emp.Select("name", "salary").Where("salary >= 80").OrderBy("name").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { "alice", 100 }, ["bob", 80], ["carol", 80] }, o => o.WithStrictOrdering());
        (await emp.SelectExpr("id * 10 AS tid", "upper(name) AS n").Filter(Col("tid") > 40).OrderBy("tid").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 50, "ERIN" }, [60, "FRANK"] }, o => o.WithStrictOrdering());
        (await emp.Where(Col("dept") == "ops").Select(emp["id"]).OrderBy("id").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 4 }, [5] }, o => o.WithStrictOrdering());
        (await emp.Select("*").Filter("id = 6").RowsAsync()).Should().BeEquivalentTo(new[] { new object?[] { 6, "frank", "hr", null } });
    }

    [Fact]
    public async Task WithColumns_renames_drop_and_toDF_change_the_columns()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 1 AS a, 'x' AS b, 2.5D AS c");

        var wide = df.WithColumns(new Dictionary<string, Column> { ["d"] = Col("a") + 1, ["a"] = Col("a") * 100 });
        (await wide.ColumnsAsync()).Should().Equal("a", "b", "c", "d");
        (await wide.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 100, "x", 2.5, 2 } });

        var renamed = df.WithColumnRenamed("a", "alpha").WithColumnsRenamed(new Dictionary<string, string> { ["b"] = "beta", ["zzz"] = "ignored" });
        (await renamed.ColumnsAsync()).Should().Equal("alpha", "beta", "c");

        (await df.Drop("b", "nope").ColumnsAsync()).Should().Equal("a", "c");
        (await df.Drop(df["a"], df["c"]).ColumnsAsync()).Should().Equal("b");
        var toDf = df.ToDF("x", "y", "z");
        (await toDf.ColumnsAsync()).Should().Equal("x", "y", "z");
        (await toDf.DTypesAsync()).Should().Equal(("x", "int"), ("y", "string"), ("z", "double"));
        (await toDf.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 1, "x", 2.5 } });
    }

    [Fact]
    public async Task Schema_alias_colRegex_and_the_dataframe_indexer()
    {
        await using var session = await spark.ConnectAsync();
        var schema = await session.Range(3).SchemaAsync();
        schema.Fields.Should().ContainSingle();
        schema[0].Name.Should().Be("id");
        schema[0].DataType.Should().Be(LongType.Instance);
        schema[0].Nullable.Should().BeFalse();

        (await session.Range(3).Alias("t").Select(Col("t.id")).RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 0L }, [1L], [2L] }, o => o.WithStrictOrdering());

        var abc = await session.SqlAsync("SELECT 1 AS a1, 2 AS a2, 3 AS b");
        (await abc.Select(abc.ColRegex("`a.*`")).ColumnsAsync()).Should().Equal("a1", "a2");
        (await abc.Select(abc["*"]).ColumnsAsync()).Should().Equal("a1", "a2", "b");
        (await abc.Select(abc["b"], abc.Col("a1")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 3, 1 } });
    }

    // ------------------------------------------------------------------ joins

    private static async Task<(DataFrame L, DataFrame R)> JoinInputs(SparkSession s) => (
        await s.SqlAsync("SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c') AS t(id, l)"),
        await s.SqlAsync("SELECT * FROM VALUES (2, 'x'), (3, 'y'), (4, 'z') AS t(id, r)"));

    [Theory]
    [InlineData("inner", "2b x|3c y")]
    [InlineData("left", "1a -|2b x|3c y")]
    [InlineData("left_outer", "1a -|2b x|3c y")]
    [InlineData("right", "2b x|3c y|4- z")]
    [InlineData("rightouter", "2b x|3c y|4- z")]
    [InlineData("outer", "1a -|2b x|3c y|4- z")]
    [InlineData("full", "1a -|2b x|3c y|4- z")]
    [InlineData("full_outer", "1a -|2b x|3c y|4- z")]
    public async Task Join_using_a_column_gives_each_join_type_its_rows(string joinType, string expected)
    {
        await using var session = await spark.ConnectAsync();
        var (l, r) = await JoinInputs(session);
        var joined = l.Join(r, "id", joinType);
        (await joined.ColumnsAsync()).Should().Equal("id", "l", "r");
        var rows = await joined.OrderBy("id").CollectAsync();
        string.Join("|", rows.Select(x => $"{x[0]}{x[1] ?? "-"} {x[2] ?? "-"}")).Should().Be(expected);
    }

    [Theory]
    [InlineData("left_semi", "2b|3c")]
    [InlineData("semi", "2b|3c")]
    [InlineData("leftsemi", "2b|3c")]
    [InlineData("left_anti", "1a")]
    [InlineData("anti", "1a")]
    public async Task Semi_and_anti_joins_keep_only_left_columns(string joinType, string expected)
    {
        await using var session = await spark.ConnectAsync();
        var (l, r) = await JoinInputs(session);
        var joined = l.Join(r, l["id"] == r["id"], joinType);
        (await joined.ColumnsAsync()).Should().Equal("id", "l");
        var rows = await joined.OrderBy("id").CollectAsync();
        string.Join("|", rows.Select(x => $"{x[0]}{x[1]}")).Should().Be(expected);
    }

    [Fact]
    public async Task Join_on_a_condition_keeps_both_key_columns()
    {
        await using var session = await spark.ConnectAsync();
        var (l, r) = await JoinInputs(session);
        var rows = await l.Join(r, l["id"] == r["id"], "full_outer")
            .Select(l["id"].Alias("lid"), r["id"].Alias("rid"), Col("l"), Col("r"))
            .OrderBy(Coalesce(Col("lid"), Col("rid")))
            .RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { 1, null, "a", null },
            [2, 2, "b", "x"],
            [3, 3, "c", "y"],
            [null, 4, null, "z"],
        }, o => o.WithStrictOrdering());

        var multi = await l.Join(r, new[] { "id" }).Select("id").OrderBy("id").RowsAsync();
        multi.Should().BeEquivalentTo(new[] { new object[] { 2 }, [3] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Cross_joins_pair_every_row()
    {
        await using var session = await spark.ConnectAsync();
        var (l, r) = await JoinInputs(session);
        var rows = await l.CrossJoin(r).Select(l["id"].Alias("a"), r["id"].Alias("b")).OrderBy("a", "b").CollectAsync();
        rows.Select(x => $"{x[0]}{x[1]}").Should().Equal("12", "13", "14", "22", "23", "24", "32", "33", "34");
        (await l.Join(r).CountAsync()).Should().Be(9);
        (await l.Join(r, l["id"] < r["id"], "cross").CountAsync()).Should().Be(6);
    }

    [Fact]
    public async Task A_self_join_resolves_columns_by_dataframe()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await session.SqlAsync("SELECT * FROM VALUES (1, 'boss', NULL), (2, 'alice', 1), (3, 'bob', 2) AS t(id, name, manager)");
        var e = emp.Alias("e");
        var m = emp.Alias("m");
        // e["name"] and m["name"] carry their DataFrame's plan id: the server tells the two sides apart without qualifiers.
        var rows = await e.Join(m, e["manager"] == m["id"], "left")
            .Select(e["name"], m["name"].Alias("manager_name"))
            .OrderBy(e["id"])
            .RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { "boss", null },
            ["alice", "boss"],
            ["bob", "alice"],
        }, o => o.WithStrictOrdering());

        // The same DataFrame on both sides without aliases is ambiguous, as in Spark.
        var same = async () => await emp.Join(emp.Select("*"), emp["manager"] == emp["id"]).Select(emp["name"]).CollectAsync();
        (await same.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("AMBIGUOUS_COLUMN_REFERENCE");
    }

    [Fact]
    public async Task Unknown_join_types_are_refused_before_anything_is_sent()
    {
        await using var session = await spark.ConnectAsync();
        var (l, r) = await JoinInputs(session);
        var act = () => l.Join(r, "id", "sideways");
        act.Should().Throw<ArgumentException>().WithMessage("*sideways*left_semi*");
    }

    // ------------------------------------------------------------------ set operations

    [Fact]
    public async Task Union_intersect_and_except_with_and_without_all()
    {
        await using var session = await spark.ConnectAsync();
        var a = await Frames.Ints(session, "v", 1, 2, 2, 3, 3);
        var b = await Frames.Ints(session, "v", 2, 2, 3, 4);

        async Task<int[]> Vals(DataFrame df) => (await df.OrderBy("v").CollectAsync()).Select(r => (int)r[0]!).ToArray();

        (await Vals(a.Union(b))).Should().Equal(1, 2, 2, 2, 2, 3, 3, 3, 4);
        (await Vals(a.UnionAll(b))).Should().Equal(1, 2, 2, 2, 2, 3, 3, 3, 4);
        (await Vals(a.Intersect(b))).Should().Equal(2, 3);
        (await Vals(a.IntersectAll(b))).Should().Equal(2, 2, 3);
        (await Vals(a.Except(b))).Should().Equal(1);
        (await Vals(a.Subtract(b))).Should().Equal(1);
        (await Vals(a.ExceptAll(b))).Should().Equal(1, 3);
    }

    [Fact]
    public async Task UnionByName_matches_columns_by_name_and_fills_missing_ones()
    {
        await using var session = await spark.ConnectAsync();
        var x = await session.SqlAsync("SELECT 1 AS a, 2 AS b");
        var y = await session.SqlAsync("SELECT 3 AS b, 4 AS a");
        var z = await session.SqlAsync("SELECT 5 AS a");

        (await x.UnionByName(y).OrderBy("a").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 1, 2 }, [4, 3] }, o => o.WithStrictOrdering());
        (await x.Union(y).OrderBy("a").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 1, 2 }, [3, 4] }, o => o.WithStrictOrdering());
        (await x.UnionByName(z, allowMissingColumns: true).OrderBy("a").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object?[] { 1, 2 }, [5, null] }, o => o.WithStrictOrdering());
        var act = async () => await x.UnionByName(z).CollectAsync();
        await act.Should().ThrowAsync<SparkException>();
    }

    // ------------------------------------------------------------------ ordering, limits

    [Fact]
    public async Task OrderBy_sorts_with_nulls_where_asked()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (2), (NULL), (1), (3) AS t(v)");
        async Task<object?[]> Vals(DataFrame d) => (await d.CollectAsync()).Select(r => r[0]).ToArray();

        (await Vals(df.OrderBy("v"))).Should().Equal(null, 1, 2, 3);
        (await Vals(df.OrderBy(Col("v").Asc()))).Should().Equal(null, 1, 2, 3);
        (await Vals(df.OrderBy(Col("v").AscNullsLast()))).Should().Equal(1, 2, 3, null);
        (await Vals(df.Sort(Col("v").Desc()))).Should().Equal(3, 2, 1, null);
        (await Vals(df.Sort(Col("v").DescNullsFirst()))).Should().Equal(null, 3, 2, 1);
        (await Vals(df.OrderBy(Desc("v")))).Should().Equal(3, 2, 1, null);
    }

    [Fact]
    public async Task SortWithinPartitions_sorts_each_partition_only()
    {
        await using var session = await spark.ConnectAsync();
        var rows = await session.Range(0, 10, 1, 2).SortWithinPartitions(Col("id").Desc()).CollectAsync();
        rows.Select(r => (long)r[0]!).Should().Equal(4, 3, 2, 1, 0, 9, 8, 7, 6, 5);
    }

    [Fact]
    public async Task Limit_offset_take_head_first_and_tail_return_the_right_rows()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(10);
        static long[] Ids(IReadOnlyList<Row> rows) => rows.Select(r => (long)r[0]!).ToArray();

        Ids(await df.Limit(3).CollectAsync()).Should().Equal(0, 1, 2);
        Ids(await df.Offset(7).CollectAsync()).Should().Equal(7, 8, 9);
        Ids(await df.Offset(2).Limit(3).CollectAsync()).Should().Equal(2, 3, 4);
        Ids(await df.TakeAsync(4)).Should().Equal(0, 1, 2, 3);
        Ids(await df.HeadAsync(2)).Should().Equal(0, 1);
        Ids(await df.TailAsync(3)).Should().Equal(7, 8, 9);
        (await df.FirstAsync())![0].Should().Be(0L);
        (await df.Filter(Col("id") > 100).FirstAsync()).Should().BeNull();
    }

    [Fact]
    public async Task Distinct_and_dropDuplicates()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, 'a'), (1, 'a'), (1, 'b'), (2, 'c'), (2, 'c') AS t(k, v)");

        (await df.Distinct().OrderBy("k", "v").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 1, "a" }, [1, "b"], [2, "c"] }, o => o.WithStrictOrdering());
        (await df.DropDuplicates().CountAsync()).Should().Be(3);
        var byKey = await df.DropDuplicates("k").OrderBy("k").CollectAsync();
        byKey.Select(r => r[0]).Should().Equal(1, 2);
        byKey[0][1].Should().BeOneOf("a", "b");
        byKey[1][1].Should().Be("c");
    }

    // ------------------------------------------------------------------ sampling

    [Fact]
    public async Task Sample_with_a_seed_is_repeatable_and_a_subset()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(0, 1000, 1, 2);
        var first = (await df.Sample(0.1, seed: 42).CollectAsync()).Select(r => (long)r[0]!).ToArray();
        var second = (await df.Sample(0.1, seed: 42).CollectAsync()).Select(r => (long)r[0]!).ToArray();

        first.Length.Should().BeInRange(50, 160);
        second.Should().Equal(first);
        first.Should().OnlyHaveUniqueItems().And.OnlyContain(id => id >= 0 && id < 1000);
        var other = (await df.Sample(0.1, seed: 43).CollectAsync()).Select(r => (long)r[0]!).ToArray();
        other.Should().NotEqual(first);

        var withReplacement = await df.Sample(true, 2.0, 7).CountAsync();
        withReplacement.Should().BeInRange(1700, 2300);
    }

    [Fact]
    public async Task RandomSplit_partitions_the_rows()
    {
        await using var session = await spark.ConnectAsync();
        var parts = session.Range(0, 1000, 1, 2).RandomSplit([0.6, 0.4], seed: 11);
        parts.Should().HaveCount(2);
        var a = (await parts[0].CollectAsync()).Select(r => (long)r[0]!).ToHashSet();
        var b = (await parts[1].CollectAsync()).Select(r => (long)r[0]!).ToHashSet();

        a.Count.Should().BeInRange(520, 680);
        (a.Count + b.Count).Should().Be(1000);
        a.Overlaps(b).Should().BeFalse();
        a.Union(b).Should().BeEquivalentTo(Enumerable.Range(0, 1000).Select(i => (long)i));
    }

    // ------------------------------------------------------------------ statistics

    [Fact]
    public async Task Describe_gives_count_mean_stddev_min_max()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, 'd'), (2, 'b'), (3, 'c'), (4, 'a') AS t(x, s)");
        var rows = await df.Describe("x", "s").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object?[] { "count", "4", "4" },
            ["mean", "2.5", null],
            ["stddev", "1.2909944487358056", null],
            ["min", "1", "a"],
            ["max", "4", "d"],
        }, o => o.WithStrictOrdering());
        (await df.Describe().ColumnsAsync()).Should().Equal("summary", "x", "s");
    }

    [Fact]
    public async Task Summary_gives_the_asked_statistics()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Frames.Ints(session, "x", 1, 2, 3, 4);
        var rows = await df.Summary("count", "min", "25%", "50%", "75%", "max").RowsAsync();
        rows.Should().BeEquivalentTo(new[]
        {
            new object[] { "count", "4" },
            ["min", "1"],
            ["25%", "1"],
            ["50%", "2"],
            ["75%", "3"],
            ["max", "4"],
        }, o => o.WithStrictOrdering());
        (await df.Summary().CollectAsync()).Select(r => r[0]).Should().Equal("count", "mean", "stddev", "min", "25%", "50%", "75%", "max");
    }

    [Fact]
    public async Task Stat_functions_compute_correlation_covariance_quantiles_and_crosstab()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, 2, 'a'), (2, 4, 'a'), (3, 6, 'b'), (4, 8, 'b') AS t(x, y, g)");
        (await df.Stat.CorrAsync("x", "y")).Should().BeApproximately(1.0, 1e-12);
        (await df.Stat.CovAsync("x", "y")).Should().BeApproximately(10.0 / 3.0, 1e-12);
        (await df.Stat.ApproxQuantileAsync("x", [0.0, 0.5, 1.0], 0.0)).Should().Equal(1.0, 2.0, 4.0);
        var ct = await df.Stat.Crosstab("g", "x").OrderBy("g_x").RowsAsync();
        ct.Should().BeEquivalentTo(new[] { new object[] { "a", 1L, 1L, 0L, 0L }, ["b", 0L, 0L, 1L, 1L] }, o => o.WithStrictOrdering());
        var freq = await df.Stat.FreqItems(["g"], 0.4).CollectAsync();
        ((IReadOnlyList<object?>)freq.Single()["g_freqItems"]!).Should().BeEquivalentTo(new object[] { "a", "b" });
        var sampled = await df.Stat.SampleBy("g", new Dictionary<string, double> { ["a"] = 1.0, ["b"] = 0.0 }, seed: 1).OrderBy("x").CollectAsync();
        sampled.Select(r => r[0]).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Unpivot_turns_columns_into_rows()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 1 AS id, 10 AS a, 20 AS b");
        var rows = await df.Unpivot([Col("id")], [Col("a"), Col("b")], "var", "val").OrderBy("var").RowsAsync();
        rows.Should().BeEquivalentTo(new[] { new object[] { 1, "a", 10 }, [1, "b", 20] }, o => o.WithStrictOrdering());
        (await df.Melt([Col("id")], null, "k", "v").CountAsync()).Should().Be(2);
    }

    [Fact]
    public async Task Transpose_to_schema_and_watermarks()
    {
        await using var session = await spark.ConnectAsync();
        var kab = await session.SqlAsync("SELECT * FROM VALUES ('x', 1, 2), ('y', 3, 4) AS t(k, a, b)");
        var t = kab.Transpose(Col("k"));
        (await t.ColumnsAsync()).Should().Equal("key", "x", "y");
        (await t.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "a", 1, 3 }, ["b", 2, 4] }, o => o.WithStrictOrdering());
        (await kab.Transpose().ColumnsAsync()).Should().Equal("key", "x", "y");

        var target = new StructType(new StructField("a", StringType.Instance), new StructField("b", LongType.Instance));
        var converted = (await session.SqlAsync("SELECT 1 AS b, 'x' AS a")).To(target);
        (await converted.SchemaAsync()).Fields.Select(f => (f.Name, f.DataType)).Should().Equal(("a", (DataType)StringType.Instance), ("b", LongType.Instance));
        (await converted.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "x", 1L } });

        var events = await session.SqlAsync("SELECT TIMESTAMP'2024-01-01 00:00:00' AS ts, 1 AS v");
        (await events.WithWatermark("ts", "10 minutes").CountAsync()).Should().Be(1);
        var batchDedup = async () => await events.WithWatermark("ts", "10 minutes").DropDuplicatesWithinWatermark("v").CountAsync();
        (await batchDedup.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("dropDuplicatesWithinWatermark is not supported with batch");
    }

    [Fact]
    public async Task Actions_take_execution_options_and_cancellation()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(10);
        var options = new ExecutionOptions { OperationId = Guid.NewGuid().ToString(), Tags = ["dfd-tag"] };
        (await df.CountAsync(options)).Should().Be(10);
        (await df.CollectAsync(new ExecutionOptions { Tags = ["dfd-tag"] })).Should().HaveCount(10);
        (await df.TakeAsync(2, new ExecutionOptions())).Should().HaveCount(2);
        (await df.TailAsync(1, new ExecutionOptions())).Single()[0].Should().Be(9L);
        (await df.FirstAsync(new ExecutionOptions()))![0].Should().Be(0L);
        var streamed = 0;
        await foreach (var _ in df.ToLocalIteratorAsync(new ExecutionOptions())) streamed++;
        streamed.Should().Be(10);
        (await df.ShowStringAsync(options: new ExecutionOptions())).Should().StartWith("+---+");

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var act = async () => await session.Range(1_000_000_000).CountAsync(cancelled.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
        var badId = async () => await df.CountAsync(new ExecutionOptions { OperationId = "not-a-uuid" });
        await badId.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Agg_without_grouping_aggregates_everything()
    {
        await using var session = await spark.ConnectAsync();
        (await session.Range(5).Agg(Sum("id"), Max("id"), Count("*")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 10L, 4L, 5L } });
    }

    // ------------------------------------------------------------------ views and caching

    [Fact]
    public async Task Temp_views_and_global_temp_views_are_readable_by_name()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(4).WithColumn("x", Col("id") * 10);
        await df.CreateOrReplaceTempViewAsync("dfd_view");
        (await session.Table("dfd_view").CountAsync()).Should().Be(4);
        (await (await session.SqlAsync("SELECT sum(x) FROM dfd_view")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 60L } });

        await df.Filter("id > 1").CreateOrReplaceTempViewAsync("dfd_view");
        (await session.Table("dfd_view").CountAsync()).Should().Be(2);

        var again = async () => await df.CreateTempViewAsync("dfd_view");
        (await again.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS");

        await df.CreateOrReplaceGlobalTempViewAsync("dfd_gview");
        (await session.Table("global_temp.dfd_gview").Select(Max("x")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 30L } });
        await session.SqlAsync("DROP VIEW global_temp.dfd_gview");
        await df.CreateGlobalTempViewAsync("dfd_gview");
        (await session.Table("global_temp.dfd_gview").CountAsync()).Should().Be(4);
        await session.SqlAsync("DROP VIEW global_temp.dfd_gview");
    }

    [Fact]
    public async Task Persist_cache_storageLevel_and_unpersist()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(100).Filter(Col("id") % 3 == 0);
        (await df.StorageLevelAsync()).Should().Be(StorageLevel.None);

        await df.PersistAsync(StorageLevel.MemoryOnly);
        (await df.StorageLevelAsync()).Should().Be(StorageLevel.MemoryOnly);
        (await df.CountAsync()).Should().Be(34);
        await df.UnpersistAsync(blocking: true);
        (await df.StorageLevelAsync()).Should().Be(StorageLevel.None);

        var cached = await df.CacheAsync();
        cached.Should().BeSameAs(df);
        (await df.StorageLevelAsync()).Should().Be(StorageLevel.MemoryAndDisk);
        (await df.CountAsync()).Should().Be(34);
        await df.UnpersistAsync(blocking: true);
        StorageLevel.MemoryAndDisk.ToString().Should().Be("Disk Memory Deserialized 1x Replicated");
    }

    // ------------------------------------------------------------------ partitioning

    private static async Task<long> PartitionsAsync(DataFrame df) =>
        await df.Select(Call("spark_partition_id").Alias("p")).Distinct().CountAsync();

    [Fact]
    public async Task Repartition_coalesce_repartitionByRange_and_partition_hints()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(0, 100, 1, 2);

        (await PartitionsAsync(df.Repartition(5))).Should().Be(5);
        (await PartitionsAsync(df.Repartition(5).Coalesce(2))).Should().Be(2);
        (await PartitionsAsync(df.Hint("repartition", 3))).Should().Be(3);
        (await PartitionsAsync(df.Hint("coalesce", 1))).Should().Be(1);

        var byKey = df.Repartition(3, Col("id") % 3).Select(Col("id") % 3, Call("spark_partition_id"));
        var keyPartitions = await byKey.Distinct().ToDF("k", "p").GroupBy("k").Count().CollectAsync();
        keyPartitions.Should().HaveCount(3).And.OnlyContain(r => (long)r[1]! == 1, "each key lives in one partition");
        (await df.Repartition("id").ExplainStringAsync()).Should().Contain("hashpartitioning(id#");
        (await df.Repartition(7, Col("id")).ExplainStringAsync()).Should().Contain("hashpartitioning(id#").And.Contain(", 7)");

        var ranges = await df.RepartitionByRange(4, Col("id")).Select(Col("id"), Call("spark_partition_id").Alias("p"))
            .GroupBy("p").Agg(Min("id"), Max("id")).OrderBy("p").CollectAsync();
        ranges.Should().HaveCount(4);
        for (int i = 1; i < ranges.Count; i++) ((long)ranges[i][1]!).Should().BeGreaterThan((long)ranges[i - 1][2]!);
        (await df.RepartitionByRange(Col("id").Desc()).ExplainStringAsync()).Should().Contain("rangepartitioning(id#").And.Contain("DESC NULLS LAST");
    }

    // ------------------------------------------------------------------ actions

    [Fact]
    public async Task Count_isEmpty_and_the_local_iterator_streams_every_row()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(200_000);
        (await df.CountAsync()).Should().Be(200_000);
        (await df.IsEmptyAsync()).Should().BeFalse();
        (await df.Filter("id < 0").IsEmptyAsync()).Should().BeTrue();

        long n = 0, sum = 0;
        await foreach (var row in df.ToLocalIteratorAsync())
        {
            n++;
            sum += (long)row[0]!;
        }
        n.Should().Be(200_000);
        sum.Should().Be(199_999L * 200_000 / 2);
    }

    [Fact]
    public async Task ToArrow_returns_the_batches_and_a_table()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(1000).Select(Col("id"), (Col("id") * 2).Alias("twice"));
        long rows = 0, sum = 0;
        await foreach (var batch in df.ToArrowAsync())
        {
            batch.Schema.FieldsList.Select(f => f.Name).Should().Equal("id", "twice");
            var twice = (Int64Array)batch.Column(1);
            for (int i = 0; i < batch.Length; i++) sum += twice.GetValue(i)!.Value;
            rows += batch.Length;
        }
        rows.Should().Be(1000);
        sum.Should().Be(999L * 1000);

        var table = await df.ToArrowTableAsync();
        table.RowCount.Should().Be(1000);
        table.ColumnCount.Should().Be(2);

        var empty = await df.Filter("id < 0").ToArrowTableAsync();
        empty.RowCount.Should().Be(0);
        empty.Schema.FieldsList.Select(f => (f.Name, f.DataType.TypeId)).Should().Equal(
            ("id", Apache.Arrow.Types.ArrowTypeId.Int64), ("twice", Apache.Arrow.Types.ArrowTypeId.Int64));
    }

    [Fact]
    public async Task ShowString_is_exactly_what_spark_prints()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, 'a'), (22, NULL), (3, 'a long value here') AS t(id, name)");

        (await df.ShowStringAsync()).Should().Be("""
            +---+-----------------+
            | id|             name|
            +---+-----------------+
            |  1|                a|
            | 22|             NULL|
            |  3|a long value here|
            +---+-----------------+

            """.ReplaceLineEndings("\n"));

        (await df.ShowStringAsync(numRows: 2, truncate: 5)).Should().Be("""
            +---+----+
            | id|name|
            +---+----+
            |  1|   a|
            | 22|NULL|
            +---+----+
            only showing top 2 rows
            """.ReplaceLineEndings("\n"));

        (await df.Filter("id = 3").ShowStringAsync(truncate: 8)).Should().Be("""
            +---+--------+
            | id|    name|
            +---+--------+
            |  3|a lon...|
            +---+--------+

            """.ReplaceLineEndings("\n"));

        (await df.Limit(2).ShowStringAsync(truncate: 0)).Should().Be("""
            +---+----+
            |id |name|
            +---+----+
            |1  |a   |
            |22 |NULL|
            +---+----+

            """.ReplaceLineEndings("\n"));

        (await df.Limit(1).ShowStringAsync(vertical: true)).Should().Be("""
            -RECORD 0---
             id   | 1   
             name | a   

            """.ReplaceLineEndings("\n"));

        var output = new StringWriter();
        await df.Limit(1).ShowAsync(output: output);
        output.ToString().Should().Be("+---+----+\n| id|name|\n+---+----+\n|  1|   a|\n+---+----+\n");
    }

    [Fact]
    public async Task Explain_treeString_printSchema_isLocal_and_isStreaming()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(10).Filter(Col("id") > 3);

        (await df.ExplainStringAsync()).Should().Contain("Range (0, 10, step=1").And.Contain("Physical Plan");
        (await df.ExplainStringAsync("extended")).Should().Contain("== Parsed Logical Plan ==").And.Contain("== Optimized Logical Plan ==");
        (await df.ExplainStringAsync("formatted")).Should().Contain("Range");
        var printed = new StringWriter();
        var returned = await df.ExplainAsync(extended: true, output: printed);
        printed.ToString().Should().Contain(returned).And.Contain("== Analyzed Logical Plan ==");
        var bad = async () => await df.ExplainStringAsync("verbose");
        await bad.Should().ThrowAsync<ArgumentException>();

        (await df.TreeStringAsync()).Should().Be("root\n |-- id: long (nullable = false)\n");
        var nested = await session.SqlAsync("SELECT named_struct('a', 1, 'b', array('x')) AS s");
        var schemaText = new StringWriter();
        await nested.PrintSchemaAsync(output: schemaText);
        schemaText.ToString().Should().Be(
            "root\n |-- s: struct (nullable = false)\n |    |-- a: integer (nullable = false)\n |    |-- b: array (nullable = false)\n |    |    |-- element: string (containsNull = false)\n");
        (await nested.TreeStringAsync(level: 1)).Should().Be("root\n |-- s: struct (nullable = false)\n");

        (await df.IsLocalAsync()).Should().BeFalse();
        (await session.CreateDataFrame([[1]], new StructType(new StructField("a", IntegerType.Instance))).IsLocalAsync()).Should().BeTrue();
        (await df.IsStreamingAsync()).Should().BeFalse();
        (await df.SameSemanticsAsync(session.Range(10).Filter(Col("id") > 3))).Should().BeTrue();
        (await df.SameSemanticsAsync(session.Range(11))).Should().BeFalse();
        (await df.SemanticHashAsync()).Should().Be(await session.Range(10).Filter(Col("id") > 3).SemanticHashAsync());
    }

    // ------------------------------------------------------------------ SQL

    [Fact]
    public async Task Sql_positional_parameters_are_sent_as_values_not_text()
    {
        await using var session = await spark.ConnectAsync();
        const string tricky = "it's \"quoted\"'); DROP TABLE x; --";
        var rows = await (await session.SqlAsync("SELECT ? AS s, ? AS n, ? AS d, ? AS nothing", [tricky, 41L, new DateOnly(2024, 2, 29), null])).RowsAsync();
        rows.Should().BeEquivalentTo(new[] { new object?[] { tricky, 41L, new DateOnly(2024, 2, 29), null } });

        await session.Range(10).CreateOrReplaceTempViewAsync("dfd_params");
        var filtered = await session.SqlAsync("SELECT id FROM dfd_params WHERE id BETWEEN ? AND ? ORDER BY id", [3, 5]);
        (await filtered.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 3L }, [4L], [5L] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Sql_named_parameters_are_sent_as_values_not_text()
    {
        await using var session = await spark.ConnectAsync();
        const string tricky = "O'Brien'; SELECT 1 --";
        var rows = await (await session.SqlAsync("SELECT :name AS name, :n + 1 AS next, :xs AS xs",
            new Dictionary<string, object?> { ["name"] = tricky, ["n"] = 41, ["xs"] = new[] { 1, 2, 3 } })).RowsAsync();
        rows.Should().HaveCount(1);
        rows[0][0].Should().Be(tricky);
        rows[0][1].Should().Be(42);
        rows[0][2].Should().BeEquivalentTo(new object[] { 1, 2, 3 });

        var eager = await session.SqlAsync("SELECT :a * 2 AS x", new Dictionary<string, object?> { ["a"] = 21 });
        (await eager.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 42 } });
        var eagerPositional = await session.SqlAsync("SELECT ? || ? AS x", ["a'", "b"]);
        (await eagerPositional.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "a'b" } });
    }

    [Fact]
    public async Task SqlAsync_runs_commands_once_and_now()
    {
        await using var session = await spark.ConnectAsync();
        await session.SqlAsync("CREATE OR REPLACE TEMP VIEW dfd_sqlview AS SELECT 7 AS seven");
        (await session.Table("dfd_sqlview").RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 7 } });

        var shown = await session.SqlAsync("SHOW VIEWS LIKE 'dfd_sqlview'");
        var rows = await shown.CollectAsync();
        rows.Should().ContainSingle();
        rows[0]["viewName"].Should().Be("dfd_sqlview");

        var lazy = await session.SqlAsync("SELECT 1 AS one");
        (await lazy.RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 1 } });
        var error = async () => await session.SqlAsync("SELEC 1");
        (await error.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("PARSE_SYNTAX_ERROR");
    }

    // ------------------------------------------------------------------ local data

    [Fact]
    public async Task CreateDataFrame_sends_local_rows_of_every_common_type()
    {
        await using var session = await spark.ConnectAsync();
        var schema = new StructType(
            new StructField("b", BooleanType.Instance),
            new StructField("i8", ByteType.Instance),
            new StructField("i16", ShortType.Instance),
            new StructField("i32", IntegerType.Instance),
            new StructField("i64", LongType.Instance),
            new StructField("f", FloatType.Instance),
            new StructField("d", DoubleType.Instance),
            new StructField("dec", new DecimalType(10, 2)),
            new StructField("s", StringType.Instance),
            new StructField("bin", BinaryType.Instance),
            new StructField("date", DateType.Instance),
            new StructField("ts", TimestampType.Instance),
            new StructField("ntz", TimestampNtzType.Instance),
            new StructField("arr", new ArrayType(IntegerType.Instance)),
            new StructField("m", new MapType(StringType.Instance, LongType.Instance)),
            new StructField("st", new StructType(new StructField("x", IntegerType.Instance), new StructField("y", StringType.Instance))));
        var ts = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1230);
        var ntz = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);
        var rows = new List<object?[]>
        {
            new object?[] { true, (sbyte)-8, (short)300, 70000, 1L << 40, 1.5f, 2.25, 12.34m, "héllo", new byte[] { 1, 2, 255 },
                new DateOnly(1999, 12, 31), ts, ntz, new[] { 1, 2 }, new Dictionary<string, long> { ["k"] = 5 },
                new object[] { 9, "nine" } },
            new object?[] { null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null },
            // values of a convertible type are converted: int for bigint, long for int, double for decimal
            new object?[] { false, 1, 2, 3L, 4, 5.0, 6f, 7.5, "x", System.Array.Empty<byte>(), new DateTime(2000, 1, 1), ntz,
                ntz, new List<int?> { null, 3 }, new Dictionary<string, long>(), null },
        };
        var df = session.CreateDataFrame(rows, schema);
        (await df.SchemaAsync()).Should().Be(schema);
        (await df.IsLocalAsync()).Should().BeTrue();
        var got = await df.CollectAsync();
        got.Should().HaveCount(3);

        got[0].ToArray().Take(9).Should().Equal(true, (sbyte)-8, (short)300, 70000, 1L << 40, 1.5f, 2.25, 12.34m, "héllo");
        got[0].ToArray().Skip(10).Take(3).Should().Equal(new DateOnly(1999, 12, 31), ts, ntz);
        ((byte[])got[0]["bin"]!).Should().Equal(1, 2, 255);
        got[0]["arr"].Should().BeEquivalentTo(new object[] { 1, 2 });
        ((IReadOnlyDictionary<object, object?>)got[0]["m"]!)["k"].Should().Be(5L);
        var st = (Row)got[0]["st"]!;
        st["x"].Should().Be(9);
        st["y"].Should().Be("nine");

        got[1].ToArray().Should().OnlyContain(v => v == null);

        got[2]["i64"].Should().Be(4L);
        got[2]["i32"].Should().Be(3);
        got[2]["dec"].Should().Be(7.50m);
        got[2]["date"].Should().Be(new DateOnly(2000, 1, 1));
        got[2]["ts"].Should().Be(new DateTimeOffset(ntz.Ticks, TimeSpan.Zero));
        got[2]["arr"].Should().BeEquivalentTo(new object?[] { null, 3 });
        ((IReadOnlyDictionary<object, object?>)got[2]["m"]!).Should().BeEmpty();

        var empty = session.CreateDataFrame([], new StructType(new StructField("a", IntegerType.Instance)));
        (await empty.CountAsync()).Should().Be(0);
        (await empty.ColumnsAsync()).Should().Equal("a");

        var wrong = () => session.CreateDataFrame([new object?[] { 1, 2 }], new StructType(new StructField("a", IntegerType.Instance)));
        wrong.Should().Throw<ArgumentException>().WithMessage("*Row 0 has 2 values*1 fields*");
    }

    [Fact]
    public async Task ToString_shows_the_schema_once_known()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(1).WithColumn("s", Lit("x"));
        df.ToString().Should().StartWith("DataFrame(plan ");
        await df.SchemaAsync();
        df.ToString().Should().Be("DataFrame[id: bigint, s: string]");
    }
}

using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class NaTests(SparkServerFixture spark)
{
    private static Task<DataFrame> Holes(SparkSession s) => s.SqlAsync("""
        SELECT * FROM VALUES
          (1, CAST(NULL AS INT), 'a', 1.5D, true),
          (2, 5, NULL, CAST(NULL AS DOUBLE), CAST(NULL AS BOOLEAN)),
          (NULL, NULL, NULL, double('NaN'), NULL)
        AS t(a, b, s, d, f)
        """);

    private static Task<object?[][]> Sorted(DataFrame df) => df.OrderBy(Col("a").AscNullsLast()).RowsAsync();

    [Fact]
    public async Task Fill_replaces_nulls_and_NaN_in_compatible_columns()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Holes(session);

        (await Sorted(df.Na.Fill(0))).Should().BeEquivalentTo(new[]
        {
            new object?[] { 0, 0, null, 0.0, null },
            [1, 0, "a", 1.5, true],
            [2, 5, null, 0.0, null],
        }, o => o.WithStrictOrdering());

        (await Sorted(df.Na.Fill(0.5, "d"))).Select(r => r[3]).Should().Equal(1.5, 0.5, 0.5);
        (await Sorted(df.Na.Fill("z"))).Select(r => r[2]).Should().Equal("a", "z", "z");
        (await Sorted(df.Na.Fill(false))).Select(r => r[4]).Should().Equal(true, false, false);
        (await Sorted(df.Na.Fill(7, "b"))).Should().BeEquivalentTo(new[]
        {
            new object?[] { 1, 7, "a", 1.5, true },
            [2, 5, null, null, null],
            [null, 7, null, double.NaN, null],
        }, o => o.WithStrictOrdering());
        (await Sorted(df.Na.Fill(new Dictionary<string, object> { ["a"] = 9, ["s"] = "q" }))).Select(r => $"{r[0]}{r[2]}")
            .Should().Equal("1a", "2q", "9q");
        (await Sorted(df.FillNa(-1L, "a", "b"))).Select(r => $"{r[0]},{r[1]}").Should().Equal("-1,-1", "1,-1", "2,5");
    }

    [Fact]
    public async Task Drop_removes_rows_with_nulls_by_how_thresh_and_subset()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Holes(session);
        async Task<object?[]> Ids(DataFrame d) => (await Sorted(d)).Select(r => r[0]).ToArray();

        (await Ids(df.Na.Drop())).Should().BeEmpty();
        (await Ids(df.Na.Drop("all"))).Should().Equal(1, 2);
        (await Ids(df.Na.Drop("any", ["a"]))).Should().Equal(1, 2);
        (await Ids(df.Na.Drop(["a", "s"]))).Should().Equal(1);
        (await Ids(df.Na.Drop(3))).Should().Equal(1);
        (await Ids(df.Na.Drop(2, ["a", "s", "d"]))).Should().Equal(1);
        (await Ids(df.Na.Drop("all", ["b", "s"]))).Should().Equal(1, 2);
        (await Ids(df.DropNa("all", null, "d"))).Should().Equal(1);
        (await Ids(df.DropNa(thresh: 2))).Should().Equal(1, 2);
        var bad = () => df.Na.Drop("some");
        bad.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task Replace_swaps_values_in_the_named_or_all_compatible_columns()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Holes(session);

        (await Sorted(df.Na.Replace(1, 100, "a"))).Select(r => r[0]).Should().Equal(new object?[] { 2, 100, null });
        (await Sorted(df.Na.Replace("a", "A"))).Select(r => r[2]).Should().Equal(new object?[] { "A", null, null });
        (await Sorted(df.Na.Replace(new Dictionary<int, int> { [1] = 10, [2] = 20 }, "a"))).Select(r => r[0]).Should().Equal(new object?[] { 10, 20, null });
        (await Sorted(df.Na.Replace(5, 50))).Select(r => r[1]).Should().Equal(new object?[] { null, 50, null });
        (await Sorted(df.Na.Replace("a", null, "s"))).Select(r => r[2]).Should().OnlyContain(v => v == null).And.HaveCount(3);
        (await Sorted(df.Na.Replace(1.5, 2.5, "d"))).Select(r => r[3]).Should().Equal(new object?[] { 2.5, null, double.NaN });
    }
}

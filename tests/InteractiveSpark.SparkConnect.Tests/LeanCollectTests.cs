namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class LeanCollectTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Collected_rows_read_from_their_Arrow_columns_equal_the_rows_streamed()
    {
        await using var session = await spark.ConnectAsync();
        // Several batches (three partitions), nulls, nested values and every fixed-width type read unboxed.
        var df = await session.SqlAsync("""
            SELECT id, CAST(id AS INT) AS i, CAST(id % 100 AS SMALLINT) AS sm, CAST(id % 100 AS TINYINT) AS t, id * 1.5 AS d,
                   CAST(id AS FLOAT) AS f, IF(id % 7 = 0, NULL, id) AS maybe, concat('row-', id) AS s,
                   DATE'2024-01-01' + CAST(id % 30 AS INT) AS day, array(id, id + 1) AS arr, named_struct('a', id, 'b', 'x') AS st
            FROM range(0, 20000, 1, 3)
            """);
        var collected = await df.CollectAsync();
        var streamed = new List<Row>();
        await foreach (var r in df.ToLocalIteratorAsync()) streamed.Add(r);

        collected.Should().HaveCount(20000);
        collected.Should().Equal(streamed);
        collected[19999].Get<long>("id").Should().Be(19999L);
        collected[7].Get<long?>("maybe").Should().BeNull();
        collected[8].Get<long>("maybe").Should().Be(8L);
        collected[5].Get<int>("i").Should().Be(5);
        collected[5].Get<short>("sm").Should().Be(5);
        collected[5].Get<sbyte>("t").Should().Be(5);
        collected[5].Get<double>("d").Should().Be(7.5);
        collected[5].Get<float>("f").Should().Be(5f);
        collected[5].Get<long>("i").Should().Be(5L);
        collected[3].Get<DateOnly>("day").Should().Be(new DateOnly(2024, 1, 4));
        ((Row)collected[3]["st"]!)["b"].Should().Be("x");
        collected[3].ToString().Should().Be(streamed[3].ToString());
        collected.Select(r => (long)r[0]!).Should().BeInAscendingOrder();
        var act = () => collected[7].Get<long>("maybe");
        act.Should().Throw<InvalidCastException>();
    }
}

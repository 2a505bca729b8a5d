namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Spark's TIME both ways: literals and CreateDataFrame send TimeOnly, results read back as TimeOnly (real server).</summary>
[Collection(SparkCollection.Name)]
public sealed class TimeTypeTests(SparkServerFixture spark)
{
    [Fact]
    public async Task TimeOnly_values_travel_as_TIME_in_literals_and_local_data()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.timeType.enabled", "true");
        var noon = new TimeOnly(12, 34, 56, 789).Add(TimeSpan.FromTicks(1230)); // 12:34:56.789123

        var lit = await session.Range(1).Select(Functions.Lit(noon).Alias("t"), Functions.Lit(noon).Cast("string").Alias("s")).CollectAsync();
        lit[0]["t"].Should().Be(noon);
        lit[0]["s"].Should().Be("12:34:56.789123");

        var schema = new StructType(new StructField("id", LongType.Instance), new StructField("t", new TimeType(6)));
        var values = new[] { TimeOnly.MinValue, noon, new TimeOnly(TimeOnly.MaxValue.Ticks - 9) };
        var df = await session.CreateDataFrameAsync(
            values.Select((t, i) => (IReadOnlyList<object?>)[(long)i, t]).Append([3L, null]), schema);
        var rows = await df.Select(Functions.Col("id"), Functions.Col("t"), Functions.Col("t").Cast("string").Alias("s")).OrderBy(Functions.Col("id")).CollectAsync();

        rows.Select(r => r["t"]).Should().Equal(values.Cast<object?>().Append(null));
        rows.Select(r => r["s"]).Should().Equal("00:00:00", "12:34:56.789123", "23:59:59.999999", null);
        (await df.SchemaAsync())[1].DataType.Should().Be(new TimeType(6));
    }
}

using System.Data.SqlTypes;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Row access by ordinal and name, typed getters, equality and text, on rows the server returned.</summary>
[Collection(SparkCollection.Name)]
public sealed class RowTests(SparkServerFixture spark)
{
    private const string Query =
        "SELECT 7 AS i, 'abc' AS s, CAST(NULL AS INT) AS n, array(1L, 2L) AS a, map('k', 1) AS m, named_struct('x', 1, 'y', 'z') AS st, " +
        "X'01AB' AS b, 2.5D AS d, 1.50BD AS dec, CAST(5 AS DECIMAL(30,0)) AS big, DATE'2020-01-02' AS dt, " +
        "TIMESTAMP_NTZ'2020-01-02 03:04:05.5' AS ntz, array(named_struct('q', 1), NULL) AS sa";

    [Fact]
    public async Task Values_by_ordinal_and_by_name()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session, Query);

        row.Count.Should().Be(13);
        row[0].Should().Be(7);
        row["i"].Should().Be(7);
        row["s"].Should().Be("abc");
        row[1].Should().Be(row["s"]);
        row.FieldIndex("st").Should().Be(5);
        row.IsNullAt(2).Should().BeTrue();
        row.IsNullAt(0).Should().BeFalse();
        row.TryGetValue("s", out var s).Should().BeTrue();
        s.Should().Be("abc");
        row.TryGetValue("missing", out _).Should().BeFalse();
        FluentActions.Invoking(() => row["missing"]).Should().Throw<KeyNotFoundException>().WithMessage("*missing*");
        FluentActions.Invoking(() => row[13]).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => row[-1]).Should().Throw<ArgumentOutOfRangeException>();
        row.Schema.FieldNames.Should().Equal("i", "s", "n", "a", "m", "st", "b", "d", "dec", "big", "dt", "ntz", "sa");

        ((IReadOnlyList<object?>)row).Should().HaveCount(13);
        row.ToArray().Should().HaveCount(13).And.Contain("abc");
        row.ToDictionary()["dec"].Should().Be(1.50m);
        row.ToDictionary().Keys.Should().Equal(row.Schema.FieldNames);
        row.Select(v => v?.GetType()).Should().Equal(
            typeof(int), typeof(string), null, typeof(object[]), row["m"]!.GetType(), typeof(Row), typeof(byte[]), typeof(double),
            typeof(decimal), typeof(SqlDecimal), typeof(DateOnly), typeof(DateTime), typeof(object[]));
    }

    [Fact]
    public async Task Get_converts_to_the_asked_type()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session, Query);

        row.Get<int>(0).Should().Be(7);
        row.Get<long>("i").Should().Be(7L);
        row.Get<double>("i").Should().Be(7.0);
        row.Get<int?>("i").Should().Be(7);
        row.Get<int?>("n").Should().BeNull();
        row.Get<string>("n").Should().BeNull();
        FluentActions.Invoking(() => row.Get<int>("n")).Should().Throw<InvalidCastException>().WithMessage("*null*");
        row.Get<long[]>("a").Should().Equal(1L, 2L);
        row.Get<List<int>>("a").Should().Equal(1, 2);
        row.Get<IReadOnlyList<long>>("a").Should().Equal(1L, 2L);
        row.Get<Dictionary<string, int>>("m").Should().Equal(new Dictionary<string, int> { ["k"] = 1 });
        row.Get<Row>("st").Get<string>("y").Should().Be("z");
        row.Get<byte[]>("b").Should().Equal(0x01, 0xAB);
        row.Get<decimal>("dec").Should().Be(1.5m);
        row.Get<SqlDecimal>("dec").Should().Be(new SqlDecimal(1.50m));
        row.Get<decimal>("big").Should().Be(5m);
        row.Get<long>("big").Should().Be(5L);
        row.Get<float>("d").Should().Be(2.5f);
        row.Get<DateOnly>("dt").Should().Be(new DateOnly(2020, 1, 2));
        row.Get<DateTime>("ntz").Should().Be(new DateTime(2020, 1, 2, 3, 4, 5, 500));
        row.Get<DateTimeOffset>("ntz").Should().Be(new DateTimeOffset(2020, 1, 2, 3, 4, 5, 500, TimeSpan.Zero));
        row.Get<Row?[]>("sa").Should().HaveCount(2).And.Subject.Last().Should().BeNull();
        FluentActions.Invoking(() => row.Get<DateOnly>("s")).Should().Throw<InvalidCastException>().WithMessage("*field 1 ('s')*String*");
        FluentActions.Invoking(() => row.Get<byte>("big")).Should().NotThrow();
        FluentActions.Invoking(() => row.Get<int>("s")).Should().Throw<InvalidCastException>();
    }

    [Fact]
    public async Task Rows_with_equal_values_are_equal_and_print_like_Spark()
    {
        await using var session = await spark.ConnectAsync();
        var first = await ArrowQuery.SingleRowAsync(session, Query);
        var second = await ArrowQuery.SingleRowAsync(session, Query);
        var other = await ArrowQuery.SingleRowAsync(session, Query.Replace("'abc' AS s", "'abd' AS s", StringComparison.Ordinal));
        var otherBytes = await ArrowQuery.SingleRowAsync(session, Query.Replace("X'01AB'", "X'01AC'", StringComparison.Ordinal));

        first.Should().NotBeSameAs(second);
        first.Equals(second).Should().BeTrue("arrays, maps, structs and byte[] compare by content");
        first.GetHashCode().Should().Be(second.GetHashCode());
        first.Equals(other).Should().BeFalse();
        first.Equals(otherBytes).Should().BeFalse();

        first.ToString().Should().Be("[7,abc,null,[1, 2],{k -> 1},{1, z},[01 AB],2.5,1.50,5,2020-01-02,2020-01-02 03:04:05.5,[{1}, null]]");
    }

    [Fact]
    public async Task Duplicate_column_names_resolve_to_the_first_and_positions_still_work()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session, "SELECT 1 AS a, 2 AS a, 3 AS `A`");

        row["a"].Should().Be(1);
        row[1].Should().Be(2);
        row["A"].Should().Be(3, "names are case-sensitive");
    }

    [Fact]
    public void A_row_needs_one_value_per_field()
    {
        var schema = new StructType(new StructField("a", IntegerType.Instance), new StructField("b", StringType.Instance));

        FluentActions.Invoking(() => new Row(schema, 1)).Should().Throw<ArgumentException>();
        var row = new Row(schema, 1, "x");
        ((object)row).Should().Be(new Row(schema, 1, "x"));
        row.ToString().Should().Be("[1,x]");
        row.Get<string>("b").Should().Be("x");
    }
}

using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class ColumnTests(SparkServerFixture spark)
{
    private static async Task<object?[]> OneRowAsync(DataFrame df)
    {
        var rows = await df.CollectAsync();
        rows.Should().ContainSingle();
        return rows[0].ToArray();
    }

    [Fact]
    public async Task Arithmetic_operators_compute_spark_values()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 7 AS a, 2 AS b");
        Column a = Col("a"), b = Col("b");
        var row = await OneRowAsync(df.Select(a + b, a - b, a * b, a / b, a % b, -a, a + 1, 1 + a, 10 - a, a * 2.5, 100 / a, a % 4, (a + b) * 2L));
        row.Should().Equal(9, 5, 14, 3.5, 1, -7, 8, 8, 3, 17.5, 100.0 / 7, 3, 18L);
    }

    [Fact]
    public async Task Comparison_and_equality_operators_build_predicates()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 7 AS a, 2 AS b, CAST(NULL AS INT) AS n");
        Column a = Col("a"), b = Col("b"), n = Col("n");
        var row = await OneRowAsync(df.Select(
            a == 7, a != 7, a < b, a <= 7, a > b, a >= 8, a == b, 7 == a, 3 < a, a.Eq(7), a.NotEq(2), n == 1, n.EqNullSafe(null), a.EqNullSafe(7), n == null));
        row.Should().Equal(true, false, false, true, true, false, false, true, true, true, true, null, true, true, null);
    }

    [Fact]
    public async Task Boolean_operators_follow_sql_three_valued_logic()
    {
        await using var session = await spark.ConnectAsync();
        Column t = Lit(true), f = Lit(false), u = Lit(null).Cast("boolean");
        var row = await OneRowAsync(session.Range(1).Select(
            t & f, t | f, !t, !f, t.And(t), f.Or(f), u & f, u | t, u & t, t & true, false | f));
        row.Should().Equal(false, true, false, true, true, false, false, true, null, true, false);
    }

    [Fact]
    public async Task Bitwise_operations_on_integers()
    {
        await using var session = await spark.ConnectAsync();
        var a = Lit(12);
        (await OneRowAsync(session.Range(1).Select(a.BitwiseAnd(10), a.BitwiseOr(10), a.BitwiseXor(10)))).Should().Equal(8, 14, 6);
    }

    [Fact]
    public async Task Alias_as_and_name_set_column_names_including_several_names()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(1).Select(Lit(1).Alias("one"), Lit(2).As("two"), Lit(3).Name("three"), Lit(4).AliasWithMetadata("four", "{\"comment\":\"four\"}"));
        (await df.ColumnsAsync()).Should().Equal("one", "two", "three", "four");
        (await df.SchemaAsync())["four"].Metadata.Should().Contain("four");

        var kv = session.Range(1).Select(Explode(CreateMap(Lit("k1"), Lit(1), Lit("k2"), Lit(2))).Alias("key_", "value_"));
        (await kv.ColumnsAsync()).Should().Equal("key_", "value_");
        (await kv.OrderBy("key_").RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "k1", 1 }, ["k2", 2] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Cast_by_type_or_type_string_and_try_cast()
    {
        await using var session = await spark.ConnectAsync();
        var row = await OneRowAsync(session.Range(1).Select(
            Lit("42").Cast("int"),
            Lit("42").Cast(LongType.Instance),
            Lit(3.14159).Cast("decimal(5,1)").Cast("string"),
            Lit(3.14159).Cast(new DecimalType(6, 3)).Cast(StringType.Instance),
            Lit(new[] { 1, 2 }).Cast("array<string>"),
            Lit("abc").TryCast("int"),
            Lit("7").TryCast(IntegerType.Instance),
            Lit(1).Cast(BooleanType.Instance)));
        row[0].Should().Be(42);
        row[1].Should().Be(42L);
        row[2].Should().Be("3.1");
        row[3].Should().Be("3.142");
        row[4].Should().BeEquivalentTo(new object[] { "1", "2" });
        row[5].Should().BeNull();
        row[6].Should().Be(7);
        row[7].Should().Be(true);

        var bad = async () => await session.Range(1).Select(Lit("abc").Cast("int")).CollectAsync();
        (await bad.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("CAST_INVALID_INPUT");
    }

    [Fact]
    public async Task When_otherwise_picks_the_first_matching_branch()
    {
        await using var session = await spark.ConnectAsync();
        var df = await Frames.Ints(session, "a", 1, 3, 7);
        var sized = await df.Select(
                Col("a"),
                When(Col("a") > 5, "big").When(Col("a") > 2, "mid").Otherwise("small").Alias("size"),
                When(Col("a") == 3, Col("a") * 100).Alias("only3"))
            .OrderBy("a").RowsAsync();
        sized.Should().BeEquivalentTo(new[]
        {
            new object?[] { 1, "small", null },
            [3, "mid", 300],
            [7, "big", null],
        }, o => o.WithStrictOrdering());

        var notCase = () => Col("a").Otherwise(1);
        notCase.Should().Throw<InvalidOperationException>();
        var afterOtherwise = () => When(Col("a") > 1, 1).Otherwise(2).When(Col("a") > 2, 3);
        afterOtherwise.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task Null_and_NaN_predicates()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, 1.0D), (2, NULL), (3, double('NaN')) AS t(id, x)");
        var rows = await df.Select(Col("x").IsNull(), Col("x").IsNotNull(), Col("x").IsNaN(), IsNaN(Col("x")), IsNull(Col("x"))).CollectAsync();
        rows.V().Should().BeEquivalentTo(new[]
        {
            new object[] { false, true, false, false, false },
            [true, false, false, false, true],
            [false, true, true, true, false],
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task IsIn_like_rlike_ilike_startsWith_endsWith_contains_between()
    {
        await using var session = await spark.ConnectAsync();
        var emp = await Frames.Employees(session);
        async Task<string[]> Names(Column predicate) =>
            (await emp.Filter(predicate).OrderBy("id").CollectAsync()).Select(r => (string)r["name"]!).ToArray();

        (await Names(Col("id").IsIn(1, 3, 99))).Should().Equal("alice", "carol");
        (await Names(Col("id").IsIn(new[] { 2, 4 }))).Should().Equal("bob", "dan");
        (await Names(Col("name").IsIn(new List<string> { "erin", "frank" }))).Should().Equal("erin", "frank");
        (await Names(Col("name").Like("%a%"))).Should().Equal("alice", "carol", "dan", "frank");
        (await Names(Col("name").Like("_o%"))).Should().Equal("bob");
        (await Names(Col("name").RLike("^[a-c].*l"))).Should().Equal("alice", "carol");
        (await Names(Col("name").ILike("ALI%"))).Should().Equal("alice");
        (await Names(Col("name").StartsWith("c"))).Should().Equal("carol");
        (await Names(Col("name").EndsWith("n"))).Should().Equal("dan", "erin");
        (await Names(Col("name").Contains("ra"))).Should().Equal("frank");
        (await Names(Col("name").Contains(Col("dept")))).Should().BeEmpty();
        (await Names(Col("salary").Between(70, 80))).Should().Equal("bob", "carol", "erin");
    }

    [Fact]
    public async Task Substr_getItem_getField_and_struct_updates()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 'spark' AS s, array(10, 20, 30) AS arr, map('a', 1, 'b', 2) AS m, named_struct('x', 1, 'y', 'why') AS st");
        var row = await OneRowAsync(df.Select(
            Col("s").Substr(2, 3),
            Col("s").Substr(Lit(1), Lit(2)),
            Col("arr").GetItem(1),
            Col("arr")[0],
            Col("m").GetItem("b"),
            Col("m")["a"],
            Col("st").GetField("y"),
            Col("st")["x"],
            Col("st.y"),
            Col("st").WithField("z", Lit(true)).Alias("st2"),
            Col("st").DropFields("x").Alias("st3")));
        row.Take(9).Should().Equal("par", "sp", 20, 10, 2, 1, "why", 1, "why");
        var st2 = (Row)row[9]!;
        st2.Schema.FieldNames.Should().Equal("x", "y", "z");
        st2.ToArray().Should().Equal(1, "why", true);
        ((Row)row[10]!).Schema.FieldNames.Should().Equal("y");
    }

    public static TheoryData<string, object?, string> Literals => new()
    {
        { "bool", true, "boolean" },
        { "sbyte", (sbyte)-5, "tinyint" },
        { "byte", (byte)200, "smallint" },
        { "short", (short)300, "smallint" },
        { "ushort", (ushort)65000, "int" },
        { "int", 7, "int" },
        { "uint", 4_000_000_000u, "bigint" },
        { "long", 1L << 40, "bigint" },
        { "float", 1.5f, "float" },
        { "double", 2.25, "double" },
        { "decimal", 12.345m, "decimal(5,3)" },
        { "small decimal", 0.05m, "decimal(2,2)" },
        { "string", "it's \"x\"", "string" },
        { "char", 'c', "string" },
        { "null", null, "void" },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public async Task Lit_of_a_scalar_round_trips_with_its_spark_type(string what, object? value, string sparkType)
    {
        await using var session = await spark.ConnectAsync();
        var row = await OneRowAsync(session.Range(1).Select(Lit(value).Alias("v"), Call("typeof", Lit(value))));
        row[1].Should().Be(sparkType, what);
        var expected = value switch
        {
            byte b => (object)(short)b,
            ushort us => (int)us,
            uint ui => (long)ui,
            char c => c.ToString(),
            _ => value,
        };
        row[0].Should().Be(expected, what);
    }

    [Fact]
    public async Task Lit_of_dates_times_intervals_binary_and_guids()
    {
        await using var session = await spark.ConnectAsync();
        var utc = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(4560);
        var wall = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Unspecified);
        var dto = new DateTimeOffset(2024, 5, 6, 9, 8, 9, TimeSpan.FromHours(2));
        var span = new TimeSpan(1, 2, 3, 4, 5);
        var guid = Guid.Parse("d3b07384-d9a0-4c9b-8f3e-3a2b1c0d9e8f");
        var values = new object?[] { new DateOnly(2024, 2, 29), utc, wall, dto, span, new byte[] { 0, 1, 254 }, guid,
            new CalendarInterval(1, 2, 3_000_000), new YearMonthInterval(14), ulong.MaxValue };
        var df = session.Range(1).Select(values.Select((v, i) => Lit(v).Alias($"c{i}")).Concat(values.Select(v => Call("typeof", Lit(v)))).ToArray());
        var row = await OneRowAsync(df);

        row.Skip(values.Length).Should().Equal("date", "timestamp", "timestamp_ntz", "timestamp", "interval day to second", "binary", "string",
            "interval", "interval year to month", "decimal(20,0)");
        row[0].Should().Be(new DateOnly(2024, 2, 29));
        row[1].Should().Be(new DateTimeOffset(utc));
        row[2].Should().Be(wall);
        row[3].Should().Be(dto.ToUniversalTime());
        row[4].Should().Be(span);
        ((byte[])row[5]!).Should().Equal(0, 1, 254);
        row[6].Should().Be(guid.ToString());
        row[7].Should().Be(new CalendarInterval(1, 2, 3_000_000));
        row[8].Should().Be(new YearMonthInterval(14));
        row[9]!.ToString().Should().Be("18446744073709551615");
    }

    [Fact]
    public async Task Lit_of_collections_and_rows_makes_arrays_maps_and_structs()
    {
        await using var session = await spark.ConnectAsync();
        var structSchema = new StructType(new StructField("x", IntegerType.Instance), new StructField("y", StringType.Instance));
        var values = new object?[]
        {
            new[] { 1, 2, 3 },
            new List<string?> { "a", null },
            new Dictionary<string, int> { ["k"] = 1, ["l"] = 2 },
            new[] { new[] { 1L }, new[] { 2L, 3L } },
            new[] { 1.5m, 2.25m },
            System.Array.Empty<int>(),
            new Row(structSchema, 5, "five"),
            new object?[] { null, 1 },
        };
        var df = session.Range(1).Select(values.Select((v, i) => Lit(v).Alias($"c{i}")).Concat(values.Select(v => Call("typeof", Lit(v)))).ToArray());
        var row = await OneRowAsync(df);
        row.Skip(values.Length).Should().Equal("array<int>", "array<string>", "map<string,int>", "array<array<bigint>>", "array<decimal(3,2)>",
            "array<int>", "struct<x:int,y:string>", "array<int>");
        row[0].Should().BeEquivalentTo(new object[] { 1, 2, 3 });
        row[1].Should().BeEquivalentTo(new object?[] { "a", null });
        var map = (IReadOnlyDictionary<object, object?>)row[2]!;
        map["k"].Should().Be(1);
        map["l"].Should().Be(2);
        row[3].Should().BeEquivalentTo(new object[] { new object[] { 1L }, new object[] { 2L, 3L } });
        ((IReadOnlyList<object?>)row[4]!).Select(v => Convert.ToDecimal(v!.ToString(), System.Globalization.CultureInfo.InvariantCulture)).Should().Equal(1.5m, 2.25m);
        ((IReadOnlyList<object?>)row[5]!).Should().BeEmpty();
        ((Row)row[6]!).ToArray().Should().Equal(5, "five");
        row[7].Should().BeEquivalentTo(new object?[] { null, 1 });
    }

    [Fact]
    public void Columns_compare_by_reference_and_render_readably()
    {
        var a = Col("a");
        a.Equals(a).Should().BeTrue();
        a.Equals(Col("a")).Should().BeFalse();
        a.GetHashCode().Should().Be(a.GetHashCode());
        (a == 1).Should().BeOfType<Column>();
        ((a + 1) * 2).ToString().Should().Be("Column<'((a + 1) * 2)'>");
        (a == "x").ToString().Should().Be("Column<'(a = 'x')'>");
        Sum("x").Alias("s").ToString().Should().Be("Column<'sum(x) AS s'>");
        Lit(5L).ToString().Should().Be("Column<'5L'>");
        Col("t.*").ToString().Should().Be("Column<'t.*'>");
        var bad = () => Lit(new object());
        bad.Should().Throw<ArgumentException>().WithMessage("*System.Object*");
    }
}

using System.Security.Cryptography;
using System.Text;
using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class FunctionsTests(SparkServerFixture spark)
{
    private static async Task<object?[]> OneRowAsync(DataFrame df)
    {
        var rows = await df.CollectAsync();
        rows.Should().ContainSingle();
        return rows[0].ToArray();
    }

    [Fact]
    public async Task Aggregate_functions()
    {
        await using var session = await spark.ConnectAsync();
        var df = (await session.SqlAsync("SELECT * FROM VALUES (1), (2), (2), (3), (NULL) AS t(x)")).Coalesce(1);
        var row = await OneRowAsync(df.Agg(
            Count("x"), Count("*"), Count(Lit(1)), Sum("x"), Avg("x"), Mean("x"), Min("x"), Max("x"),
            CountDistinct("x"), CountDistinct(Col("x")), SumDistinct(Col("x")),
            First("x"), First(Col("x"), ignoreNulls: true), Last("x", ignoreNulls: true),
            SortArray(CollectList("x")), SortArray(CollectSet(Col("x"))),
            Stddev("x"), Variance("x"), ApproxCountDistinct("x"), PercentileApprox(Col("x"), 0.5), Median(Col("x")),
            CountIf(Col("x") > 1), StddevPop(Col("x")), VarPop(Col("x"))));
        row[..11].Should().Equal(4L, 5L, 5L, 8L, 2.0, 2.0, 1, 3, 3L, 3L, 6L);
        row[11].Should().Be(1);
        row[12].Should().Be(1);
        row[13].Should().Be(3);
        row[14].Should().BeEquivalentTo(new object[] { 1, 2, 2, 3 });
        row[15].Should().BeEquivalentTo(new object[] { 1, 2, 3 });
        ((double)row[16]!).Should().BeApproximately(Math.Sqrt(2.0 / 3), 1e-12);
        ((double)row[17]!).Should().BeApproximately(2.0 / 3, 1e-12);
        row[18].Should().Be(3L);
        row[19].Should().Be(2);
        row[20].Should().Be(2.0);
        row[21].Should().Be(3L);
        ((double)row[22]!).Should().BeApproximately(Math.Sqrt(0.5), 1e-12);
        ((double)row[23]!).Should().BeApproximately(0.5, 1e-12);

        var pcts = await OneRowAsync(df.Agg(PercentileApprox(Col("x"), [0.25, 0.75]), Percentile(Col("x"), 0.5)));
        pcts[0].Should().BeEquivalentTo(new object[] { 1, 2 });
        pcts[1].Should().Be(2.0);
    }

    [Fact]
    public async Task Math_functions()
    {
        await using var session = await spark.ConnectAsync();
        var row = await OneRowAsync(session.Range(1).Select(
            Abs(Lit(-3)), Sqrt(Lit(16)), Exp(Lit(0)), Log(Lit(Math.E)), Log(2, Lit(8)), Log10(Lit(1000)), Log2(Lit(32)),
            Pow(2, 10), Pow(Lit(9), 0.5), Round(Lit(2.5)), Round(Lit(2.345), 2), Bround(Lit(2.5)), Floor(Lit(2.7)), Ceil(Lit(2.1)),
            Signum(Lit(-4)), Pmod(Lit(-7), 3), Sin(Lit(0)), Cos(Lit(0))));
        row.Should().Equal(3, 4.0, 1.0, 1.0, 3.0, 3.0, 5.0, 1024.0, 3.0, 3.0, 2.35, 2.0, 2L, 3L, -1.0, 2, 0.0, 1.0);
    }

    [Fact]
    public async Task String_functions()
    {
        await using var session = await spark.ConnectAsync();
        var row = await OneRowAsync((await session.SqlAsync("SELECT 'Hello' AS h, '  pad  ' AS p, 'a1b22c333' AS d, 'id=42;x' AS kv, 'héllo' AS u")).Select(
            Concat(Col("h"), Lit("!")),
            ConcatWs("-", Lit("a"), Lit(null).Cast("string"), Lit("b")),
            Upper("h"), Lower(Col("h")), Trim(Col("p")), Ltrim(Col("p")), Rtrim(Col("p")),
            Substring("h", 2, 3), Substring(Col("h"), -2, 2), Length("u"), Length(Col("h")),
            RegexpReplace(Col("d"), @"\d+", "#"), RegexpExtract(Col("kv"), @"id=(\d+)", 1), RegexpExtract(Col("kv"), @"zz(\d)", 1),
            Split(Col("d"), @"\d+"), Split(Lit("a,b,,c"), ",", 2),
            FormatString("%s has %d chars", Col("h"), Length(Col("h"))),
            InitCap(Lit("hello world")), Lpad(Col("h"), 8, "*"), Rpad(Col("h"), 7, "."), Instr(Col("h"), "ll"),
            Repeat(Lit("ab"), 3), Reverse(Col("h")), Translate(Col("h"), "lo", "01")));
        row.Take(14).Should().Equal("Hello!", "a-b", "HELLO", "hello", "pad", "pad  ", "  pad", "ell", "lo", 5, 5, "a#b#c#", "42", "");
        row[14].Should().BeEquivalentTo(new object[] { "a", "b", "c", "" });
        row[15].Should().BeEquivalentTo(new object[] { "a", "b,,c" });
        row.Skip(16).Should().Equal("Hello has 5 chars", "Hello World", "***Hello", "Hello..", 3, "ababab", "olleH", "He001");
    }

    [Fact]
    public async Task Date_and_time_functions()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT DATE'2024-02-28' AS d, TIMESTAMP_NTZ'2024-01-15 13:45:30' AS t, '06/05/2024' AS s");
        var row = await OneRowAsync(df.Select(
            DateAdd(Col("d"), 1), DateSub(Lit(new DateOnly(2024, 3, 1)), 1), DateDiff(Lit(new DateOnly(2024, 3, 1)), Col("d")),
            Year(Col("d")), Month(Col("d")), DayOfMonth(Col("d")), Hour(Col("t")), Minute(Col("t")), Second(Col("t")),
            ToDate(Lit("2024-05-06")), ToDate(Col("s"), "dd/MM/yyyy"), Hour(ToTimestamp(Lit("2024-05-06 07:08:09"))),
            DateFormat(Col("d"), "yyyy/MM/dd"), DateFormat(DateTrunc("month", Col("t")), "yyyy-MM-dd HH:mm:ss"),
            AddMonths(Col("d"), 1), LastDay(Col("d")), DayOfWeek(Col("d")), DayOfYear(Col("d")), Quarter(Col("d")),
            Trunc(Col("d"), "year"), DateAdd(Col("d"), Lit(2))));
        row.Should().Equal(
            new DateOnly(2024, 2, 29), new DateOnly(2024, 2, 29), 2,
            2024, 2, 28, 13, 45, 30,
            new DateOnly(2024, 5, 6), new DateOnly(2024, 5, 6), 7,
            "2024/02/28", "2024-01-01 00:00:00",
            new DateOnly(2024, 3, 28), new DateOnly(2024, 2, 29), 4, 59, 1,
            new DateOnly(2024, 1, 1), new DateOnly(2024, 3, 1));

        var now = await OneRowAsync(session.Range(1).Select(CurrentDate(), CurrentTimestamp(), UnixTimestamp()));
        ((DateOnly)now[0]!).Should().BeOnOrAfter(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1)).And.BeOnOrBefore(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1));
        ((DateTimeOffset)now[1]!).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        ((long)now[2]!).Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 300);
    }

    [Fact]
    public async Task Conditional_and_null_functions()
    {
        await using var session = await spark.ConnectAsync();
        var row = await OneRowAsync(session.Range(1).Select(
            Coalesce(Lit(null).Cast("int"), Lit(2), Lit(3)), Greatest(Lit(1), Lit(5), Lit(3)), Least(Lit(4), Lit(2), Lit(9)),
            NaNvl(Lit(double.NaN), Lit(0.0)), IsNaN(Lit(double.NaN)), When(Lit(1) > 0, "pos").Otherwise("neg")));
        row.Should().Equal(2, 5, 2, 0.0, true, "pos");
    }

    [Fact]
    public async Task Array_map_and_struct_functions()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT 1 AS a, 2 AS b, array(3, 1, 2, 3) AS arr, map('x', 10, 'y', 20) AS m, array(array(1), array(2, 3)) AS nested");
        var row = await OneRowAsync(df.Select(
            Array(Col("a"), Col("b")), Array("a", "b"), CreateMap(Lit("k"), Col("a")), Struct(Col("a"), Col("b").Alias("bee")), Struct("a", "b"),
            Size(Col("arr")), ArrayContains(Col("arr"), 2), ArrayContains(Col("arr"), 9), ElementAt(Col("arr"), 1), ElementAt(Col("m"), "y"),
            SortArray(Col("arr")), SortArray(Col("arr"), ascending: false), ArrayDistinct(Col("arr")), ArrayJoin(Col("arr"), "|"),
            Flatten(Col("nested")), SortArray(MapKeys(Col("m"))), SortArray(MapValues(Col("m"))), MapFromArrays(Array(Lit("p")), Array(Lit(1)))));
        row[0].Should().BeEquivalentTo(new object[] { 1, 2 });
        row[1].Should().BeEquivalentTo(new object[] { 1, 2 });
        ((IReadOnlyDictionary<object, object?>)row[2]!)["k"].Should().Be(1);
        var st = (Row)row[3]!;
        st.Schema.FieldNames.Should().Equal("a", "bee");
        st.ToArray().Should().Equal(1, 2);
        ((Row)row[4]!).Schema.FieldNames.Should().Equal("a", "b");
        row[5..10].Should().Equal(4, true, false, 3, 20);
        row[10].Should().BeEquivalentTo(new object[] { 1, 2, 3, 3 });
        row[11].Should().BeEquivalentTo(new object[] { 3, 3, 2, 1 });
        row[12].Should().BeEquivalentTo(new object[] { 3, 1, 2 });
        row[13].Should().Be("3|1|2|3");
        row[14].Should().BeEquivalentTo(new object[] { 1, 2, 3 });
        row[15].Should().BeEquivalentTo(new object[] { "x", "y" });
        row[16].Should().BeEquivalentTo(new object[] { 10, 20 });
        ((IReadOnlyDictionary<object, object?>)row[17]!)["p"].Should().Be(1);
    }

    [Fact]
    public async Task Explode_posexplode_and_explode_outer()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("SELECT * FROM VALUES (1, array('a', 'b')), (2, array()), (3, NULL) AS t(id, xs)");
        (await df.Select(Col("id"), Explode(Col("xs"))).OrderBy("id", "col").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 1, "a" }, [1, "b"] }, o => o.WithStrictOrdering());
        var pos = df.Select(Col("id"), PosExplode(Col("xs")));
        (await pos.ColumnsAsync()).Should().Equal("id", "pos", "col");
        (await pos.OrderBy("id", "pos").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object[] { 1, 0, "a" }, [1, 1, "b"] }, o => o.WithStrictOrdering());
        (await df.Select(Col("id"), ExplodeOuter(Col("xs"))).OrderBy("id", "col").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object?[] { 1, "a" }, [1, "b"], [2, null], [3, null] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Hash_and_digest_functions_match_dotnet_digests()
    {
        await using var session = await spark.ConnectAsync();
        const string text = "spark connect";
        var bytes = Encoding.UTF8.GetBytes(text);
        var row = await OneRowAsync(session.Range(1).Select(
            Md5(Lit(text)), Sha1(Lit(text)), Sha2(Lit(text), 256), Sha2(Lit(text), 512), Base64(Lit(bytes)),
            Hash(Lit(text)), Expr("hash('spark connect')"), Hash(Lit(1), Lit("a")), Expr("hash(1, 'a')"), XxHash64(Lit(text)), Crc32(Lit(text))));
        row[0].Should().Be(Convert.ToHexStringLower(MD5.HashData(bytes)));
        row[1].Should().Be(Convert.ToHexStringLower(SHA1.HashData(bytes)));
        row[2].Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        row[3].Should().Be(Convert.ToHexStringLower(SHA512.HashData(bytes)));
        row[4].Should().Be(Convert.ToBase64String(bytes));
        row[5].Should().BeOfType<int>().And.Be(row[6]);
        row[7].Should().Be(row[8]);
        row[9].Should().BeOfType<long>();
        row[10].Should().Be(Crc32Of(bytes));
    }

    private static long Crc32Of(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public async Task Json_functions()
    {
        await using var session = await spark.ConnectAsync();
        var df = await session.SqlAsync("""SELECT '{"a": 1, "b": "x"}' AS j, '{''a'': 2}' AS single""");
        var schema = new StructType(new StructField("a", IntegerType.Instance), new StructField("b", StringType.Instance));
        var row = await OneRowAsync(df.Select(
            FromJson(Col("j"), "a INT, b STRING"),
            FromJson(Col("j"), schema),
            FromJson(Col("single"), "a INT", new Dictionary<string, string> { ["allowSingleQuotes"] = "true" }),
            FromJson(Col("single"), "a INT", new Dictionary<string, string> { ["allowSingleQuotes"] = "false" }),
            ToJson(Struct(Lit(1).Alias("a"), Lit("x").Alias("b"))),
            ToJson(Struct(Lit(new DateOnly(2024, 1, 2)).Alias("d")), new Dictionary<string, string> { ["dateFormat"] = "dd/MM/yyyy" }),
            SchemaOfJson("""{"a": 1, "b": [true]}"""),
            GetJsonObject(Col("j"), "$.b"),
            FromJson(Col("j"), SchemaOfJson("""{"a": 1, "b": "x"}"""))));
        ((Row)row[0]!).ToArray().Should().Equal(1, "x");
        ((Row)row[1]!).ToArray().Should().Equal(1, "x");
        ((Row)row[2]!).ToArray().Should().Equal(2);
        ((Row?)row[3])?.ToArray().Should().Equal(new object?[] { null });
        row[4].Should().Be("""{"a":1,"b":"x"}""");
        row[5].Should().Be("""{"d":"02/01/2024"}""");
        row[6].Should().Be("STRUCT<a: BIGINT, b: ARRAY<BOOLEAN>>");
        row[7].Should().Be("x");
        ((Row)row[8]!).ToArray().Should().Equal(1L, "x");
    }

    [Fact]
    public async Task Random_ids_and_generic_calls()
    {
        await using var session = await spark.ConnectAsync();
        var df = session.Range(0, 5, 1, 1);
        (await df.Select(MonotonicallyIncreasingId()).CollectAsync()).Select(r => r[0]).Should().Equal(0L, 1L, 2L, 3L, 4L);

        var r1 = (await df.Select(Rand(42), Randn(7)).CollectAsync()).V();
        var r2 = (await df.Select(Rand(42), Randn(7)).CollectAsync()).V();
        r2.Should().BeEquivalentTo(r1, o => o.WithStrictOrdering());
        r1.Select(r => (double)r[0]!).Should().OnlyContain(x => x >= 0 && x < 1).And.OnlyHaveUniqueItems();
        (await df.Select(Rand()).CollectAsync()).Select(r => (double)r[0]!).Should().OnlyContain(x => x >= 0 && x < 1);
        (await df.Select(Randn()).CountAsync()).Should().Be(5);

        var row = await OneRowAsync(session.Range(1).Select(
            Call("reverse", Lit("abc")), Call("nvl", Lit(null).Cast("int"), Lit(5)), Call("current_database"), Expr("1 + 2"), Expr("upper('q') AS q")));
        row.Should().Equal("cba", 5, "default", 3, "Q");
        (await (await Frames.Ints(session, "x", 1, 1, 2)).Agg(CallDistinct("count", Col("x")), CallDistinct("sum", Col("x"))).RowsAsync())
            .Should().BeEquivalentTo(new[] { new object[] { 2L, 3L } });
        var unknown = async () => await session.Range(1).Select(Call("no_such_function_dfd", Lit(1))).CollectAsync();
        (await unknown.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("UNRESOLVED_ROUTINE");
    }

    [Fact]
    public async Task Broadcast_marks_the_join_side()
    {
        await using var session = await spark.ConnectAsync();
        var big = session.Range(100);
        var small = session.Range(10).WithColumnRenamed("id", "k");
        var joined = big.Join(Broadcast(small), Col("id") == Col("k"));
        (await joined.CountAsync()).Should().Be(10);
        (await joined.ExplainStringAsync()).Should().Contain("BroadcastHashJoin");
    }
}

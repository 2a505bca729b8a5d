using System.Data;
using System.IO.Hashing;
using System.Text;
using Apache.Arrow;
using AT = Apache.Arrow.Types;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// CreateDataFrameAsync from .NET data (objects with an inferred or given schema, Arrow record batches, a DataTable), sent
/// inline and as cached chunks (chunks of 1,000 rows here, so that batches are sliced across chunks); count, sums and the
/// sum of CRC-32s of the strings computed by the server equal the client's (real server).
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class LocalDataSourcesTests(SparkServerFixture spark)
{
    private const int N = 25_000;

    /// <summary>The bench's shape: bigint, double, string.</summary>
    public sealed record Trade(long Id, double Price, string? Name);

    /// <summary>Nullable members, a date, a decimal, a list, a map and a nested class.</summary>
    public sealed class Order
    {
        public int Number { get; init; }
        public long? Quantity { get; init; }
        public decimal Amount { get; init; }
        public DateOnly Day { get; init; }
        public DateTimeOffset At { get; init; }
        public bool Paid { get; init; }
        public List<string> Tags { get; init; } = [];
        public Dictionary<string, int> Counts { get; init; } = [];
        public Address? ShipTo { get; init; }
    }

    /// <summary>A nested struct.</summary>
    public sealed record Address(string City, int Zip);

    [Fact]
    public async Task Objects_infer_their_schema_and_arrive_whole_inline_and_in_cached_chunks()
    {
        // Inline; chunked from the start; inline until 100 kB, then what was written is re-cut into chunks with the rest.
        foreach (var threshold in new[] { 64L << 20, 0, 100_000 })
        {
            var chunked = threshold < (64L << 20);
            await using var session = await ConnectAsync(threshold);
            var df = await session.CreateDataFrameAsync(Trades(N));
            (await df.SchemaAsync()).Should().Be(new StructType(
                new StructField("Id", LongType.Instance, false), new StructField("Price", DoubleType.Instance, false), new StructField("Name", StringType.Instance)));
            session.LastLocalRelationChunks.Should().Be(chunked ? N / 1000 : 0);
            await ChecksumMatchesAsync(df, "Id", "Price", "Name");
        }
    }

    [Fact]
    public async Task Objects_with_nested_and_nullable_members_round_trip()
    {
        await using var session = await ConnectAsync(chunked: true);
        var orders = Enumerable.Range(0, 3).Select(i => new Order
        {
            Number = i,
            Quantity = i == 1 ? null : i * 10,
            Amount = 12.5m + i,
            Day = new DateOnly(2026, 12, 6).AddDays(i),
            At = new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.Zero).AddHours(i),
            Paid = i % 2 == 0,
            Tags = [.. Enumerable.Repeat("t", i)],
            Counts = new() { ["k"] = i },
            ShipTo = i == 2 ? null : new Address("Paris", 75000 + i),
        }).ToList();
        var df = await session.CreateDataFrameAsync(orders);
        (await df.SchemaAsync())["Amount"].DataType.Should().Be(new DecimalType(38, 18));
        (await df.SchemaAsync())["Quantity"].Nullable.Should().BeTrue();
        (await df.SchemaAsync())["Number"].Nullable.Should().BeFalse();
        (await df.SchemaAsync())["ShipTo"].DataType.Should().Be(new StructType(new StructField("City", StringType.Instance), new StructField("Zip", IntegerType.Instance, false)));

        var rows = await df.OrderBy("Number").Select(
            Functions.Col("Quantity"), Functions.Col("Amount").Cast("double").Alias("a"), Functions.Col("Day").Cast("string").Alias("d"),
            Functions.Col("Paid"), Functions.Size(Functions.Col("Tags")).Alias("tags"), Functions.Col("Counts").GetItem("k").Alias("k"),
            Functions.Col("ShipTo.Zip").Alias("zip"), Functions.Col("At")).CollectAsync();
        rows.Select(r => r["Quantity"]).Should().Equal(0L, null, 20L);
        rows.Select(r => r["a"]).Should().Equal(12.5, 13.5, 14.5);
        rows.Select(r => r["d"]).Should().Equal("2026-12-06", "2026-12-07", "2026-12-08");
        rows.Select(r => r["Paid"]).Should().Equal(true, false, true);
        rows.Select(r => r["tags"]).Should().Equal(0, 1, 2);
        rows.Select(r => r["k"]).Should().Equal(0, 1, 2);
        rows.Select(r => r["zip"]).Should().Equal(75000, 75001, null);
        rows[1].Get<DateTimeOffset>("At").Should().Be(orders[1].At);
    }

    [Fact]
    public async Task Objects_take_a_given_schema_by_member_name_and_convert_values()
    {
        await using var session = await ConnectAsync(chunked: false);
        var schema = new StructType(new StructField("name", StringType.Instance), new StructField("id", IntegerType.Instance, false));
        var df = await session.CreateDataFrameAsync(Trades(5), schema);
        (await df.SchemaAsync()).Should().Be(schema);
        (await df.OrderBy("id").CollectAsync()).Select(r => r["id"]).Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public async Task A_member_without_a_Spark_type_is_refused_in_one_line_that_names_it()
    {
        await using var session = await ConnectAsync(chunked: false);
        var act = () => session.CreateDataFrameAsync(new[] { new { Id = 1L, Key = Guid.NewGuid() } });
        var e = (await act.Should().ThrowAsync<ArgumentException>()).Which;
        e.Message.Should().Contain(".Key is a Guid, which has no Spark type").And.NotContain("\n");
    }

    [Fact]
    public async Task Record_batches_keep_their_Arrow_schema_and_are_sliced_across_chunks()
    {
        foreach (var chunked in new[] { false, true })
        {
            await using var session = await ConnectAsync(chunked);
            // 5,000-row batches, sliced at the 1,000-row chunks; then batches of 20,000 rows, sliced at our 8,192-row batches too.
            var batches = Enumerable.Range(0, N / 5000).Select(b => TradeBatch(b * 5000, 5000)).ToList();
            var df = await session.CreateDataFrameAsync(batches);
            (await df.SchemaAsync()).Fields.Select(f => f.DataType).Should().Equal(LongType.Instance, DoubleType.Instance, StringType.Instance);
            await ChecksumMatchesAsync(df, "id", "price", "name");
            batches.ForEach(b => b.Dispose());

            await using var big = await ConnectAsync(chunked);
            df = await big.CreateDataFrameAsync(Async([TradeBatch(0, 20_000), TradeBatch(20_000, N - 20_000)]));
            await ChecksumMatchesAsync(df, "id", "price", "name");
            big.LastLocalRelationChunks.Should().Be(chunked ? N / 1000 : 0);
        }
    }

    [Fact]
    public async Task Record_batches_Spark_cannot_read_as_sent_are_refused_in_one_line()
    {
        await using var session = await ConnectAsync(chunked: false);
        var nanos = new TimestampArray.Builder(new AT.TimestampType(AT.TimeUnit.Nanosecond, "UTC")).Append(DateTimeOffset.UnixEpoch).Build();
        using var batch = new RecordBatch(new Schema([new Field("at", nanos.Data.DataType, true)], null), [nanos], 1);
        var e = (await session.Invoking(s => s.CreateDataFrameAsync([batch])).Should().ThrowAsync<ArgumentException>()).Which;
        e.Message.Should().Be("CreateDataFrame: column 'at' is Arrow timestamp[nanosecond, UTC], which Spark does not read as sent " +
                              "(for timestamp Spark reads timestamp[microsecond, UTC]); cast it first.");

        await session.Invoking(s => s.CreateDataFrameAsync(System.Array.Empty<RecordBatch>())).Should().ThrowAsync<ArgumentException>().WithMessage("*no record batches*");
    }

    [Fact]
    public async Task A_DataTable_arrives_with_its_column_types_and_nulls()
    {
        foreach (var chunked in new[] { false, true })
        {
            await using var session = await ConnectAsync(chunked);
            using var table = new DataTable();
            table.Columns.Add("id", typeof(long)).AllowDBNull = false;
            table.Columns.Add("price", typeof(double));
            table.Columns.Add("name", typeof(string));
            foreach (var t in Trades(N)) table.Rows.Add(t.Id, t.Price, t.Name is null ? DBNull.Value : t.Name);
            table.Rows[0].Delete(); // a deleted row is not sent
            table.Rows.Add(0L, 0.0, Text(0));

            var df = await session.CreateDataFrameAsync(table);
            (await df.SchemaAsync()).Should().Be(new StructType(
                new StructField("id", LongType.Instance, false), new StructField("price", DoubleType.Instance), new StructField("name", StringType.Instance)));
            await ChecksumMatchesAsync(df, "id", "price", "name");
        }
    }

    /// <summary>A session that sends local data inline up to 64 MiB, or (<paramref name="chunked"/>) always as cached chunks.</summary>
    private Task<SparkSession> ConnectAsync(bool chunked) => ConnectAsync(chunked ? 0 : 64L << 20);

    /// <summary>A session with this threshold and chunks of 1,000 rows.</summary>
    private async Task<SparkSession> ConnectAsync(long threshold)
    {
        var session = await SparkSession.ConnectAsync(spark.ConnectionString, new SparkSessionOptions { LocalRelationCacheThreshold = threshold });
        await session.Conf.SetAsync("spark.sql.session.localRelationChunkSizeRows", "1000");
        return session;
    }

    /// <summary>The server's count, sum of ids, sum of doubles and sum of CRC-32s (nulls: 0) equal the client's for <see cref="Trades"/>.</summary>
    private static async Task ChecksumMatchesAsync(DataFrame df, string id, string price, string name)
    {
        var row = (await df.Select(
            Functions.Count(Functions.Lit(1)).Alias("n"), Functions.Sum(id).Alias("ids"), Functions.Sum(price).Alias("xs"),
            Functions.Sum(Functions.Call("crc32", Functions.Col(name))).Alias("crcs"), Functions.Count(Functions.Col(name)).Alias("names")).CollectAsync())[0];
        var trades = Trades(N).ToList();
        row["n"].Should().Be((long)N);
        row["ids"].Should().Be(trades.Sum(t => t.Id));
        row["xs"].Should().Be(trades.Sum(t => t.Price));
        row["crcs"].Should().Be(trades.Sum(t => t.Name is null ? 0L : Crc32.HashToUInt32(Encoding.UTF8.GetBytes(t.Name))));
        row["names"].Should().Be((long)trades.Count(t => t.Name is not null));
    }

    private static IEnumerable<Trade> Trades(int n) =>
        Enumerable.Range(0, n).Select(i => new Trade(i, i * 0.5, i % 100 == 7 ? null : Text(i)));

    private static RecordBatch TradeBatch(int start, int length)
    {
        var ids = new Int64Array.Builder();
        var prices = new DoubleArray.Builder();
        var names = new StringArray.Builder();
        foreach (var t in Trades(start + length).Skip(start))
        {
            ids.Append(t.Id);
            prices.Append(t.Price);
            if (t.Name is null) names.AppendNull();
            else names.Append(t.Name);
        }
        var schema = new Schema([new Field("id", AT.Int64Type.Default, false), new Field("price", AT.DoubleType.Default, false), new Field("name", AT.StringType.Default, true)], null);
        return new RecordBatch(schema, [ids.Build(), prices.Build(), names.Build()], length);
    }

    private static async IAsyncEnumerable<RecordBatch> Async(IEnumerable<RecordBatch> batches)
    {
        foreach (var b in batches)
        {
            await Task.Yield();
            yield return b;
        }
    }

    private static string Text(long i) => new string((char)('a' + (i % 26)), 20) + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

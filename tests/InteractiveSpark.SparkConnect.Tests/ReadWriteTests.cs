using static InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Writes files and tables, then reads them back. The server runs on this machine, so it shares the temp folder.</summary>
[Collection(SparkCollection.Name)]
public sealed class ReadWriteTests(SparkServerFixture spark) : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dfd-rw-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string PathFor(string name) => Path.Combine(_dir, name);

    private static Task<DataFrame> People(SparkSession s) =>
        s.SqlAsync("SELECT * FROM VALUES (1, 'ann', 2.5D, DATE'2024-01-02'), (2, 'bo, \"jr\"', NULL, DATE'2024-03-04'), (3, NULL, -1.25D, NULL) AS t(id, name, score, day)");

    private static readonly object?[][] PeopleRows =
    [
        [1, "ann", 2.5, new DateOnly(2024, 1, 2)],
        [2, "bo, \"jr\"", null, new DateOnly(2024, 3, 4)],
        [3, null, -1.25, null],
    ];

    [Theory]
    [InlineData("parquet")]
    [InlineData("orc")]
    [InlineData("json")]
    public async Task A_written_file_reads_back_equal(string format)
    {
        await using var session = await spark.ConnectAsync();
        var path = PathFor(format);
        await (await People(session)).Write.Format(format).SaveAsync(path);

        var back = format switch
        {
            "parquet" => session.Read.Parquet(path),
            "orc" => session.Read.Orc(path),
            _ => session.Read.Schema("id INT, name STRING, score DOUBLE, day DATE").Json(path),
        };
        (await back.OrderBy("id").RowsAsync()).Should().BeEquivalentTo(PeopleRows, o => o.WithStrictOrdering());
        var files = await back.InputFilesAsync();
        files.Should().NotBeEmpty().And.OnlyContain(f => f.Contains(path));
        if (format != "json")
            (await back.SchemaAsync()).Fields.Select(f => f.DataType).Should().Equal(IntegerType.Instance, StringType.Instance, DoubleType.Instance, DateType.Instance);
    }

    [Fact]
    public async Task Csv_round_trips_with_header_quoting_and_a_schema()
    {
        await using var session = await spark.ConnectAsync();
        var path = PathFor("csv");
        await (await People(session)).Write.Option("header", true).CsvAsync(path);
        var text = string.Concat(Directory.GetFiles(path, "*.csv").Order().Select(File.ReadAllText));
        text.Should().StartWith("id,name,score,day\n").And.Contain("\"bo, \\\"jr\\\"\"");

        var withSchema = session.Read.Option("header", "true").Schema("id INT, name STRING, score DOUBLE, day DATE").Csv(path);
        (await withSchema.OrderBy("id").RowsAsync()).Should().BeEquivalentTo(PeopleRows, o => o.WithStrictOrdering());

        var schema = new StructType(
            new StructField("id", LongType.Instance), new StructField("name", StringType.Instance),
            new StructField("score", StringType.Instance), new StructField("day", StringType.Instance));
        var typed = session.Read.Format("csv").Options(new Dictionary<string, string> { ["header"] = "true" }).Schema(schema).Load(path);
        (await typed.SchemaAsync()).Should().Be(schema);
        (await typed.OrderBy("id").Select("id", "score").RowsAsync()).Should().BeEquivalentTo(
            new[] { new object?[] { 1L, "2.5" }, [2L, null], [3L, "-1.25"] }, o => o.WithStrictOrdering());

        var inferred = session.Read.Option("header", true).Option("inferSchema", true).Csv(path);
        (await inferred.DTypesAsync()).Should().Equal(("id", "int"), ("name", "string"), ("score", "double"), ("day", "date"));
    }

    [Fact]
    public async Task Text_files_are_one_string_column_named_value()
    {
        await using var session = await spark.ConnectAsync();
        var path = PathFor("text");
        await (await session.SqlAsync("SELECT * FROM VALUES ('first line'), ('second') AS t(s)")).Coalesce(1).Write.TextAsync(path);
        var back = session.Read.Text(path);
        (await back.ColumnsAsync()).Should().Equal("value");
        (await back.OrderBy("value").RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { "first line" }, ["second"] }, o => o.WithStrictOrdering());
        var files = Directory.GetFiles(path, "*.txt");
        files.Should().ContainSingle();
        File.ReadAllText(files[0]).Should().Be("first line\nsecond\n");
    }

    [Fact]
    public async Task Save_modes_error_append_overwrite_and_ignore()
    {
        await using var session = await spark.ConnectAsync();
        var path = PathFor("modes");
        var two = session.Range(2);
        await two.Write.ParquetAsync(path);

        var again = async () => await two.Write.ParquetAsync(path);
        (await again.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("PATH_ALREADY_EXISTS");
        var explicitError = async () => await two.Write.Mode(SaveMode.ErrorIfExists).ParquetAsync(path);
        await explicitError.Should().ThrowAsync<SparkException>();

        await session.Range(10, 13).Write.Mode("append").ParquetAsync(path);
        (await session.Read.Parquet(path).OrderBy("id").CollectAsync()).Select(r => (long)r[0]!).Should().Equal(0, 1, 10, 11, 12);

        await session.Range(100, 101).Write.Mode(SaveMode.Overwrite).ParquetAsync(path);
        (await session.Read.Parquet(path).CollectAsync()).Select(r => (long)r[0]!).Should().Equal(100);

        await session.Range(5).Write.Mode(SaveMode.Ignore).ParquetAsync(path);
        (await session.Read.Parquet(path).CollectAsync()).Select(r => (long)r[0]!).Should().Equal(100);

        var badMode = () => two.Write.Mode("sometimes");
        badMode.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task PartitionBy_lays_out_folders_and_reads_back_the_partition_column()
    {
        await using var session = await spark.ConnectAsync();
        var path = PathFor("partitioned");
        var sales = await session.SqlAsync("SELECT * FROM VALUES (2023, 'eu', 10), (2023, 'us', 20), (2024, 'eu', 30) AS t(year, region, amount)");
        await sales.Write.PartitionBy("year", "region").Format("json").SaveAsync(path);

        Directory.GetDirectories(path).Select(Path.GetFileName).Order().Should().Equal("year=2023", "year=2024");
        Directory.GetDirectories(Path.Combine(path, "year=2023")).Select(Path.GetFileName).Order().Should().Equal("region=eu", "region=us");

        var back = session.Read.Format("json").Load(path);
        (await back.ColumnsAsync()).Should().Equal("amount", "year", "region");
        (await back.Select("year", "region", "amount").OrderBy("amount").RowsAsync()).Should().BeEquivalentTo(new[]
        {
            new object[] { 2023, "eu", 10L },
            [2023, "us", 20L],
            [2024, "eu", 30L],
        }, o => o.WithStrictOrdering());
        (await session.Read.Json(Path.Combine(path, "year=2024")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 30L, "eu" } });
    }

    [Fact]
    public async Task SaveAsTable_insertInto_and_bucketed_tables()
    {
        await using var session = await spark.ConnectAsync();
        const string table = "dfd_rw_table";
        const string bucketed = "dfd_rw_bucketed";
        try
        {
            await (await People(session)).Write.Mode(SaveMode.Overwrite).SaveAsTableAsync(table);
            (await session.Table(table).OrderBy("id").RowsAsync()).Should().BeEquivalentTo(PeopleRows, o => o.WithStrictOrdering());
            (await session.Read.Table(table).CountAsync()).Should().Be(3);

            var exists = async () => await (await People(session)).Write.SaveAsTableAsync(table);
            (await exists.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("TABLE_OR_VIEW_ALREADY_EXISTS");

            await (await People(session)).Filter("id = 1").Write.InsertIntoAsync(table);
            (await session.Table(table).CountAsync()).Should().Be(4);
            await (await People(session)).Write.Mode("append").SaveAsTableAsync(table);
            (await session.Table(table).CountAsync()).Should().Be(7);
            await (await People(session)).Filter("id > 1").Write.InsertIntoAsync(table, overwrite: true);
            (await session.Table(table).OrderBy("id").Select("id").CollectAsync()).Select(r => r[0]).Should().Equal(2, 3);

            await session.Range(20).WithColumn("v", Col("id") * 2).Write
                .Mode(SaveMode.Overwrite).Format("parquet").BucketBy(4, "id").SortBy("id").Option("compression", "snappy")
                .SaveAsTableAsync(bucketed);
            var describe = await (await session.SqlAsync($"DESCRIBE TABLE EXTENDED {bucketed}")).CollectAsync();
            string Info(string key) => (string)describe.Single(r => (string?)r[0] == key)[1]!;
            Info("Num Buckets").Should().Be("4");
            Info("Bucket Columns").Should().Be("[`id`]");
            Info("Sort Columns").Should().Be("[`id`]");
            (await session.Table(bucketed).Agg(Sum("v")).RowsAsync()).Should().BeEquivalentTo(new[] { new object[] { 380L } });
        }
        finally
        {
            await session.SqlAsync($"DROP TABLE IF EXISTS {table}");
            await session.SqlAsync($"DROP TABLE IF EXISTS {bucketed}");
        }
    }

    [Fact]
    public async Task WriteTo_create_makes_a_partitioned_table_with_properties()
    {
        await using var session = await spark.ConnectAsync();
        const string table = "dfd_rw_v2";
        try
        {
            await session.SqlAsync($"DROP TABLE IF EXISTS {table}");
            var sales = await session.SqlAsync("SELECT * FROM VALUES (10, 2023), (20, 2023), (30, 2024) AS t(amount, year)");
            await sales.WriteTo(table).Using("parquet").PartitionedBy(Col("year")).TableProperty("owner", "dfd")
                .Option("compression", "gzip").CreateAsync();

            (await session.Table(table).Select("amount", "year").OrderBy("amount").RowsAsync()).Should().BeEquivalentTo(
                new[] { new object[] { 10, 2023 }, [20, 2023], [30, 2024] }, o => o.WithStrictOrdering());
            var describe = await (await session.SqlAsync($"DESCRIBE TABLE EXTENDED {table}")).CollectAsync();
            describe.Single(r => (string?)r[0] == "Provider")[1].Should().Be("parquet");
            describe.Single(r => (string?)r[0] == "Table Properties")[1].Should().Be("[owner=dfd]");
            (await (await session.SqlAsync($"SHOW PARTITIONS {table}")).OrderBy("partition").CollectAsync()).Select(r => r[0])
                .Should().Equal("year=2023", "year=2024");

            var create = async () => await sales.WriteTo(table).Using("parquet").CreateAsync();
            (await create.Should().ThrowAsync<SparkException>()).Which.ErrorClass.Should().Be("TABLE_OR_VIEW_ALREADY_EXISTS");
        }
        finally
        {
            await session.SqlAsync($"DROP TABLE IF EXISTS {table}");
        }
    }

    /// <summary>
    /// Spark's built-in session catalog keeps file-source tables as v1 tables: it creates them through the v2 writer but
    /// refuses replace and row-level v2 writes (this server has no v2 catalog such as Iceberg or Delta). Each mode still
    /// reaches the server as its own operation, which answers with the error of that operation.
    /// </summary>
    [Fact]
    public async Task WriteTo_replace_append_and_overwrites_reach_the_catalog_as_their_own_operations()
    {
        await using var session = await spark.ConnectAsync();
        const string table = "dfd_rw_v2_modes";
        try
        {
            await session.SqlAsync($"DROP TABLE IF EXISTS {table}");
            await session.Range(3).WriteTo(table).Using("parquet").CreateAsync();

            async Task<SparkException> Refused(Func<Task> write) => (await write.Should().ThrowAsync<SparkException>()).Which;

            var createOrReplace = await Refused(() => session.Range(5).WriteTo(table).Using("parquet").CreateOrReplaceAsync());
            createOrReplace.ErrorClass.Should().Be("UNSUPPORTED_FEATURE.TABLE_OPERATION");
            createOrReplace.Message.Should().Contain("REPLACE TABLE AS SELECT");
            (await Refused(() => session.Range(5).WriteTo(table).ReplaceAsync())).Message.Should().Contain("REPLACE TABLE AS SELECT");
            (await Refused(() => session.Range(5).WriteTo(table).AppendAsync())).Message.Should().Contain("Cannot write into v1 table");
            (await Refused(() => session.Range(5).WriteTo(table).OverwriteAsync(Col("id") > 1))).Message.Should().Contain("Cannot write into v1 table");
            (await Refused(() => session.Range(5).WriteTo(table).OverwritePartitionsAsync())).Message.Should().Contain("Cannot write into v1 table");
            var missing = await Refused(() => session.Range(5).WriteTo("dfd_rw_v2_missing").AppendAsync());
            missing.ErrorClass.Should().Be("TABLE_OR_VIEW_NOT_FOUND");

            (await session.Table(table).OrderBy("id").CollectAsync()).Select(r => r[0]).Should().Equal(0L, 1L, 2L);
        }
        finally
        {
            await session.SqlAsync($"DROP TABLE IF EXISTS {table}");
        }
    }
}

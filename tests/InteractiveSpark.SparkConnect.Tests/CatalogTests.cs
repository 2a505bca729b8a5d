namespace InteractiveSpark.SparkConnect.Tests;

[Collection(SparkCollection.Name)]
public sealed class CatalogTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Lists_and_finds_the_databases_tables_views_columns_and_functions_a_test_creates()
    {
        await using var session = await spark.ConnectAsync();
        var catalog = session.Catalog;
        var db = "cat_" + Guid.NewGuid().ToString("N")[..8];
        await session.SqlAsync($"CREATE DATABASE {db}");
        try
        {
            (await catalog.CurrentCatalogAsync()).Should().Be("spark_catalog");
            (await catalog.ListCatalogsAsync()).Select(c => c.Name).Should().Contain("spark_catalog");
            (await catalog.DatabaseExistsAsync(db)).Should().BeTrue();
            (await catalog.ListDatabasesAsync(db)).Should().ContainSingle().Which.Name.Should().Be(db);

            await session.SqlAsync($"CREATE TABLE {db}.sales (id BIGINT, region STRING COMMENT 'where', amount DOUBLE) USING parquet PARTITIONED BY (region)");
            await (await session.SqlAsync("SELECT 1 AS one")).CreateOrReplaceTempViewAsync("cat_temp_view");
            var created = await catalog.CreateTableAsync($"{db}.made", schema: new StructType().Add("k", StringType.Instance).Add("v", LongType.Instance), source: "parquet");
            (await created.CountAsync()).Should().Be(0);

            var tables = await catalog.ListTablesAsync(db);
            tables.Where(t => !t.IsTemporary).Select(t => t.Name).Should().BeEquivalentTo(["sales", "made"]);
            var sales = tables.Single(t => t.Name == "sales");
            sales.Database.Should().Be(db);
            sales.CatalogName.Should().Be("spark_catalog");
            sales.TableType.Should().Be("MANAGED");
            tables.Should().Contain(t => t.Name == "cat_temp_view" && t.IsTemporary);
            (await catalog.ListTablesAsync(db, "sal*")).Select(t => t.Name).Should().Equal("sales");

            var columns = await catalog.ListColumnsAsync($"{db}.sales");
            columns.Select(c => c.Name).Should().Equal("id", "amount", "region");
            columns.Single(c => c.Name == "region").Should().Match<CatalogColumn>(c => c.IsPartition && c.DataType == "string" && c.Description == "where");
            columns.Single(c => c.Name == "id").DataType.Should().Be("bigint");

            (await catalog.TableExistsAsync("sales", db)).Should().BeTrue();
            (await catalog.TableExistsAsync($"{db}.nope")).Should().BeFalse();
            (await catalog.GetTableAsync($"{db}.made")).Name.Should().Be("made");

            (await catalog.FunctionExistsAsync("upper")).Should().BeTrue();
            (await catalog.FunctionExistsAsync("no_such_function_here")).Should().BeFalse();
            (await catalog.ListFunctionsAsync(pattern: "upp*")).Select(f => f.Name).Should().Contain("upper");

            await catalog.CacheTableAsync($"{db}.sales");
            (await catalog.IsCachedAsync($"{db}.sales")).Should().BeTrue();
            await catalog.UncacheTableAsync($"{db}.sales");
            (await catalog.IsCachedAsync($"{db}.sales")).Should().BeFalse();
            await catalog.RefreshTableAsync($"{db}.sales");
            await catalog.ClearCacheAsync();

            await catalog.SetCurrentDatabaseAsync(db);
            (await catalog.CurrentDatabaseAsync()).Should().Be(db);
            (await catalog.ListTablesAsync()).Select(t => t.Name).Should().Contain("made");
            await catalog.SetCurrentDatabaseAsync("default");

            (await catalog.DropTempViewAsync("cat_temp_view")).Should().BeTrue();
            (await catalog.DropTempViewAsync("cat_temp_view")).Should().BeFalse();

            var missing = () => catalog.ListColumnsAsync($"{db}.nope");
            (await missing.Should().ThrowAsync<SparkException>()).Which.Message.Should().Contain("nope");
        }
        finally
        {
            await session.SqlAsync($"DROP DATABASE IF EXISTS {db} CASCADE");
        }
    }
}

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>A row larger than a gRPC message arrives in Arrow batch chunks, put back together by the client (real server).</summary>
[Collection(SparkCollection.Name)]
public sealed class ResultChunkingTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_row_over_the_chunk_size_and_the_message_limit_arrives_whole()
    {
        const int size = 3 * 1024 * 1024;
        var options = new SparkSessionOptions { ResultChunkSize = 256 * 1024, MaxReceiveMessageSize = 1024 * 1024 };
        await using var session = await SparkSession.ConnectAsync(spark.ConnectionString, options);
        var df = await session.SqlAsync($"SELECT id, repeat('x', {size}) || CAST(id AS STRING) AS big FROM range(2)");

        var chunked = 0;
        await foreach (var r in session.Client.ExecuteAsync(new Spark.Connect.Plan { Root = df.Relation }, null, CancellationToken.None))
        {
            if (r.ArrowBatch is { NumChunksInBatch: > 1 } batch)
            {
                chunked++;
                batch.Data.Length.Should().BeLessThanOrEqualTo(256 * 1024 + 1024);
            }
        }

        chunked.Should().BeGreaterThan(10, "a 3 MiB row in 256 KiB pieces is a dozen chunks or more");
        var rows = await df.OrderBy(Functions.Col("id")).CollectAsync();
        rows.Select(r => ((string)r["big"]!).Length).Should().Equal(size + 1, size + 1);
        ((string)rows[1]["big"]!).Should().EndWith("x1");
    }
}

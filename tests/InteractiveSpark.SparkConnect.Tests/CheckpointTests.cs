using System.Runtime.CompilerServices;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Checkpoint and local checkpoint: a cached relation on the server, released once unreferenced (real server).</summary>
[Collection(SparkCollection.Name)]
public sealed class CheckpointTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Checkpoints_read_their_data_and_are_released_when_no_longer_referenced()
    {
        await using var session = await spark.ConnectAsync();
        {
            var checkpointed = await session.Range(50).Filter(Functions.Col("id") % 2 == 0).CheckpointAsync();
            (await checkpointed.CountAsync()).Should().Be(25);
            (await checkpointed.ExplainStringAsync()).Should().NotContain("Filter");

            var local = await session.Range(30).LocalCheckpointAsync(eager: false, StorageLevel.MemoryAndDisk);
            (await local.Select(Functions.Sum("id").Alias("s")).CollectAsync())[0]["s"].Should().Be(435L);

            var id = await CheckpointAndForgetAsync(session);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!session.ReleasedCachedRelations.Contains(id) && DateTime.UtcNow < deadline)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                await Task.Delay(200);
            }

            session.ReleasedCachedRelations.Should().Contain(id);
            var gone = session.CachedRemoteDataFrame(new Spark.Connect.CachedRemoteRelation { RelationId = id });
            await gone.Invoking(d => d.CountAsync()).Should().ThrowAsync<SparkException>();
            GC.KeepAlive(checkpointed);
            GC.KeepAlive(local);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string> CheckpointAndForgetAsync(SparkSession session)
    {
        var df = await session.Range(10).LocalCheckpointAsync();
        var derived = df.Select((Functions.Col("id") * 2).Alias("x"));
        (await derived.CountAsync()).Should().Be(10);
        return df.Relation.CachedRemoteRelation.RelationId;
    }
}

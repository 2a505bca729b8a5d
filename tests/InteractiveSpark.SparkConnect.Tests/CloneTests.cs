namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>A cloned session starts with its parent's settings and views, then lives its own life (real server).</summary>
[Collection(SparkCollection.Name)]
public sealed class CloneTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_clone_has_its_parents_view_and_setting_then_diverges()
    {
        await using var parent = await spark.ConnectAsync();
        await (await parent.SqlAsync("CREATE OR REPLACE TEMP VIEW clone_view AS SELECT id FROM range(4)")).CollectAsync();
        await parent.Conf.SetAsync("spark.sql.shuffle.partitions", "11");

        await using var clone = await parent.CloneAsync();
        clone.SessionId.Should().NotBe(parent.SessionId);
        clone.ServerSideSessionId.Should().NotBe(parent.ServerSideSessionId);
        (await clone.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("11");
        (await (await clone.SqlAsync("SELECT count(*) AS n FROM clone_view")).CollectAsync())[0].Get<long>("n").Should().Be(4);

        // Diverges: each side's later changes stay its own.
        await clone.Conf.SetAsync("spark.sql.shuffle.partitions", "3");
        await (await clone.SqlAsync("CREATE OR REPLACE TEMP VIEW clone_only AS SELECT 1 AS one")).CollectAsync();
        await (await parent.SqlAsync("CREATE OR REPLACE TEMP VIEW clone_view AS SELECT id FROM range(9)")).CollectAsync();

        (await parent.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("11");
        (await parent.Catalog.TableExistsAsync("clone_only")).Should().BeFalse();
        (await (await clone.SqlAsync("SELECT count(*) AS n FROM clone_view")).CollectAsync())[0].Get<long>("n").Should().Be(4);
    }
}

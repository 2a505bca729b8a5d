using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive.Tests;

/// <summary><c>#!spark-connect --name B --fork A</c> against a real Spark Connect server, in an in-process kernel.</summary>
[Collection(SparkCollection.Name)]
public sealed class ForkMagicTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_fork_starts_with_its_parents_views_goes_its_own_way_and_ends_alone_or_with_its_parent()
    {
        using var kernel = await InProcessKernel.StartAsync();
        (await kernel.RunAsync($"#!spark-connect --name forkA --url {spark.Url}")).Error.Should().BeNull();
        (await kernel.RunAsync("#!forkA\nCREATE OR REPLACE TEMPORARY VIEW fork_seen AS SELECT 41 AS x")).Error.Should().BeNull();

        var fork = await kernel.RunAsync("#!spark-connect --name forkB --fork forkA --conf spark.sql.shuffle.partitions=3");

        fork.Error.Should().BeNull();
        fork.LastOutput.Should().StartWith("forkB: fork of forkA (session ").And.Contain("stopping forkA ends it too");
        kernel.CSharp.TryGetValue<SparkSession>("forkA", out var a).Should().BeTrue();
        kernel.CSharp.TryGetValue<SparkSession>("forkB", out var b).Should().BeTrue();
        b.SessionId.Should().NotBe(a.SessionId);

        // The parent's temp view is in the fork (its own #!forkB SQL kernel); a setting made in the fork stays there.
        (await kernel.RunAsync("#!forkB\nSELECT x + 1 AS y FROM fork_seen")).LastOutput.Should().Contain("|42|");
        (await kernel.RunAsync("await forkB.Conf.SetAsync(\"spark.sql.session.timeZone\", \"Asia/Tokyo\");")).Error.Should().BeNull();
        (await b.Conf.GetAsync("spark.sql.session.timeZone")).Should().Be("Asia/Tokyo");
        (await a.Conf.GetAsync("spark.sql.session.timeZone")).Should().NotBe("Asia/Tokyo");
        (await b.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("3", "--conf sets the fork's own settings");
        (await a.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().NotBe("3");

        (await kernel.RunAsync("#!spark-sessions")).LastOutput.Should().MatchRegex(@"(?m)^forkB\s+fork of forkA\s+");

        var stop = await kernel.RunAsync("#!spark-stop --name forkB");
        stop.Error.Should().BeNull();
        stop.LastOutput.Should().MatchRegex(@"^forkB: stopped \(fork session [0-9a-f-]{36} released; forkA and its driver keep running\)\.$");
        (await kernel.RunAsync("#!forkB\nSELECT 1")).Error.Should().Contain("The Spark session 'forkB' is not open");
        (await kernel.RunAsync("#!forkA\nSELECT x FROM fork_seen")).LastOutput.Should().Contain("|41|", "the parent works on");

        (await kernel.RunAsync("#!spark-connect --name forkC --fork forkA")).Error.Should().BeNull();
        var stopParent = await kernel.RunAsync("#!spark-stop --name forkA");
        stopParent.Error.Should().BeNull();
        stopParent.LastOutput.Should().MatchRegex(@"^forkA: stopped \(session [0-9a-f-]{36} closed; its fork forkC ended with it\)\.$");
        (await kernel.RunAsync("#!forkC\nSELECT 1")).Error.Should().Contain("The Spark session 'forkC' is not open");
        (await kernel.RunAsync("#!spark-sessions")).LastOutput.Should().StartWith("No Spark sessions are open");
    }
}

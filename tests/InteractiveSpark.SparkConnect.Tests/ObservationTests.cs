namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Observed metrics (df.Observe) come back with an action's results into the Observation (real server).</summary>
[Collection(SparkCollection.Name)]
public sealed class ObservationTests(SparkServerFixture spark)
{
    [Fact]
    public async Task An_observation_has_its_metrics_after_an_action_and_serves_one_DataFrame()
    {
        await using var session = await spark.ConnectAsync();
        var stats = new Observation("obs_stats");
        stats.HasValues.Should().BeFalse();
        var read = () => stats.Values;
        read.Should().Throw<InvalidOperationException>().WithMessage("*run an action*");

        var observed = session.Range(100).Observe(stats,
            Functions.Count(Functions.Lit(1)).Alias("rows"), Functions.Max("id").Alias("top"), Functions.Sum("id").Alias("total"));
        var rows = await observed.Filter(Functions.Col("id") < 10).CollectAsync();

        rows.Should().HaveCount(10);
        stats.HasValues.Should().BeTrue();
        stats.Values["rows"].Should().Be(100L);
        stats.Values["top"].Should().Be(99L);
        stats.Values["total"].Should().Be(4950L);

        var again = () => session.Range(3).Observe(stats, Functions.Count(Functions.Lit(1)).Alias("n"));
        again.Should().Throw<InvalidOperationException>().WithMessage("*already used*");

        // Another action over the same DataFrame updates it; a streaming-style name-only Observe runs too.
        (await session.Range(7).Observe(new Observation("obs_count"), Functions.Count(Functions.Lit(1)).Alias("n")).CountAsync()).Should().Be(7);
        (await session.Range(5).Observe("obs_named", Functions.Count(Functions.Lit(1)).Alias("n")).CountAsync()).Should().Be(5);
    }
}

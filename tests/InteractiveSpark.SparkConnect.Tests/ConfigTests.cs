namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>RuntimeConfig against a real server: each session has its own settings.</summary>
[Collection(SparkCollection.Name)]
public sealed class ConfigTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Set_get_unset_and_defaults_of_a_setting()
    {
        await using var session = await spark.ConnectAsync();
        var key = "ispark.test." + Guid.NewGuid().ToString("N");

        (await session.Conf.GetOptionAsync(key)).Should().BeNull();
        (await session.Conf.GetAsync(key, "fallback")).Should().Be("fallback");
        (await FluentActions.Awaiting(() => session.Conf.GetAsync(key)).Should().ThrowExactlyAsync<SparkException>())
            .Which.ErrorClass.Should().Be("SQL_CONF_NOT_FOUND");

        await session.Conf.SetAsync(key, "v1");
        (await session.Conf.GetAsync(key)).Should().Be("v1");
        (await session.Conf.GetOptionAsync(key)).Should().Be("v1");
        (await session.Conf.GetAsync(key, "fallback")).Should().Be("v1");

        await session.Conf.UnsetAsync(key);
        (await session.Conf.GetOptionAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task Typed_setters_write_values_as_Spark_does_and_the_setting_takes_effect()
    {
        await using var session = await spark.ConnectAsync();

        await session.Conf.SetAsync("spark.sql.shuffle.partitions", 7L);
        await session.Conf.SetAsync("spark.sql.ansi.enabled", false);

        (await session.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("7");
        (await session.Conf.GetAsync("spark.sql.ansi.enabled")).Should().Be("false");
        // Without ANSI, division by zero is NULL instead of an error: the server really uses the setting.
        var responses = await TestPlans.RunAsync(session, "SELECT 1 / (id - id) FROM range(1)");
        TestPlans.CountRows(responses).Should().Be(1);

        // Another session does not see this session's settings.
        await using var other = await spark.ConnectAsync();
        (await other.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().NotBe("7");
    }

    [Fact]
    public async Task Several_settings_at_once_and_GetAll_with_a_prefix()
    {
        await using var session = await spark.ConnectAsync();
        var prefix = "ispark.test." + Guid.NewGuid().ToString("N") + ".";

        await session.Conf.SetAsync(new Dictionary<string, string> { [prefix + "b"] = "2", [prefix + "a"] = "1" });

        var all = await session.Conf.GetAllAsync(prefix);
        all.Should().BeEquivalentTo(new Dictionary<string, string> { [prefix + "a"] = "1", [prefix + "b"] = "2" });
        (await session.Conf.GetAllAsync()).Should().ContainKey(prefix + "a").And.ContainKey("spark.app.name");
    }

    [Fact]
    public async Task IsModifiable_tells_runtime_settings_from_static_ones()
    {
        await using var session = await spark.ConnectAsync();

        (await session.Conf.IsModifiableAsync("spark.sql.shuffle.partitions")).Should().BeTrue();
        (await session.Conf.IsModifiableAsync("spark.sql.warehouse.dir")).Should().BeFalse();
        (await session.Conf.IsModifiableAsync("spark.executor.memory")).Should().BeFalse();

        var error = (await FluentActions.Awaiting(() => session.Conf.SetAsync("spark.sql.warehouse.dir", "/tmp/nope"))
            .Should().ThrowExactlyAsync<SparkException>()).Which;
        error.ErrorClass.Should().Be("CANNOT_MODIFY_STATIC_CONFIG");
        error.Message.Should().Contain("spark.sql.warehouse.dir");
    }

    [Fact]
    public async Task Warnings_from_the_server_are_surfaced()
    {
        await using var session = await spark.ConnectAsync();

        await session.Conf.SetAsync("spark.sql.execution.arrow.fallback.enabled", "false");

        session.Conf.Warnings.Should().ContainSingle()
            .Which.Should().Contain("spark.sql.execution.arrow.fallback.enabled").And.Contain("deprecated");
        (await session.Conf.GetAsync("spark.sql.execution.arrow.fallback.enabled")).Should().Be("false", "a warning is not a refusal");
        await session.Conf.GetOptionAsync("spark.sql.shuffle.partitions");
        session.Conf.Warnings.Should().BeEmpty("warnings belong to the most recent call");
    }
}

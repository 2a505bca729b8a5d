using InteractiveSpark.Magics;
using InteractiveSpark.Sessions;
namespace InteractiveSpark.Interactive.Tests;

public sealed class SparkConnectOptionsTests
{
    [Fact]
    public void A_url_session_keeps_host_port_and_token_and_never_shows_the_token()
    {
        var options = SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Url = "sc://localhost:15003/;token=s3cr3t" });

        options.Name.Should().Be("dev");
        options.Launcher.Should().Be(SparkLauncherKind.Url);
        options.Url!.Host.Should().Be("localhost");
        options.Url.Port.Should().Be(15003);
        options.Url.Token.Should().Be("s3cr3t");
        options.Url.ToString().Should().NotContain("s3cr3t");
        options.StartupTimeout.Should().Be(SparkConnectOptions.DefaultStartupTimeout);
    }

    [Fact]
    public void A_local_session_takes_master_memory_timeout_and_every_conf()
    {
        var options = SparkConnectOptions.Parse(new SparkConnectValues
        {
            Name = "local1", Launcher = "local", Master = "local[1]", DriverMemory = "1g", StartupTimeout = "90",
            Conf = ["spark.sql.shuffle.partitions=4", "spark.ui.showConsoleProgress = false"],
        });

        options.Launcher.Should().Be(SparkLauncherKind.Local);
        options.Url.Should().BeNull();
        options.Master.Should().Be("local[1]");
        options.DriverMemory.Should().Be("1g");
        options.StartupTimeout.Should().Be(TimeSpan.FromSeconds(90));
        options.Conf.Should().Equal(new Dictionary<string, string>
        {
            ["spark.sql.shuffle.partitions"] = "4",
            ["spark.ui.showConsoleProgress"] = "false",
        });
    }

    [Theory]
    [InlineData(null, "sc://h", null, "Give the session a name")]
    [InlineData("2dev", "sc://h", null, "cannot be a session name")]
    [InlineData("class", "sc://h", null, "cannot be a session name")]
    [InlineData("my-session", "sc://h", null, "cannot be a session name")]
    [InlineData("dev", null, null, "Say where Spark runs")]
    [InlineData("dev", "sc://h", "local", "either --url")]
    [InlineData("dev", null, "kubernetes", "Unknown launcher 'kubernetes'")]
    [InlineData("dev", null, "marathon", "--launcher marathon needs Marathon's address")]
    [InlineData("dev", "http://h:15002", null, "--url: A Spark Connect URL starts with sc://")]
    public void Bad_input_gets_one_message_that_says_what_to_do(string? name, string? url, string? launcher, string expected)
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = name, Url = url, Launcher = launcher });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void A_plain_http_Marathon_on_another_host_is_refused_unless_allowed_and_loopback_is_accepted()
    {
        var remote = new SparkConnectValues { Name = "dev", Launcher = "marathon", Marathon = "http://marathon.example:8080" };
        FluentActions.Invoking(() => SparkConnectOptions.Parse(remote)).Should().Throw<SparkMagicException>()
            .Which.Message.Should().Contain("plain http://").And.Contain("--allow-http-marathon").And.Contain("unencrypted");
        SparkConnectOptions.Parse(remote with { AllowHttpMarathon = true }).AllowHttpMarathon.Should().BeTrue();
        SparkConnectOptions.Parse(remote with { Marathon = "https://marathon.example:8443" }).Marathon!.Scheme.Should().Be("https");
        SparkConnectOptions.Parse(remote with { Marathon = "http://127.0.0.1:8080" }).Marathon!.IsLoopback.Should().BeTrue();
    }

    [Fact]
    public void A_bad_url_message_does_not_show_the_token()
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Url = "sc://h:notaport/;token=s3cr3t" });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().NotContain("s3cr3t").And.StartWith("--url:");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("4000")]
    public void The_startup_timeout_is_a_duration_between_1s_and_1h(string timeout)
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Launcher = "local", StartupTimeout = timeout });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain("--startup-timeout takes a duration between 1s and 1h");
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=x")]
    public void Conf_takes_key_equals_value(string conf)
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Launcher = "local", Conf = [conf] });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain("--conf takes key=value");
    }

    [Fact]
    public void Local_only_options_are_refused_with_a_url()
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Url = "sc://h", Master = "local[4]" });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain("--master applies to a server this notebook starts");
    }

    [Fact]
    public void A_fork_takes_its_parent_and_its_own_conf_and_starts_nothing()
    {
        var options = SparkConnectOptions.Parse(SparkConnectValues.FromLine("#!spark-connect --name b --fork a --conf spark.sql.shuffle.partitions=3"));

        options.Name.Should().Be("b");
        options.Fork.Should().Be("a");
        options.Attach.Should().BeFalse();
        options.Conf.Should().Equal(new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "3" });
        SparkConnectOptions.Parse(SparkConnectValues.FromLine("#!connect spark --kernel-name b --fork a")).Fork.Should().Be("a");
    }

    [Theory]
    [InlineData("#!spark-connect --name b --fork", "--fork needs a value")]
    [InlineData("#!spark-connect --name b --fork b", "--fork b names the new session itself")]
    [InlineData("#!spark-connect --name b --fork 9a", "--fork takes the name of a session open in this notebook")]
    [InlineData("#!spark-connect --name b --fork a --fork c", "--fork is given more than once")]
    [InlineData("#!spark-connect --name b --fork a --launcher local", "--fork runs the new session on the driver of a, so nothing starts: remove --launcher")]
    [InlineData("#!spark-connect --name b --fork a --url sc://h:15002", "remove --url")]
    [InlineData("#!spark-connect --name b --fork a --executors 2", "remove --executors")]
    [InlineData("#!spark-connect --name b --fork a --allow-http-marathon", "remove --allow-http-marathon")]
    [InlineData("#!spark-connect --name b --fork a --attach", "Use --attach (take over a session an earlier kernel left) or --fork (clone a session open here), not both.")]
    [InlineData("#!spark-connect --name b --fork a --keep-alive", "give --keep-alive to that session instead")]
    [InlineData("#!spark-connect --name b --fork a --conf oops", "--conf takes key=value")]
    public void A_bad_fork_is_one_line(string line, string expected)
    {
        var parse = () => SparkConnectOptions.Parse(SparkConnectValues.FromLine(line));

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain(expected).And.NotContain("\n");
    }
}

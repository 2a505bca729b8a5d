namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Parsing and printing sc:// connection strings; no server involved.</summary>
public sealed class ConnectionStringTests
{
    [Fact]
    public void A_bare_host_gets_the_default_port_and_no_TLS()
    {
        var cs = SparkConnectionString.Parse("sc://spark.example.com");

        cs.Host.Should().Be("spark.example.com");
        cs.Port.Should().Be(15002);
        cs.UseSsl.Should().BeFalse();
        cs.Token.Should().BeNull();
        cs.GrpcAddress.Should().Be(new Uri("http://spark.example.com:15002"));
    }

    [Fact]
    public void Every_parameter_is_read()
    {
        var id = Guid.NewGuid();
        var cs = SparkConnectionString.Parse($"sc://h:443/;token=abc%3D%3D;use_ssl=true;user_id=bob;user_agent=my%20app;session_id={id}");

        cs.Port.Should().Be(443);
        cs.Token.Should().Be("abc==");
        cs.UseSsl.Should().BeTrue();
        cs.UserId.Should().Be("bob");
        cs.UserAgent.Should().Be("my app");
        cs.SessionId.Should().Be(id.ToString());
        cs.GrpcAddress.Should().Be(new Uri("https://h:443"));
    }

    [Fact]
    public void ToString_hides_the_token_and_ToSecretString_round_trips()
    {
        var cs = SparkConnectionString.Parse("sc://h:1/;token=s3cr3t;use_ssl=true");

        cs.ToString().Should().Be("sc://h:1/;token=***;use_ssl=true");
        SparkConnectionString.Parse(cs.ToSecretString()).Should().Be(cs);
    }

    [Theory]
    [InlineData("http://h:15002", "starts with sc://")]
    [InlineData("sc://h:99999", "not a number from 1 to 65535")]
    [InlineData("sc://h:15002/;colour=blue", "Unknown Spark Connect URL parameter 'colour'")]
    [InlineData("sc://h/;session_id=abc", "must be a UUID")]
    [InlineData("sc://h/;use_ssl=yes", "takes true or false")]
    [InlineData("sc://", "names no host")]
    [InlineData("sc://h/;token=", "has an empty token")]
    [InlineData("sc://h/;token= ;use_ssl=true", "has an empty token")]
    public void Invalid_strings_say_what_is_wrong(string text, string expected)
    {
        FluentActions.Invoking(() => SparkConnectionString.Parse(text)).Should().Throw<FormatException>().WithMessage($"*{expected}*");
        SparkConnectionString.TryParse(text, out var result, out var error).Should().BeFalse();
        result.Should().BeNull();
        error.Should().Contain(expected);
    }

    [Fact]
    public void Errors_never_show_the_token()
    {
        FluentActions.Invoking(() => SparkConnectionString.Parse("http://h/;token=topsecret"))
            .Should().Throw<FormatException>().Which.Message.Should().NotContain("topsecret");
    }

    [Theory]
    [InlineData("sc://localhost", true)]
    [InlineData("sc://LOCALHOST:1", true)]
    [InlineData("sc://127.0.0.1", true)]
    [InlineData("sc://127.8.9.10", true)]
    [InlineData("sc://[::1]:15002", true)]
    [InlineData("sc://10.0.0.1", false)]
    [InlineData("sc://spark.example.com", false)]
    public void Loopback_hosts_are_recognised(string text, bool loopback) =>
        SparkConnectionString.Parse(text).IsLoopback.Should().Be(loopback);

    [Fact]
    public void An_IPv6_host_is_bracketed_in_the_address()
    {
        var cs = SparkConnectionString.Parse("sc://[::1]:7000");

        cs.Host.Should().Be("::1");
        cs.GrpcAddress.Should().Be(new Uri("http://[::1]:7000"));
    }

    [Fact]
    public void A_token_travels_in_clear_only_to_loopback()
    {
        FluentActions.Invoking(() => SparkConnectionString.Parse("sc://10.0.0.1/;token=t").EnsureTokenIsProtected())
            .Should().Throw<InvalidOperationException>().WithMessage("*use_ssl=true*");
        FluentActions.Invoking(() => SparkConnectionString.Parse("sc://10.0.0.1/;token=t;use_ssl=true").EnsureTokenIsProtected())
            .Should().NotThrow();
        FluentActions.Invoking(() => SparkConnectionString.Parse("sc://localhost/;token=t").EnsureTokenIsProtected())
            .Should().NotThrow();
        FluentActions.Invoking(() => SparkConnectionString.Parse("sc://10.0.0.1").EnsureTokenIsProtected())
            .Should().NotThrow();
    }

    [Fact]
    public async Task ConnectAsync_refuses_a_clear_token_to_a_remote_host_and_rejects_bad_strings()
    {
        (await FluentActions.Awaiting(() => SparkSession.ConnectAsync("sc://spark.example.com:15002/;token=t"))
            .Should().ThrowExactlyAsync<SparkException>()).Which.Message.Should().Contain("Refusing to send a token in clear");
        await FluentActions.Awaiting(() => SparkSession.ConnectAsync("spark://h"))
            .Should().ThrowAsync<FormatException>();
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_the_option_named()
    {
        var url = SparkConnectionString.Parse("sc://localhost");

        FluentActions.Invoking(() => new SparkConnectClient(url, new SparkSessionOptions { ConnectTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentException>().WithMessage("*ConnectTimeout*");
        FluentActions.Invoking(() => new SparkConnectClient(url, new SparkSessionOptions { PinnedServerCertificateSha256 = "abc" }))
            .Should().Throw<ArgumentException>().WithMessage("*64 hex digits*");
    }
}

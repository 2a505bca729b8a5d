namespace InteractiveSpark.Core.Tests;

public sealed class SessionTokenTests
{
    [Fact]
    public void New_tokens_are_prefixed_random_and_long()
    {
        var a = SessionToken.New();
        var b = SessionToken.New();
        a.Should().StartWith(SessionToken.Prefix).And.HaveLength(SessionToken.Prefix.Length + 64);
        a.Should().NotBe(b);
        SessionToken.ContainsSecret(a).Should().BeTrue();
    }

    [Theory]
    [InlineData("connected with {0} ok", "connected with [redacted] ok")]
    [InlineData("sc://host:443/;use_ssl=true;token=abc123secret;user_id=me", "sc://host:443/;use_ssl=true;token=[redacted];user_id=me")]
    [InlineData("Authorization: Bearer abcdefghijkl", "Authorization: Bearer [redacted]")]
    [InlineData("--conf spark.connect.authenticate.token=s3cr3tvalue --conf a=b", "--conf spark.connect.authenticate.token=[redacted] --conf a=b")]
    [InlineData("sasl.password=hunter22&x=1", "sasl.password=[redacted]&x=1")]
    [InlineData("{\"password\": \"hunter22\", \"user\": \"me\"}", "{\"password\": \"[redacted]\", \"user\": \"me\"}")]
    [InlineData("https://marathon:8080/v2/apps?api_key=k-123", "https://marathon:8080/v2/apps?api_key=[redacted]")]
    public void Redact_hides_secrets_and_keeps_the_rest(string template, string expected)
    {
        var token = SessionToken.New();
        var text = template.Replace("{0}", token, StringComparison.Ordinal);
        var redacted = SessionToken.Redact(text);
        redacted.Should().Be(expected);
        redacted.Should().NotContain(token);
        SessionToken.ContainsSecret(redacted).Should().BeFalse("a redacted text must not be flagged again");
    }

    [Theory]
    [InlineData("Spark session 1f0c connected to localhost:15002 (Spark 4.2.0, TLS True)")]
    [InlineData("the token was refused")]
    [InlineData("SELECT password_hint FROM users")]
    public void Redact_leaves_ordinary_text_alone(string text)
    {
        SessionToken.Redact(text).Should().Be(text);
        SessionToken.ContainsSecret(text).Should().BeFalse();
    }
}

namespace InteractiveSpark.Core.Tests;

/// <summary>The one duration grammar: what users type today for the gateway, the Kafka magics and #!spark-connect.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("90", 90_000)] // a plain number is seconds (--startup-timeout 180, the gateway's flags)
    [InlineData("180s", 180_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("30m", 1_800_000)]
    [InlineData("30 m", 1_800_000)]
    [InlineData("2H", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("500ms", 500)]
    [InlineData(" 10m ", 600_000)]
    [InlineData("0", 0)] // each caller says what zero means (often: never)
    [InlineData("00:30:00", 1_800_000)] // the gateway took TimeSpan's own format
    [InlineData("1.00:00:00", 86_400_000)]
    public void Reads_what_users_write(string text, long milliseconds)
    {
        Duration.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("-5s")]
    [InlineData("1e3s")]
    [InlineData("5x")]
    [InlineData("5 minutes")]
    [InlineData("1,5m")]
    [InlineData("NaN")]
    [InlineData("-00:10:00")]
    [InlineData("99999999d")] // about 270,000 years: a typing mistake
    public void Refuses_anything_else(string? text)
    {
        Duration.TryParse(text, out var parsed).Should().BeFalse();
        parsed.Should().Be(TimeSpan.Zero);
    }
}

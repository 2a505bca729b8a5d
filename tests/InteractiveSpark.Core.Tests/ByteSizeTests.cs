namespace InteractiveSpark.Core.Tests;

/// <summary>The one size grammar of sessions and jobs (Docker's own): what a user may type for --memory.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512m", 512L << 20)]
    [InlineData("4g", 4L << 30)]
    [InlineData("4G", 4L << 30)]
    [InlineData("4GB", 4L << 30)]
    [InlineData("4 g", 4L << 30)]
    [InlineData(" 1.5g ", 3L << 29)]
    [InlineData("1024k", 1L << 20)]
    [InlineData("1t", 1L << 40)]
    [InlineData("1048576", 1L << 20)]
    [InlineData("1048576b", 1L << 20)]
    public void Reads_what_docker_run_memory_reads(string text, long bytes)
    {
        ByteSize.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-4g")]
    [InlineData("1e3g")] // an exponent: the job launcher once read this as a terabyte
    [InlineData("NaNg")]
    [InlineData("Infinity")]
    [InlineData("4x")]
    [InlineData("4  g")]
    [InlineData("4gib")]
    [InlineData("2048t")] // above a petabyte
    [InlineData("99999999999999999999t")] // used to become long.MaxValue bytes and reach Docker
    [InlineData("1,5g")]
    public void Refuses_anything_else(string text)
    {
        ByteSize.TryParse(text, out var parsed).Should().BeFalse();
        parsed.Should().Be(0);
        var refuse = () => ByteSize.Parse(text, "--memory");
        refuse.Should().Throw<ArgumentException>().WithMessage("--memory takes a size such as 512m or 4g*");
    }
}

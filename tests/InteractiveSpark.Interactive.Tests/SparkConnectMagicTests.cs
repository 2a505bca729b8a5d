using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InteractiveSpark.Magics;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>#!spark-connect and #!connect spark in an in-process kernel: parsing, messages, what is left behind.</summary>
public sealed class SparkConnectMagicTests
{
    [Fact]
    public async Task Loading_prints_one_line_and_registers_both_directives()
    {
        using var kernel = await InProcessKernel.StartAsync();

        kernel.LoadOutput.Should().Equal(SparkKernelExtension.LoadedMessage);
        kernel.Root.KernelInfo.SupportedDirectives.Select(d => d.Name).Should().Contain(["#!spark-connect", "#!connect"]);
    }

    [Fact]
    public async Task Loading_twice_registers_nothing_twice()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var again = await kernel.RunAsync("await InteractiveSpark.Interactive.SparkKernelExtension.LoadAsync(Microsoft.DotNet.Interactive.Kernel.Root);");

        again.Error.Should().BeNull();
        again.Outputs.Should().Equal($"InteractiveSpark {SparkKernelExtension.Version} is already loaded.");
        kernel.Root.KernelInfo.SupportedDirectives.Count(d => d.Name == "#!spark-connect").Should().Be(1);
    }

    [Theory]
    [InlineData("#!spark-connect --name dev", "Say where Spark runs: --url sc://host:15002")]
    [InlineData("#!spark-connect --name dev --launcher marathon", "--launcher marathon needs Marathon's address: --marathon http")]
    [InlineData("#!spark-connect --name dev --launcher marathon --marathon http://alice:pw123@marathon:8080", "Put no credentials in --marathon")]
    [InlineData("#!spark-connect --name dev --launcher marathon --marathon https://m:8443 --constraint hostname:UNIQUE --constraint rack", "--constraint takes field:OPERATOR")]
    [InlineData("#!spark-connect --name dev --launcher marathon --marathon https://m:8443 --prefix x", "a Marathon session goes under --group")]
    [InlineData("#!spark-connect --name dev --launcher marathon --marathon http://m:8080", "Use https://, or accept this with --allow-http-marathon")]
    [InlineData("#!spark-connect --name dev --url sc://localhost:1", "Nothing listens at localhost:1 (connection refused)")]
    [InlineData("#!spark-connect --name dev --launcher docker --group staging-analytics", "--group applies to --launcher marathon")]
    [InlineData("#!connect spark --kernel-name dev --launcher marathon --marathon https://m:8443 --label owner", "--label takes key=value")]
    [InlineData("#!spark-connect --name 9lives --url sc://localhost:15002", "'9lives' cannot be a session name")]
    [InlineData("#!spark-connect --name dev --url sc://localhost:15002 --conf a=1", "--conf applies to a server this notebook starts")]
    [InlineData("#!connect spark --kernel-name dev", "Say where Spark runs")]
    [InlineData("#!spark-connect --name b --fork nowhere", "--fork nowhere: no Spark session of that name is open in this notebook (none is open)")]
    [InlineData("#!spark-connect --name b --fork a --launcher docker", "remove --launcher")]
    public async Task Bad_input_fails_the_cell_with_one_clear_message(string cell, string expected)
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync(cell);

        result.Error.Should().Contain(expected);
        result.Error.Should().NotContain("   at ", "the message stands alone, without a stack trace");
    }

    [Fact]
    public async Task Every_repeated_conf_reaches_the_handler()
    {
        using var kernel = await InProcessKernel.StartAsync();

        // The second --conf is malformed: the message proves the binding passed both, not just the first.
        var result = await kernel.RunAsync("#!spark-connect --name dev --launcher local --conf spark.a=1 --conf oops");

        result.Error.Should().Contain("--conf takes key=value, e.g. --conf spark.sql.shuffle.partitions=8; got 'oops'");
    }

    [Fact]
    public async Task Every_repeated_conf_of_connect_spark_reaches_the_handler()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync("#!connect spark --kernel-name dev --launcher local --conf spark.a=1 --conf \"spark.b = x y\" --conf oops");

        result.Error.Should().Contain("got 'oops'");
    }

    [Fact]
    public async Task A_single_conf_is_checked_too()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync("#!spark-connect --name dev --launcher local --conf oops");

        result.Error.Should().Contain("got 'oops'");
    }

    [Fact]
    public void Directive_lines_split_on_spaces_and_quotes_group()
    {
        MagicLine.Tokenize("#!spark-connect  --name dev --conf \"a=b c\" --conf x=\"\"")
            .Should().Equal("#!spark-connect", "--name", "dev", "--conf", "a=b c", "--conf", "x=");
    }

    [Fact]
    public async Task A_missing_name_is_reported_by_the_directive_parser()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync("#!spark-connect --url sc://localhost:15002");

        result.Error.Should().Contain("--name");
    }

    [Fact]
    public async Task An_unreachable_url_fails_within_the_timeout_without_the_token_and_leaves_no_session()
    {
        using var kernel = await InProcessKernel.StartAsync();
        var port = ClosedPort();

        var watch = Stopwatch.StartNew();
        var result = await kernel.RunAsync($"#!spark-connect --name dev --url sc://localhost:{port}/;token=s3cr3t --startup-timeout 10");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        result.Error.Should().StartWith("dev: ");
        result.Error.Should().NotContain("s3cr3t").And.NotContain("   at ");
        string.Join("\n", result.Outputs).Should().NotContain("s3cr3t");
        result.LastOutput.Should().StartWith("dev: failed after");
        SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().BeEmpty();
        kernel.CSharp.TryGetValue<object>("dev", out _).Should().BeFalse();

        // The name is free again: the next attempt is not refused as "already open".
        var again = await kernel.RunAsync($"#!spark-connect --name dev --url sc://localhost:{port} --startup-timeout 5");
        again.Error.Should().NotContain("already open");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

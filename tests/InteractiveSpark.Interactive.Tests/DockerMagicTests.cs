using System.Diagnostics;
using InteractiveSpark.Magics;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>The options of <c>#!spark-connect --launcher docker</c> (no Docker needed).</summary>
public sealed class DockerOptionsTests
{
    [Fact]
    public void Docker_options_are_parsed()
    {
        var options = SparkConnectOptions.Parse(new SparkConnectValues
        {
            Name = "dev", Launcher = "docker", Image = "my/driver:1", Cpus = "1.5", Memory = "4g", Executors = "2",
            Conf = ["spark.sql.shuffle.partitions=8"], IdleTimeout = "20m", Prefix = "staging-analytics", DriverMemory = "2g",
        });

        options.Launcher.Should().Be(SparkLauncherKind.Docker);
        options.Image.Should().Be("my/driver:1");
        options.Cpus.Should().Be(1.5);
        options.Memory.Should().Be("4g");
        options.Executors.Should().Be(2);
        options.IdleTimeout.Should().Be(TimeSpan.FromMinutes(20));
        options.Prefix.Should().Be("staging-analytics");
        options.DriverMemory.Should().Be("2g");
        options.Conf.Should().Equal(new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "8" });
    }

    [Theory]
    [InlineData("docker", "sc://h:1", null, null, null, "not both")]
    [InlineData("docker", null, "x", null, null, "--executors takes a whole number from 0 to 64")]
    [InlineData("docker", null, "65", null, null, "--executors takes a whole number from 0 to 64")]
    [InlineData("docker", null, null, "100m", null, "--memory takes a size of at least 512m")]
    [InlineData("docker", null, null, "lots", null, "--memory takes a size of at least 512m")]
    [InlineData("docker", null, null, null, "0", "--cpus takes a positive number")]
    [InlineData("local", null, "2", null, null, "--executors applies to a driver container (--launcher docker or marathon)")]
    [InlineData(null, "sc://h:1", null, "4g", null, "--memory applies to a driver container (--launcher docker or marathon)")]
    public void Bad_docker_options_get_one_message_that_says_what_to_do(string? launcher, string? url, string? executors, string? memory, string? cpus, string expected)
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues
        {
            Name = "dev", Launcher = launcher, Url = url, Executors = executors, Memory = memory, Cpus = cpus,
        });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void A_master_does_not_apply_to_docker()
    {
        var parse = () => SparkConnectOptions.Parse(new SparkConnectValues { Name = "dev", Launcher = "docker", Master = "local[1]" });

        parse.Should().Throw<SparkMagicException>().Which.Message.Should().Contain("--master applies to --launcher local");
    }
}

/// <summary>
/// <c>#!spark-connect --launcher docker</c> on the real Docker engine with the images of <c>docker/build-test-images</c>
/// (the test runs it: cached, a few seconds when nothing changed; it fails with the script's output when it cannot).
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class DockerMagicTests
{
    [Fact]
    public async Task A_docker_session_becomes_a_variable_runs_queries_and_disposing_the_kernel_removes_its_container()
    {
        await EnsureImagesAsync();
        var prefix = "itest-" + Guid.NewGuid().ToString("N")[..8];
        var kernel = await InProcessKernel.StartAsync();
        try
        {
            var result = await kernel.RunAsync(
                $"#!spark-connect --name dk --launcher docker --prefix {prefix} --conf spark.sql.shuffle.partitions=3 --idle-timeout 10m --startup-timeout 240",
                TimeSpan.FromMinutes(5));

            result.Error.Should().BeNull();
            result.LastOutput.Should().MatchRegex(
                @"^dk: Spark 4\.2\.0, Docker container " + prefix + @"-dk-[0-9a-f]{12} \(ispark-driver:test, local\[\*\]; gateway localhost:\d+, TLS pinned\), session [0-9a-f-]{36}, Spark UI https://localhost:\d+/ui/$");
            result.Outputs.Should().Contain(o => o.Contains("waiting for Spark behind the gateway", StringComparison.Ordinal), "the cell shows the launcher's phases");
            var partitions = await kernel.RunAsync("await dk.Conf.GetAsync(\"spark.sql.shuffle.partitions\")");
            partitions.Outputs.Should().Equal("3");
            var answer = await kernel.RunAsync("var product = await dk.SqlAsync(\"select 6 * 7\");\n(await product.CollectAsync())[0][0]!.ToString()");
            answer.Outputs.Should().Equal("42");
            kernel.CSharp.TryGetValue<SparkSession>("dk", out var session).Should().BeTrue();
            var open = SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().ContainSingle().Subject;
            open.Launcher.Should().Be(SparkLauncherKind.Docker);
            string.Join("\n", result.Outputs).Should().NotContain(open.Driver.ConnectionString.Token!);
            (await Containers(prefix)).Should().ContainSingle();
        }
        finally
        {
            kernel.Dispose();
        }

        (await Containers(prefix)).Should().BeEmpty("disposing the kernel removes the containers it started");
    }

    private static Task<IReadOnlyList<DockerSparkContainer>> Containers(string prefix) =>
        DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.PrefixLabel] = prefix });

    private static async Task EnsureImagesAsync()
    {
        var script = Repository.PathOf("docker", "build-test-images");
        var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(25));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"docker/build-test-images failed (exit code {process.ExitCode}; is Docker running? .ci/install-docker starts it):\n{await stdout}\n{await stderr}");
        }
    }
}

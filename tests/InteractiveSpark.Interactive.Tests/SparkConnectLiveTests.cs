using System.Diagnostics;
using System.Text.RegularExpressions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>#!spark-connect against a real Spark Connect server, in an in-process kernel.</summary>
[Collection(SparkCollection.Name)]
public sealed class SparkConnectLiveTests(SparkServerFixture spark)
{
    [Fact]
    public async Task A_url_session_becomes_a_csharp_variable_and_the_cell_ends_with_one_line()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync($"#!spark-connect --name dev --url {spark.Url}");

        result.Error.Should().BeNull();
        kernel.CSharp.TryGetValue<SparkSession>("dev", out var session).Should().BeTrue();
        result.LastOutput.Should().MatchRegex(
            $@"^dev: Spark 4\.\d+\.\d+\S*, sc://[^ /;]+:\d+, session {Regex.Escape(session.SessionId)}, (Spark UI http://\S+|no Spark UI advertised)$");
        AllText(result).Should().NotContain(spark.Token);

        var version = await kernel.RunAsync("await dev.VersionAsync()");
        version.Error.Should().BeNull();
        version.Outputs.Should().ContainSingle().Which.Should().StartWith("4.");
    }

    [Fact]
    public async Task The_notebook_log_records_the_connect_under_the_session_id_without_the_token()
    {
        using var kernel = await InProcessKernel.StartAsync();
        var result = await kernel.RunAsync($"#!spark-connect --name logged --url {spark.Url}");
        result.Error.Should().BeNull();
        kernel.CSharp.TryGetValue<SparkSession>("logged", out var session).Should().BeTrue();

        // Where the product log goes for a notebook (ISPARK_LOG_DIR in CI, the default folder elsewhere).
        var options = InteractiveSpark.Logging.LoggingOptions.FromEnvironment("notebook");
        string text = "";
        var deadline = DateTime.UtcNow.AddSeconds(10); // the file sink flushes every second
        while (DateTime.UtcNow < deadline && !text.Contains(session.SessionId, StringComparison.Ordinal))
        {
            await Task.Delay(200);
            text = string.Concat(Directory.GetFiles(options.Directory, "notebook-*.log").Select(ReadShared));
        }

        text.Should().MatchRegex($@"\[INF\] notebook session={Regex.Escape(session.SessionId)} InteractiveSpark.SparkConnect: Spark session {Regex.Escape(session.SessionId)} connected to ");
        text.Should().NotContain(spark.Token);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public async Task A_name_in_use_is_refused_and_the_first_session_stays()
    {
        using var kernel = await InProcessKernel.StartAsync();
        (await kernel.RunAsync($"#!spark-connect --name dev --url {spark.Url}")).Error.Should().BeNull();
        kernel.CSharp.TryGetValue<SparkSession>("dev", out var first).Should().BeTrue();

        var again = await kernel.RunAsync($"#!spark-connect --name dev --url {spark.Url}");

        again.Error.Should().Be("A Spark session named 'dev' is already open in this notebook; choose another --name.");
        kernel.CSharp.TryGetValue<SparkSession>("dev", out var still).Should().BeTrue();
        still.Should().BeSameAs(first);
    }

    [Fact]
    public async Task Connect_spark_with_a_kernel_name_declares_the_variable_too()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var result = await kernel.RunAsync($"#!connect spark --kernel-name ext --url {spark.Url}");

        result.Error.Should().BeNull();
        kernel.CSharp.TryGetValue<SparkSession>("ext", out _).Should().BeTrue();
        result.Outputs.Should().Contain(o => o.StartsWith("ext: Spark 4.", StringComparison.Ordinal));
        result.LastOutput.Should().Be("Kernel added: #!ext", "the Spark SQL kernel #!ext is added");
    }

    [Fact]
    public async Task A_wrong_token_fails_with_a_message_that_does_not_show_it()
    {
        using var kernel = await InProcessKernel.StartAsync();
        var wrong = Regex.Replace(spark.Url, "token=[^;]*", "token=not-the-token-0123") is var u && u.Contains("token=") ? u : spark.Url + "/;token=not-the-token-0123";

        var result = await kernel.RunAsync($"#!spark-connect --name dev --url {wrong} --startup-timeout 20");

        result.Error.Should().StartWith("dev: ");
        result.Error.Should().NotContain("not-the-token-0123").And.NotContain("   at ");
        kernel.CSharp.TryGetValue<SparkSession>("dev", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_local_launcher_starts_a_server_with_the_options_and_disposing_the_kernel_stops_it()
    {
        var kernel = await InProcessKernel.StartAsync();
        int pid;
        try
        {
            var result = await kernel.RunAsync(
                "#!spark-connect --name loc --launcher local --master local[1] --driver-memory 1g --conf spark.sql.shuffle.partitions=3 --conf spark.ui.enabled=false --startup-timeout 180",
                TimeSpan.FromMinutes(4));

            result.Error.Should().BeNull();
            result.LastOutput.Should().MatchRegex(@"^loc: Spark 4\.\d+\.\d+\S*, local process \d+ \(local\[1\]\), session [0-9a-f-]{36}, ");
            result.Outputs.First().Should().StartWith("loc: starting", "the cell shows progress before the result line");
            var partitions = await kernel.RunAsync("await loc.Conf.GetAsync(\"spark.sql.shuffle.partitions\")");
            partitions.Outputs.Should().Equal("3");
            var session = SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().ContainSingle().Subject;
            pid = ((InteractiveSpark.Sessions.Local.LocalSparkDriver)session.Driver).Server.ProcessId;
            Process.GetProcessById(pid).HasExited.Should().BeFalse();
        }
        finally
        {
            kernel.Dispose();
        }

        ProcessExists(pid).Should().BeFalse("disposing the kernel stops the servers it started");
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string AllText(CellResult result) => string.Join("\n", result.Outputs) + "\n" + result.Error;
}

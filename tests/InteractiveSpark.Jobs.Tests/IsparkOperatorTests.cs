using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// What an operator sees of the tool: `ispark run` leaves its lines in the product log (ISPARK_LOG_DIR), and
/// `ispark sessions --prune --marathon` removes a session whose driver ended and was relaunched by Marathon (the
/// emulator: real containers), which nothing else removes.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class IsparkOperatorTests(SparkServerFixture spark, MarathonEmulatorFixture marathon) : IClassFixture<MarathonEmulatorFixture>
{
    [Fact]
    public async Task A_real_run_writes_its_command_progress_result_and_exit_code_to_the_product_log_without_the_spark_token()
    {
        var folder = IsparkTool.NewRunFolder();
        var logs = Path.Combine(folder, "logs");
        var result = await IsparkTool.RunAsync(
            ["run", Path.Combine(IsparkTool.Root, "notebooks", "job-template.ipynb"), "-o", "out.ipynb", "-p", "rows=800"],
            folder,
            new Dictionary<string, string> { ["ISPARK_SPARK_URL"] = spark.Url, ["ISPARK_LOG_DIR"] = logs });

        result.ExitCode.Should().Be(0, result.Output);
        var files = Directory.GetFiles(logs, "ispark-*.log");
        files.Should().ContainSingle("the tool writes its own log file, ispark-<date>.log, where ISPARK_LOG_DIR says");
        var lines = File.ReadAllLines(files[0]);
        lines.Should().Contain(l => l.Contains("[INF] ispark session=- InteractiveSpark.Cli: ispark run started", StringComparison.Ordinal)
                                    && l.Contains("job-template.ipynb -o out.ipynb -p rows=800", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("ispark run: [6/6] cell 9 (id 'result'", StringComparison.Ordinal) && l.Contains(" ok, ", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("ispark run: job-template.ipynb completed in", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("ispark run ended with exit code 0 after", StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(logs))
        {
            File.ReadAllText(file).Should().NotContain(spark.Token, $"{Path.GetFileName(file)} must not hold the Spark token");
        }
    }

    [Fact]
    public async Task Sessions_prune_with_marathon_removes_a_session_whose_driver_ended_and_was_relaunched_and_leaves_a_live_one()
    {
        var startup = TimeSpan.FromSeconds(90);
        MarathonSparkLauncher Launcher(string name) => new(new MarathonSparkLauncherOptions
        {
            Marathon = marathon.Emulator.Url, Credentials = MarathonCredentials.Basic(MarathonEmulatorFixture.User, marathon.Password),
            Group = marathon.Group, Name = name, StartupTimeout = startup, Cpus = 0.5, Memory = "2g",
        });
        var created = DateTimeOffset.UtcNow;
        var ended = await Launcher("ended").StartAsync();
        await using var live = await Launcher("live").StartAsync();
        try
        {
            // The driver ends by itself after its startup window (as its idle timer would once the notebook died); Marathon starts another.
            var window = created + startup + TimeSpan.FromSeconds(6) - DateTimeOffset.UtcNow;
            if (window > TimeSpan.Zero)
            {
                await Task.Delay(window);
            }

            await marathon.Emulator.EndTaskAsync(ended.DriverAppId);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!(await ended.TasksAsync()).Any(t => t.Id != ended.DriverTaskId && t.AppId == ended.DriverAppId))
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "Marathon relaunches an ended task");
                await Task.Delay(500);
            }

            var folder = IsparkTool.NewRunFolder();
            var prune = await IsparkTool.RunAsync(
                ["sessions", "--prune", "--marathon", marathon.Emulator.Url.ToString(), "--group", marathon.Group],
                folder, marathon.Environment(Path.Combine(folder, "records")), TimeSpan.FromMinutes(2));

            prune.ExitCode.Should().Be(0, prune.Output);
            prune.Output.Should().Contain($"removed 1 ended session group(s): {ended.GroupId}");
            marathon.Emulator.AppIds.Should().NotContain(id => id.StartsWith(ended.GroupId + "/", StringComparison.Ordinal));
            (await marathon.Emulator.ContainersAsync()).Should().NotContain(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith(ended.GroupId + "/", StringComparison.Ordinal));
            marathon.Emulator.AppIds.Should().Contain(live.DriverAppId, "a session whose first driver still runs is not touched");
        }
        finally
        {
            await ended.DisposeAsync();
        }
    }
}

using System.Text.Json;
using Docker.DotNet;
using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// `ispark submit --launcher docker`, `ispark jobs`, `ispark logs`, `ispark sessions`: the real tool against the real Docker
/// engine, with the job image the project builds. Each job runs the template with a Spark of its own inside its container.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class IsparkSubmitDockerTests(JobImageFixture image) : IClassFixture<JobImageFixture>
{
    private static string Template => Path.Combine(IsparkTool.Root, "notebooks", "job-template.ipynb");

    private static async Task<IReadOnlyList<string>> JobContainersAsync(string jobId) =>
        (await DockerJobs.ListAsync()).Where(j => j.Id == jobId).Select(j => j.ContainerName).ToList();

    [Fact]
    public async Task A_submitted_job_runs_the_template_in_a_container_and_brings_back_the_executed_notebook_and_its_log_then_nothing_is_left()
    {
        var folder = IsparkTool.NewRunFolder();
        var logs = Path.Combine(folder, "logs");

        var submit = await IsparkTool.RunAsync(
            ["submit", Template, "--launcher", "docker", "--image", image.Image, "-p", "day=2026-11-03", "-p", "rows=400", "-o", "out", "--prefix", "ispark-test"],
            folder, new Dictionary<string, string> { ["ISPARK_LOG_DIR"] = logs }, TimeSpan.FromMinutes(5));

        submit.ExitCode.Should().Be(0, submit.Output);
        var jobId = System.Text.RegularExpressions.Regex.Match(submit.Output, @"job ([0-9a-f]{12}) \(").Groups[1].Value;
        jobId.Should().NotBeEmpty(submit.Output);
        submit.Output.Should().Contain("local Spark ready").And.Contain("[6/6] cell 9 (id 'result': report) ok", "the job's progress streams to the terminal");
        var notebook = OutputNotebook.Load(Path.Combine(folder, "out", "job-template.out.ipynb"));
        OutputNotebook.OutputText(notebook.Cell("query")).Should().Be("day 2026-11-03, nightly: 200 of 400 rows at or above 0.5, total 59900\n",
            "ids 200..399 of 400: 200 rows summing to 59,900, computed by the job's own Spark");
        File.ReadAllText(Path.Combine(folder, "out", "job-template.log")).Should().Contain("completed in");
        File.ReadAllText(Path.Combine(folder, "out", "kernel.log")).Should().Contain("< execute_reply ok", "the job ran on ispark's own kernel (the Jupyter protocol exchange)");
        submit.Output.Should().NotContain("loading the InteractiveSpark extension");
        (await JobContainersAsync(jobId)).Should().BeEmpty("the job's container is removed once its results are back");

        // The launcher's own lines in the product log: the container (to match with docker ps), the end, the removal.
        var lines = File.ReadAllLines(Directory.GetFiles(logs, "ispark-*.log").Single());
        lines.Should().Contain(l => l.Contains($"InteractiveSpark.Jobs.Docker: Job {jobId}: created container ispark-test-job-template-job-{jobId} (", StringComparison.Ordinal)
                                    && l.Contains("for job-template.ipynb, parameters: day, rows", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains($"Job {jobId}: ended with exit code 0 after", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains($"Job {jobId}: container ispark-test-job-template-job-{jobId} removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_on_dotnet_interactive_runs_in_the_image_with_the_tool_and_fails_in_one_line_in_the_image_without_it()
    {
        var folder = IsparkTool.NewRunFolder();
        string[] job = ["submit", Template, "--launcher", "docker", "--kernel", "dotnet-interactive", "-p", "day=2026-11-03", "-p", "rows=400", "-o", "out", "--prefix", "ispark-test"];

        var missing = await IsparkTool.RunAsync([.. job, "--image", image.Image], folder, null, TimeSpan.FromMinutes(3));
        missing.ExitCode.Should().Be(4, missing.Output);
        missing.Output.Should().Contain("ispark run: job-template.ipynb: The dotnet-interactive tool is not installed here")
            .And.Contain("docker/build-job-image --with-dotnet-interactive").And.NotContain("local Spark ready", "the tool is looked for before Spark starts")
            .And.NotContain("   at ");

        var submit = await IsparkTool.RunAsync([.. job, "--image", image.DotnetInteractiveImage], folder, null, TimeSpan.FromMinutes(5));
        submit.ExitCode.Should().Be(0, submit.Output);
        submit.Output.Should().Contain("loading the InteractiveSpark extension").And.Contain("[6/6] cell 9 (id 'result': report) ok");
        var notebook = OutputNotebook.Load(Path.Combine(folder, "out", "job-template.out.ipynb"));
        OutputNotebook.OutputText(notebook.Cell("query")).Should().Be("day 2026-11-03, nightly: 200 of 400 rows at or above 0.5, total 59900\n");
        File.ReadAllText(Path.Combine(folder, "out", "kernel.log")).Should().Contain("\"commandType\":\"SubmitCode\"", "dotnet-interactive's protocol");
    }

    [Fact]
    public async Task A_detached_job_is_listed_its_logs_follow_and_collecting_it_brings_back_the_failure_and_removes_it()
    {
        var folder = IsparkTool.NewRunFolder();
        var submit = await IsparkTool.RunAsync(
            ["submit", Template, "--launcher", "docker", "--image", image.Image, "-p", "day=not-a-date", "--detach", "--prefix", "ispark-test"], folder);
        submit.ExitCode.Should().Be(0, submit.Output);
        // stdout holds only the job id (for scripts); stderr, interleaved here, says how to follow it.
        var jobId = System.Text.RegularExpressions.Regex.Match(submit.Output, @"(?m)^([0-9a-f]{12})$").Groups[1].Value;
        jobId.Should().NotBeEmpty(submit.Output);
        try
        {
            // The parameter travels inside the copied notebook only: nothing Docker shows of the container carries it.
            using (var docker = new DockerClientConfiguration().CreateClient())
            {
                var containers = await JobContainersAsync(jobId);
                containers.Should().ContainSingle();
                foreach (var name in containers)
                {
                    var inspect = JsonSerializer.Serialize(await docker.Containers.InspectContainerAsync(name));
                    inspect.Should().Contain(jobId).And.NotContain("not-a-date");
                }
            }

            var jobs = await IsparkTool.RunAsync(["jobs"], folder);
            jobs.ExitCode.Should().Be(0, jobs.Output);
            jobs.Output.Should().MatchRegex($@"(?m)^{jobId}\s+job-template\s+job-template\.ipynb\s+running\b");

            var logs = await IsparkTool.RunAsync(["logs", jobId[..6], "--follow"], folder, timeout: TimeSpan.FromMinutes(4));
            logs.ExitCode.Should().Be(0, logs.Output);
            logs.Output.Should().Contain("CAST_INVALID_INPUT").And.Contain("cell 7 (id 'query'", "the log follows the job to its failing cell");

            var ended = await IsparkTool.RunAsync(["jobs"], folder);
            ended.Output.Should().MatchRegex($@"(?m)^{jobId}\s+job-template\s+job-template\.ipynb\s+exited\s+1\b");

            var collect = await IsparkTool.RunAsync(["jobs", "--collect", jobId, "-o", "collected"], folder);
            collect.ExitCode.Should().Be(1, "collect returns the job's exit code: a cell failed\n" + collect.Output);
            var notebook = OutputNotebook.Load(Path.Combine(folder, "collected", "job-template.out.ipynb"));
            OutputNotebook.OutputTypes(notebook.Cell("query")).Should().Contain("error");
            (await JobContainersAsync(jobId)).Should().BeEmpty();
        }
        finally
        {
            await DockerJobs.RemoveAsync(jobId);
        }
    }

    [Fact]
    public async Task Sessions_lists_a_notebooks_docker_session_and_stop_removes_its_containers()
    {
        await using var session = await new DockerSparkLauncher(new DockerSparkLauncherOptions
        {
            Name = "cli-test", NamePrefix = "ispark-test", DriverMemory = "512m", IdleTimeout = TimeSpan.FromMinutes(5),
        }).StartAsync();
        var folder = IsparkTool.NewRunFolder();

        var list = await IsparkTool.RunAsync(["sessions"], folder);
        list.ExitCode.Should().Be(0, list.Output);
        list.Output.Should().MatchRegex($@"(?m)^cli-test\s+{session.SessionId}\s+running\s+0\s+");

        var stop = await IsparkTool.RunAsync(["sessions", "--stop", session.SessionId], folder);
        stop.ExitCode.Should().Be(0, stop.Output);
        stop.Output.Should().Contain($"stopped session cli-test ({session.SessionId}): removed 1 container(s)");
        (await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = session.SessionId }))
            .Should().BeEmpty();
    }
}

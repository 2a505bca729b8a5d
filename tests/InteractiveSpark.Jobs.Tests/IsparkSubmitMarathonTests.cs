using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Docker.DotNet;
using InteractiveSpark.Sessions.Marathon;
using Xunit.Abstractions;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// `ispark submit --launcher marathon` and `ispark jobs` / `ispark logs` for Marathon jobs: the real tool against the Marathon
/// emulator, which checks every app against Marathon's schema and runs the task as a real container of the job image
/// (the gateway in job mode, then ispark run with a Spark of its own) on the local Docker engine.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed partial class IsparkSubmitMarathonTests(JobImageFixture image, MarathonEmulatorFixture marathon, ITestOutputHelper output)
    : IClassFixture<JobImageFixture>, IClassFixture<MarathonEmulatorFixture>
{
    private static string Template => Path.Combine(IsparkTool.Root, "notebooks", "job-template.ipynb");

    private string Url => marathon.Emulator.Url.ToString();

    private string AppId(string jobId) => $"/{marathon.Group}/job-template-job-{jobId}/job";

    [Fact]
    public async Task A_job_submitted_through_Marathon_runs_the_template_with_its_parameters_brings_back_the_notebook_and_logs_and_leaves_no_app_and_no_container()
    {
        var folder = IsparkTool.NewRunFolder();
        var env = marathon.Environment(Path.Combine(folder, "records"));

        var submit = await IsparkTool.RunAsync(
            ["submit", Template, "--launcher", "marathon", "--marathon", Url, "--group", marathon.Group, "--image", image.Image,
             "-p", "day=2031-07-19", "-p", "rows=600", "-o", "out"],
            folder, env, TimeSpan.FromMinutes(6));

        output.WriteLine($"submit through the emulator: {submit.Duration.TotalSeconds:0.0} s");
        submit.ExitCode.Should().Be(0, submit.Output);
        var jobId = JobIdIn(submit.Output);
        submit.Output.Should().Contain("local Spark ready").And.Contain("[6/6] cell 9 (id 'result': report) ok", "the job's progress streams to the terminal")
            .And.Contain("Marathon group removed");
        var notebook = OutputNotebook.Load(Path.Combine(folder, "out", "job-template.out.ipynb"));
        OutputNotebook.OutputText(notebook.Cell("query")).Should().Be("day 2031-07-19, nightly: 300 of 600 rows at or above 0.5, total 134850\n",
            "ids 300..599 of 600: 300 rows summing to 134,850, computed by the job's own Spark in the Marathon task");
        File.ReadAllText(Path.Combine(folder, "out", "job-template.log")).Should().Contain("completed in");
        File.ReadAllText(Path.Combine(folder, "out", "kernel.log")).Should().Contain("< execute_reply ok", "the job ran on ispark's own kernel, the default");

        // The app Marathon was given (the emulator refused anything its schema refuses): no parameter value, no token.
        var posted = marathon.Emulator.ReceivedApps.Single(a => a["id"]!.GetValue<string>() == AppId(jobId)).ToJsonString();
        posted.Should().NotContain("2031-07-19").And.NotContain("600\"").And.NotMatchRegex("ispark_[0-9a-f]{64}");
        posted.Should().MatchRegex("\"ISPARK_GATEWAY_TOKEN_SHA256\":\"[0-9a-f]{64}\"", "the task gets the token's hash only");
        submit.Output.Should().NotMatchRegex("ispark_[0-9a-f]{64}");

        marathon.Emulator.AppIds.Should().NotContain(AppId(jobId), "the job's group is removed once its results are back");
        (await ContainersOfAsync(jobId)).Should().BeEmpty();
        Directory.Exists(Path.Combine(folder, "records")).Should().BeFalse("an attached job keeps no record");
    }

    [Fact]
    public async Task A_failing_notebook_detached_keeps_its_token_private_is_listed_its_logs_follow_and_collect_brings_back_exit_code_1_and_the_failed_cell()
    {
        var folder = IsparkTool.NewRunFolder();
        var records = Path.Combine(folder, "records");
        var env = marathon.Environment(records);
        var (submit, jobId) = await SubmitDetachedAsync(folder, env, "-p", "day=not-a-date");
        try
        {
            var recordFile = Path.Combine(records, jobId + ".json");
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(recordFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "the record holds the job's token");
            }

            var token = JsonNode.Parse(File.ReadAllText(recordFile))!["token"]!.GetValue<string>();
            token.Should().MatchRegex("^ispark_[0-9a-f]{64}$");
            submit.Output.Should().NotContain(token);

            // Nothing Marathon or Docker shows of the running job carries the token or the parameter's value.
            var app = await MarathonGetAsync("v2/apps" + AppId(jobId));
            app.Should().NotContain(token).And.NotContain("not-a-date").And.Contain("\"ispark.job\":\"" + jobId + "\"").And.Contain("\"ispark.role\":\"job\"");
            using (var docker = new DockerClientConfiguration().CreateClient())
            {
                foreach (var container in await ContainersOfAsync(jobId))
                {
                    var inspect = JsonSerializer.Serialize(await docker.Containers.InspectContainerAsync(container.ID));
                    inspect.Should().NotContain(token).And.NotContain("not-a-date");
                }
            }

            var jobs = await IsparkTool.RunAsync(["jobs", "--marathon", Url], folder, env);
            jobs.ExitCode.Should().Be(0, jobs.Output);
            jobs.Output.Should().MatchRegex($@"(?m)^{jobId}\s+job-template\s+job-template\.ipynb\s+(running|exited)\b");

            var logs = await IsparkTool.RunAsync(["logs", jobId[..6], "--follow"], folder, env, TimeSpan.FromMinutes(5));
            logs.ExitCode.Should().Be(0, logs.Output);
            logs.Output.Should().Contain("CAST_INVALID_INPUT").And.Contain("cell 7 (id 'query'", "the log follows the job to its failing cell");

            var ended = await IsparkTool.RunAsync(["jobs", "--marathon", Url], folder, env);
            ended.Output.Should().MatchRegex($@"(?m)^{jobId}\s+job-template\s+job-template\.ipynb\s+exited\s+1\b");

            var collect = await IsparkTool.RunAsync(["jobs", "--collect", jobId, "-o", "collected"], folder, env);
            collect.ExitCode.Should().Be(1, "collect returns the job's exit code: a cell failed\n" + collect.Output);
            var notebook = OutputNotebook.Load(Path.Combine(folder, "collected", "job-template.out.ipynb"));
            OutputNotebook.OutputTypes(notebook.Cell("query")).Should().Contain("error");
            File.ReadAllText(Path.Combine(folder, "collected", "job-template.log")).Should().Contain("CAST_INVALID_INPUT");
            marathon.Emulator.AppIds.Should().NotContain(AppId(jobId));
            (await ContainersOfAsync(jobId)).Should().BeEmpty();
            File.Exists(recordFile).Should().BeFalse("the token goes with the job");
        }
        finally
        {
            await IsparkTool.RunAsync(["jobs", "--remove", jobId, "--marathon", Url], folder, env);
        }
    }

    [Fact]
    public async Task A_task_Marathon_restarts_waits_for_a_notebook_and_runs_nothing_and_collect_says_the_job_was_lost()
    {
        var folder = IsparkTool.NewRunFolder();
        var env = marathon.Environment(Path.Combine(folder, "records"));
        var (_, jobId) = await SubmitDetachedAsync(folder, env);
        var appId = AppId(jobId);
        try
        {
            using var client = new MarathonClient(marathon.Emulator.Url, MarathonCredentials.Basic(MarathonEmulatorFixture.User, marathon.Password));
            var first = (await client.TasksAsync(appId)).Single(t => t.IsRunning);
            var logs = await IsparkTool.RunAsync(["logs", jobId], folder, env);
            logs.Output.Should().Contain("ispark run: job-template.ipynb", "the first task took the notebook and runs it");

            // The task ends (as when its agent restarts it); Marathon starts a new one in its place.
            await marathon.Emulator.EndTaskAsync(appId);
            var second = await WaitForAsync(async () => (await client.TasksAsync(appId)).FirstOrDefault(t => t.IsRunning && t.Id != first.Id), TimeSpan.FromMinutes(2));
            await Task.Delay(TimeSpan.FromSeconds(15)); // time enough to start a run, were it to start one
            var listed = await IsparkTool.RunAsync(["jobs", "--marathon", Url], folder, env);
            listed.Output.Should().MatchRegex($@"(?m)^{jobId}\s+job-template\s+job-template\.ipynb\s+lost\b", "the task that took the notebook was replaced");

            var containers = await ContainersOfAsync(jobId);
            using (var docker = new DockerClientConfiguration().CreateClient())
            {
                var running = containers.Single(c => c.State == "running");
                var top = JsonSerializer.Serialize(await docker.Containers.ListProcessesAsync(running.ID, new global::Docker.DotNet.Models.ContainerListProcessesParameters()));
                top.Should().Contain("ispark-gateway").And.NotContain("ispark.dll run").And.NotContain("java", "the new task waits for a notebook; it runs nothing by itself");
            }

            var collect = await IsparkTool.RunAsync(["jobs", "--collect", jobId, "-o", "collected"], folder, env, TimeSpan.FromMinutes(3));
            collect.ExitCode.Should().Be(4, collect.Output);
            collect.Output.Should().Contain($"The job's task {first.Id}").And.Contain($"Marathon started {second.Id} in its place, which waits for a notebook and ran nothing")
                .And.Contain("group was removed");
            marathon.Emulator.AppIds.Should().NotContain(appId);
            (await ContainersOfAsync(jobId)).Should().BeEmpty();
        }
        finally
        {
            await IsparkTool.RunAsync(["jobs", "--remove", jobId, "--marathon", Url], folder, env);
        }
    }

    [Fact]
    public async Task Prune_removes_an_ended_job_its_group_and_record_and_the_records_of_jobs_Marathon_no_longer_has()
    {
        var folder = IsparkTool.NewRunFolder();
        var records = Path.Combine(folder, "records");
        var env = marathon.Environment(records);
        var (_, jobId) = await SubmitDetachedAsync(folder, env, "-p", "day=not-a-date");
        try
        {
            // Two records beside the job's: one of a job this Marathon no longer has, one of a job on another Marathon.
            var gone = new Jobs.Marathon.MarathonJobRecord("0123456789ab", marathon.Emulator.Url, "/x/gone", "/x/gone/job", "t1", "localhost", 1, "ispark_x", new string('A', 64), "gone.ipynb", DateTimeOffset.UtcNow);
            var elsewhere = gone with { JobId = "ba9876543210", Marathon = new Uri("http://marathon.elsewhere:8080/") };
            gone.Save(records);
            elsewhere.Save(records);

            var running = await IsparkTool.RunAsync(["jobs", "--prune", "--marathon", Url], folder, env);
            running.ExitCode.Should().Be(0, running.Output);
            marathon.Emulator.AppIds.Should().Contain(AppId(jobId), "a job still running is not pruned");

            await WaitForAsync(async () =>
            {
                var list = await IsparkTool.RunAsync(["jobs", "--marathon", Url], folder, env);
                return Regex.IsMatch(list.Output, $@"(?m)^{jobId}\s+\S+\s+\S+\s+exited\s+1\b") ? list.Output : null;
            }, TimeSpan.FromMinutes(4));

            var prune = await IsparkTool.RunAsync(["jobs", "--prune", "--marathon", Url], folder, env);
            prune.ExitCode.Should().Be(0, prune.Output);
            prune.Output.Should().Contain("removed 1 ended job(s)");
            marathon.Emulator.AppIds.Should().NotContain(AppId(jobId));
            (await ContainersOfAsync(jobId)).Should().BeEmpty();
            Directory.GetFiles(records).Select(Path.GetFileName).Should().BeEquivalentTo(["ba9876543210.json"],
                "the ended job's record and the record of a job Marathon no longer lists are gone; another Marathon's is not this prune's");
        }
        finally
        {
            await IsparkTool.RunAsync(["jobs", "--remove", jobId, "--marathon", Url], folder, env);
        }
    }

    [Fact]
    public async Task Ctrl_C_during_a_job_removes_its_group_and_its_container()
    {
        var folder = IsparkTool.NewRunFolder();
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[] { IsparkTool.ToolPath, "submit", Template, "--launcher", "marathon", "--marathon", Url, "--group", marathon.Group, "--image", image.Image, "--name", "interrupted" })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in marathon.Environment(Path.Combine(folder, "records")))
        {
            psi.Environment[key] = value;
        }

        var output = new System.Text.StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new System.Diagnostics.Process { StartInfo = psi };
        void OnLine(object? sender, System.Diagnostics.DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("job started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(3)));
        started.Task.IsCompleted.Should().BeTrue("the job should have started:\n" + output);
        var jobId = JobIdIn(output.ToString());
        (await ContainersOfAsync(jobId)).Should().NotBeEmpty("the job runs in its task");

        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        process.ExitCode.Should().Be(130, output.ToString());
        output.ToString().Should().Contain("cancelled: removing the job's Marathon group");
        // The DELETE went out before ispark exited; Marathon (here the emulator) stops the task and forgets the group.
        var appId = AppId(jobId).Replace("/job-template-job-", "/interrupted-job-", StringComparison.Ordinal);
        await WaitForAsync(async () => !marathon.Emulator.AppIds.Contains(appId) && (await ContainersOfAsync(jobId)).Count == 0 ? "gone" : null, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_deployment_that_never_finishes_fails_in_bounded_time_with_exit_code_4_and_removes_the_group_and_bad_input_exits_2()
    {
        var folder = IsparkTool.NewRunFolder();
        var env = marathon.Environment(Path.Combine(folder, "records"));
        marathon.Emulator.NeverStart($"/{marathon.Group}/stuck-");

        var stuck = await IsparkTool.RunAsync(
            ["submit", Template, "--launcher", "marathon", "--marathon", Url, "--group", marathon.Group, "--image", image.Image, "--name", "stuck", "--startup-timeout", "8"],
            folder, env, TimeSpan.FromMinutes(2));

        stuck.ExitCode.Should().Be(4, stuck.Output);
        stuck.Output.Should().Contain("took longer than 8 s (--startup-timeout); the job's group was removed");
        marathon.Emulator.AppIds.Should().NotContain(id => id.StartsWith($"/{marathon.Group}/stuck-", StringComparison.Ordinal));

        var noUrl = await IsparkTool.RunAsync(["submit", Template, "--launcher", "marathon"], folder, env);
        noUrl.ExitCode.Should().Be(2, noUrl.Output);
        noUrl.Output.Should().Contain("--launcher marathon needs Marathon's address");
        var badGroup = await IsparkTool.RunAsync(["submit", Template, "--launcher", "marathon", "--marathon", Url, "--group", "Bad Group!"], folder, env);
        badGroup.ExitCode.Should().Be(2, badGroup.Output);
        badGroup.Output.Should().Contain("--group must be a Marathon path");
        foreach (var (args, message) in new (string[] Args, string Message)[]
        {
            (["--startup-timeout", "-5"], "--startup-timeout must be a positive number of seconds"),
            (["--job-timeout", "NaN"], "--job-timeout must be a positive number of seconds"),
            (["--constraint", "hostname"], "A constraint is field:OPERATOR"),
            (["--label", "novalue"], "--label novalue: expected key=value"),
        })
        {
            var bad = await IsparkTool.RunAsync(["submit", Template, "--launcher", "marathon", "--marathon", Url, .. args], folder, env);
            bad.ExitCode.Should().Be(2, bad.Output);
            bad.Output.Should().Contain(message);
        }

        marathon.Emulator.ReceivedApps.Should().NotContain(a => a["id"]!.GetValue<string>().StartsWith($"/ispark-jobs/", StringComparison.Ordinal), "bad input starts nothing");
        var dockerTimeout = await IsparkTool.RunAsync(["submit", Template, "--launcher", "docker", "--job-timeout", "1e309"], folder, env);
        dockerTimeout.ExitCode.Should().Be(2, dockerTimeout.Output);
        dockerTimeout.Output.Should().Contain("--job-timeout must be a positive number of seconds");
    }

    private static string JobIdIn(string text)
    {
        var id = Regex.Match(text, "job ([0-9a-f]{12}) \\(").Groups[1].Value;
        id.Should().NotBeEmpty(text);
        return id;
    }

    private async Task<IReadOnlyList<global::Docker.DotNet.Models.ContainerListResponse>> ContainersOfAsync(string jobId) =>
        (await marathon.Emulator.ContainersAsync()).Where(c => c.Labels.TryGetValue(MarathonEmulator.MarathonEmulator.AppLabel, out var app) && app.Contains(jobId, StringComparison.Ordinal)).ToList();

    private async Task<string> MarathonGetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = marathon.Emulator.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(MarathonEmulatorFixture.User + ":" + marathon.Password)));
        return await http.GetStringAsync(path);
    }

    /// <summary>Submits the template detached through the emulator; ispark's result and the job id it printed.</summary>
    private async Task<(IsparkResult Submit, string JobId)> SubmitDetachedAsync(string folder, IReadOnlyDictionary<string, string> env, params string[] parameters)
    {
        var submit = await IsparkTool.RunAsync(
            ["submit", Template, "--launcher", "marathon", "--marathon", Url, "--group", marathon.Group, "--image", image.Image, .. parameters, "--detach"], folder, env);
        submit.ExitCode.Should().Be(0, submit.Output);
        var jobId = Regex.Match(submit.Output, "(?m)^([0-9a-f]{12})$").Groups[1].Value;
        jobId.Should().NotBeEmpty(submit.Output);
        return (submit, jobId);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(500);
        }
    }
}

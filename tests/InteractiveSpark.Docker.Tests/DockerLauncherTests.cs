using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text.Json;
using InteractiveSpark.Sessions.Docker;
using Xunit.Abstractions;

namespace InteractiveSpark.Docker.Tests;

/// <summary>The Docker launcher on the real Docker engine, with the images docker/build-test-images builds.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerLauncherTests(DockerFixture docker, ITestOutputHelper output)
{
    [Fact]
    public async Task A_session_answers_a_query_and_a_streamed_collect_through_the_gateway_and_keeps_its_token_out_of_Docker()
    {
        var started = Stopwatch.StartNew();
        var owner = await new DockerSparkLauncher(docker.Options("query")).StartAsync();
        output.WriteLine($"session ready in {started.Elapsed.TotalSeconds:0.0} s");
        string token;
        string sessionId;
        try
        {
            sessionId = owner.SessionId;
            token = owner.ConnectionString.Token!;
            owner.ConnectionString.UseSsl.Should().BeTrue();
            owner.ConnectionString.Host.Should().Be("localhost");
            owner.CertificateSha256.Should().MatchRegex("^[0-9A-F]{64}$");
            owner.SparkVersion.Should().Be("4.2.0");

            await using (var spark = await owner.ConnectAsync())
            {
                var rows = await (await spark.SqlAsync("select 1 as one, 'docker' as s")).CollectAsync();
                rows.Should().HaveCount(1);
                rows[0][0].Should().Be(1);
                rows[0][1].Should().Be("docker");

                long count = 0, sum = 0;
                await foreach (var row in spark.Range(0, 200_000, 1, 4).ToLocalIteratorAsync())
                {
                    count++;
                    sum += (long)row[0]!;
                }

                count.Should().Be(200_000);
                sum.Should().Be(200_000L * 199_999 / 2);
            }

            // The token is nowhere Docker shows: not in inspect (env, labels, command), not in the container's log.
            var inspect = await TestProcess.RunAsync("docker", ["inspect", owner.DriverContainerId], TimeSpan.FromSeconds(30));
            inspect.ExitCode.Should().Be(0, inspect.Output);
            inspect.Output.Should().NotContain(token);
            inspect.Output.Should().Contain(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))),
                "the container gets the token's hash, not the token");
            var logs = await TestProcess.RunAsync("docker", ["logs", owner.DriverContainerId], TimeSpan.FromSeconds(30));
            logs.Output.Should().Contain("gateway-certificate-sha256: " + owner.CertificateSha256);
            logs.Output.Should().NotContain(token);
            owner.ToString().Should().NotContain(token);

            var containers = await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId);
            var driver = containers.Should().ContainSingle().Subject;
            driver.Role.Should().Be("driver");
            driver.SessionName.Should().Be("query");
            driver.Owner.Should().Be($"{Environment.UserName}@{Environment.MachineName}");
            driver.Created.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));
            driver.Name.Should().StartWith(docker.Prefix + "-query-");
            var labels = await TestProcess.RunAsync("docker", ["inspect", "-f", "{{json .Config.Labels}}", owner.DriverContainerId], TimeSpan.FromSeconds(30));
            labels.Output.Should().Contain($"\"ispark.prefix\":\"{docker.Prefix}\"").And.NotContain(token);
        }
        finally
        {
            await owner.DisposeAsync();
        }

        (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId)).Should().BeEmpty("dispose removes every container");
    }

    [Fact]
    public async Task A_missing_image_fails_at_once_with_what_to_do_and_leaves_nothing()
    {
        var prefix = docker.Prefix + "-missing";
        var watch = Stopwatch.StartNew();
        var start = () => new DockerSparkLauncher(docker.Options("missing") with { Image = "ispark-no-such-image:never", NamePrefix = prefix }).StartAsync();
        var error = await start.Should().ThrowAsync<DockerSparkLaunchException>();
        error.Which.Message.Should().Contain("Image ispark-no-such-image:never not found").And.Contain("docker/build-test-images").And.Contain("--image");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        (await DockerFixture.ContainersAsync(DockerSparkContainers.PrefixLabel, prefix)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_broken_image_fails_in_bounded_time_with_its_exit_code_and_last_lines_and_leaves_nothing()
    {
        var prefix = docker.Prefix + "-broken";
        var watch = Stopwatch.StartNew();
        var start = () => new DockerSparkLauncher(docker.Options("broken") with
        {
            Image = DockerFixture.BrokenImage,
            NamePrefix = prefix,
            StartupTimeout = TimeSpan.FromSeconds(60),
        }).StartAsync();
        var error = await start.Should().ThrowAsync<DockerSparkLaunchException>();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "the container's exit ends the wait; the timeout is only the bound");
        error.Which.Message.Should().Contain("exited with code 1").And.Contain(DockerFixture.BrokenLine).And.Contain(DockerFixture.BrokenImage);
        (await DockerFixture.ContainersAsync(DockerSparkContainers.PrefixLabel, prefix)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_gateway_that_never_answers_fails_at_the_timeout_and_leaves_nothing()
    {
        // An image that never prints and never listens: the launcher gives up at its deadline, says so, and removes it.
        var prefix = docker.Prefix + "-timeout";
        var watch = Stopwatch.StartNew();
        DockerSparkLaunchException? error = null;
        try
        {
            var unexpected = await new DockerSparkLauncher(docker.Options("timeout") with
            {
                Image = DockerFixture.SilentImage,
                NamePrefix = prefix,
                StartupTimeout = TimeSpan.FromSeconds(8),
            }).StartAsync();
            await unexpected.DisposeAsync();
        }
        catch (DockerSparkLaunchException e)
        {
            error = e;
        }

        error.Should().NotBeNull("a container that never answers cannot make a session");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "8 s, plus removing the container");
        error!.Message.Should().Contain("did not print its certificate within 8 s").And.Contain("the port never opened").And.Contain("--startup-timeout");
        (await DockerFixture.ContainersAsync(DockerSparkContainers.PrefixLabel, prefix)).Should().BeEmpty();
    }

    [Fact]
    public async Task Two_executors_in_worker_containers_run_the_tasks_and_go_away_with_the_session()
    {
        var started = Stopwatch.StartNew();
        var owner = await new DockerSparkLauncher(docker.Options("executors") with { Executors = 2 }).StartAsync();
        output.WriteLine($"driver + 2 workers ready in {started.Elapsed.TotalSeconds:0.0} s");
        var sessionId = owner.SessionId;
        try
        {
            owner.WorkerContainerIds.Should().HaveCount(2);
            (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId)).Select(c => c.Role)
                .Should().BeEquivalentTo(["driver", "worker", "worker"]);
            using var http = GatewayClient(owner);
            await using var spark = await owner.ConnectAsync();
            var appId = await SingleApplicationAsync(http);
            (await spark.Conf.GetAsync("spark.shuffle.readHostLocalDisk")).Should().Be("false", "workers are separate containers: no host-local shuffle reads");

            // Wait for both executors to register, then run a job of 8 tasks.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((await ExecutorsAsync(http, appId)).Count(e => e.Id != "driver" && e.Active) < 2)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "two executors register within 120 s");
                await Task.Delay(1000);
            }

            IReadOnlyList<InteractiveSpark.SparkConnect.Row> rows;
            try
            {
                rows = await (await spark.SqlAsync("select count(*), sum(id) from range(0, 400000, 1, 8)")).CollectAsync();
            }
            catch (Exception e)
            {
                var workerLogs = new List<string>();
                foreach (var id in owner.WorkerContainerIds)
                {
                    workerLogs.Add((await TestProcess.RunAsync("docker", ["logs", "--tail", "40", id], TimeSpan.FromSeconds(30))).Output);
                }

                throw new InvalidOperationException(
                    $"The query failed: {e.Message}\n--- driver ---\n{string.Join('\n', owner.RecentLog.TakeLast(60))}\n--- workers ---\n{string.Join("\n---\n", workerLogs)}", e);
            }


            rows[0][0].Should().Be(400_000L);
            rows[0][1].Should().Be(400_000L * 399_999 / 2);

            var executors = (await ExecutorsAsync(http, appId)).Where(e => e.Id != "driver").ToList();
            executors.Should().HaveCount(2);
            executors.Should().OnlyContain(e => e.CompletedTasks > 0, "both executors ran tasks");
            executors.Sum(e => e.CompletedTasks).Should().BeGreaterThanOrEqualTo(8);

            // Executor logs of the worker containers, through the gateway (it asks the master for the worker that runs each).
            var executorLog = await http.GetStringAsync("/logs/executor/1?grep=executor-id");
            executorLog.Should().Contain("CoarseGrainedExecutorBackend").And.Contain("\"--executor-id\" \"1\"");
            (await http.GetStringAsync("/logs/executor")).Should().Contain(appId + "/0").And.Contain(appId + "/1");
        }
        finally
        {
            await owner.DisposeAsync();
        }

        (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId)).Should().BeEmpty("dispose removes the driver and both workers");
    }

    [Fact]
    public async Task After_the_owner_is_killed_the_idle_timer_removes_the_driver_and_the_workers_go_too()
    {
        var dll = typeof(Program).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", dll, "kill-helper", docker.DriverImage, docker.Prefix + "-killed", "20", "1" })
        {
            psi.ArgumentList.Add(a);
        }

        using var helper = Process.Start(psi)!;
        var stderr = helper.StandardError.ReadToEndAsync();
        string? sessionId = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300));
            while (await helper.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("session ", StringComparison.Ordinal))
                {
                    sessionId = line["session ".Length..];
                }

                if (line == "ready")
                {
                    break;
                }
            }

            helper.HasExited.Should().BeFalse(helper.HasExited ? await stderr : "");
            sessionId.Should().NotBeNull();
            (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId!)).Should().HaveCount(2, "a driver and one worker run");

            helper.Kill(); // SIGKILL: no dispose, no cleanup in the owner
            await helper.WaitForExitAsync();
            var killed = Stopwatch.StartNew();
            while ((await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, sessionId!)).Count > 0)
            {
                killed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(120), "the idle timer (20 s) stops the driver and the worker follows its master");
                await Task.Delay(1000);
            }

            killed.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(10), "the driver stays while it is not idle long enough");
            output.WriteLine($"every container of the killed owner's session was gone {killed.Elapsed.TotalSeconds:0.0} s after SIGKILL (idle timeout 20 s)");
        }
        finally
        {
            if (!helper.HasExited)
            {
                helper.Kill();
            }

            if (sessionId is not null)
            {
                await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = sessionId });
            }
        }
    }

    internal static HttpClient GatewayClient(DockerSparkSession owner)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && cert.GetCertHashString(HashAlgorithmName.SHA256) == owner.CertificateSha256,
            },
        };
        var http = new HttpClient(handler) { BaseAddress = owner.GatewayUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.ConnectionString.Token);
        return http;
    }

    internal static async Task<string> SingleApplicationAsync(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/ui/api/v1/applications"));
        return json.RootElement.EnumerateArray().Should().ContainSingle().Subject.GetProperty("id").GetString()!;
    }

    internal static async Task<List<(string Id, bool Active, int CompletedTasks)>> ExecutorsAsync(HttpClient http, string appId)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync($"/ui/api/v1/applications/{appId}/executors"));
        return json.RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("isActive").GetBoolean(), e.GetProperty("completedTasks").GetInt32()))
            .ToList();
    }
}

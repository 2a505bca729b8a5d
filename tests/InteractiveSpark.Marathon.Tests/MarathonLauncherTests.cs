using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>The Marathon launcher against the emulator, which runs every task as a real container on the local Docker engine.</summary>
[Collection(MarathonCollection.Name)]
public sealed class MarathonLauncherTests(MarathonFixture fx)
{
    [Fact]
    public async Task An_http_Marathon_on_another_host_is_refused_before_any_request_unless_allowed_and_says_what_it_exposes()
    {
        // 192.0.2.1 is TEST-NET-1: nothing answers there, and the refusal comes before any connection is tried.
        var remote = fx.Options("Plain") with { Marathon = new Uri("http://192.0.2.1:8080/"), StartupTimeout = TimeSpan.FromSeconds(5) };
        var refused = await FluentActions.Awaiting(() => new MarathonSparkLauncher(remote).StartAsync()).Should().ThrowAsync<ArgumentException>();
        refused.Which.Message.Should().Contain("plain http://").And.Contain("--allow-http-marathon").And.Contain("token hash")
            .And.NotContain("\n", "one line").And.NotContain("Parameter");
        FluentActions.Invoking(() => new MarathonClient(new Uri("http://192.0.2.1:8080/"), allowHttp: true).Dispose()).Should().NotThrow();
        FluentActions.Invoking(() => new MarathonClient(new Uri("https://192.0.2.1:8443/")).Dispose()).Should().NotThrow();
        fx.Emulator.Url.Scheme.Should().Be("http", "the emulator is plain http on loopback, which never leaves the host: accepted");
    }

    [Fact]
    public async Task A_session_with_two_executors_runs_a_query_on_them_serves_executor_logs_through_the_gateway_and_leaves_nothing()
    {
        var confSecret = "conf-secret-" + Guid.NewGuid().ToString("N");
        var launcher = new MarathonSparkLauncher(fx.Options("Cluster", executors: 2) with
        {
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "4", ["spark.ispark.test.marker"] = "delivered", ["spark.ispark.test.credential"] = confSecret },
        });
        var phases = new List<string>();
        var session = await launcher.StartAsync(new Progress(phases.Add));
        string groupId = session.GroupId;
        try
        {
            groupId.Should().StartWith("/" + fx.Group + "/cluster-");
            phases.Should().Contain(p => p.Contains("workers", StringComparison.Ordinal));
            session.CertificateSha256.Should().MatchRegex("^[0-9A-F]{64}$");

            // Marathon's view: a driver and two workers, running, with their host ports; bodies valid against task.schema.json.
            var tasks = await session.TasksAsync();
            tasks.Should().HaveCount(3).And.OnlyContain(t => t.IsRunning && t.Ports.Count > 0);
            foreach (var appId in new[] { session.DriverAppId, session.WorkersAppId })
            {
                foreach (var task in fx.Emulator.TasksBody(appId)["tasks"]!.AsArray())
                {
                    fx.Emulator.Schemas.ValidateTask(task!).Should().BeEmpty();
                }
            }

            // Every definition the launcher sent is valid against Marathon's own schema, and carries no secret.
            var sent = fx.Emulator.ReceivedApps.Where(a => a["id"]!.GetValue<string>().StartsWith(groupId, StringComparison.Ordinal)).ToList();
            sent.Should().HaveCount(2);
            foreach (var app in sent)
            {
                fx.Emulator.Schemas.ValidateApp(app).Should().BeEmpty();
                app["labels"]!["ispark.owner"]!.GetValue<string>().Should().NotBeEmpty();
                app["labels"]!["ispark.session"]!.GetValue<string>().Should().Be(session.SessionId);
                app["labels"]!["ispark.created"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT");
                app.ToJsonString().Should().NotContain(session.ConnectionString.Token!).And.NotContain(fx.Password).And.NotContain(confSecret).And.NotContain("spark.ispark.test");
            }

            // The pin rests on the gateway's proof: with another token's hash the same gateway is refused (nothing is sent).
            using (var proofDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                var wrongHash = System.Security.Cryptography.SHA256.HashData("not this session's token"u8);
                await FluentActions.Invoking(() => GatewayPin.WaitReadyAsync(session.ConnectionString.Host, session.ConnectionString.Port, wrongHash, proofDeadline.Token))
                    .Should().ThrowAsync<GatewayPinException>().WithMessage("*did not prove it is this session's gateway*");
            }

            await using var spark = await session.ConnectAsync();
            // Both workers' executors registered before the query (as in the Docker test): a worker that registers a
            // moment late would otherwise see no task, and the count below would be 1 under load.
            using (var http = MarathonFixture.Pinned(session))
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
                while (true)
                {
                    var apps = JsonNode.Parse(await http.GetStringAsync("/ui/api/v1/applications"))!.AsArray();
                    var registered = JsonNode.Parse(await http.GetStringAsync($"/ui/api/v1/applications/{apps[0]!["id"]}/executors"))!.AsArray()
                        .Count(e => e!["id"]!.GetValue<string>() != "driver");
                    if (registered >= 2 || DateTime.UtcNow > deadline)
                    {
                        break;
                    }

                    await Task.Delay(500);
                }
            }

            // Four partitions over two one-core executors: the work runs on the workers, not in the driver.
            var rows = await (await spark.SqlAsync("select count(*), sum(id) from range(0, 100000, 1, 4)")).CollectAsync();
            rows[0][0].Should().Be(100000L);
            rows[0][1].Should().Be(4999950000L);

            // Spark's own account, through the gateway's /ui: two executors besides the driver, and the tasks ran on them.
            using (var http = MarathonFixture.Pinned(session))
            {
                var apps = JsonNode.Parse(await http.GetStringAsync("/ui/api/v1/applications"))!.AsArray();
                var executors = JsonNode.Parse(await http.GetStringAsync($"/ui/api/v1/applications/{apps[0]!["id"]}/executors"))!.AsArray()
                    .Where(e => e!["id"]!.GetValue<string>() != "driver").ToList();
                executors.Should().HaveCount(2);
                executors.Sum(e => e!["totalTasks"]!.GetValue<int>()).Should().BeGreaterThanOrEqualTo(4);

                // The Executors page's stdout/stderr links go through the gateway, not to the workers' own UIs.
                foreach (var executor in executors)
                {
                    var stderr = executor!["executorLogs"]!["stderr"]!.GetValue<string>();
                    stderr.Should().StartWith($"/logs/executor/{executor["id"]!.GetValue<string>()}?stream=stderr&app=app-");
                    (await http.GetStringAsync(stderr)).Should().Contain("CoarseGrainedExecutorBackend");
                }
            }

            // Spark's own traffic is authenticated and encrypted with the secret the tasks got after their pin proof.
            foreach (var key in new[] { "spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled" })
            {
                (await spark.Conf.GetAsync(key)).Should().Be("true", key);
            }

            (await spark.Conf.GetAsync("spark.ispark.test.marker")).Should().Be("delivered", "the user's --conf values arrive with the session's files");
            foreach (var container in await fx.Emulator.ContainersAsync())
            {
                var inspect = await TestProcess.RunAsync("docker", ["inspect", container.ID], TimeSpan.FromSeconds(30));
                inspect.ExitCode.Should().Be(0);
                inspect.Output.Should().NotContain(confSecret).And.NotContain(session.ConnectionString.Token!).And.NotContain("spark.ispark.test");
            }

            // Executor logs come from the worker tasks through the gateway (master /json, worker /log): no Mesos UI.
            var open = new OpenSparkSession("cluster", session, spark, session.SparkVersion!, null);
            var logs = open.Logs()!;
            logs.HasExecutors.Should().BeTrue();
            var executorLog = await logs.ReadAsync(new SessionLogRequest { Executor = "1", Tail = 400 });
            executorLog.Should().Contain(l => l.Contains("CoarseGrainedExecutorBackend", StringComparison.Ordinal) && l.Contains("\"--executor-id\" \"1\"", StringComparison.Ordinal));
            var grep = await logs.ReadAsync(new SessionLogRequest { Executor = "0", Tail = 5, Grep = "executor-id" });
            grep.Should().ContainSingle().Which.Should().Contain("\"--executor-id\" \"0\"");
            (await logs.ReadAsync(new SessionLogRequest { Tail = 50 })).Should().NotBeEmpty();

            // The UI for this machine's browser: a loopback URL served by this process, which pins the gateway and adds
            // the token: no certificate warning, no token, ticket or cookie in the browser.
            var link = await open.Ui()!.GetLinkAsync();
            link.Uri.ToString().Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/ui/$");
            link.ExpiresIn.Should().BeNull();
            using (var browser = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) })
            {
                using var jobs = await browser.GetAsync(new Uri(link.Uri, "jobs/"));
                jobs.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
                jobs.Headers.Contains("Set-Cookie").Should().BeFalse();
                (await jobs.Content.ReadAsStringAsync()).Should().Contain("Spark Jobs");
                var stderr = JsonNode.Parse(await browser.GetStringAsync(new Uri(link.Uri, "api/v1/applications")))!.AsArray()[0]!["id"]!.GetValue<string>();
                (await browser.GetStringAsync(new Uri(link.Uri, $"/logs/executor/0?stream=stderr&app={stderr}&tail=50"))).Should().Contain("executor");
            }

            // Another user of this machine gets nothing from it.
            var other = await TestProcess.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                "import urllib.request,sys\ntry:\n urllib.request.urlopen(sys.argv[1], timeout=30)\nexcept urllib.error.HTTPError as e:\n print(e.code)\n", link.Uri.ToString()], TimeSpan.FromSeconds(60));
            other.Output.Trim().Should().Be("403");
        }
        finally
        {
            await session.DisposeAsync();
        }

        fx.Emulator.AppIds.Should().NotContain(id => id.StartsWith(groupId, StringComparison.Ordinal));
        (await fx.Emulator.ContainersAsync()).Where(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith(groupId, StringComparison.Ordinal))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task A_driver_task_that_fails_is_reported_with_Marathons_failure_message_and_its_group_is_removed()
    {
        var launcher = new MarathonSparkLauncher(fx.Options("broken") with { Image = MarathonFixture.BrokenImage });
        var started = DateTime.UtcNow;
        var e = await FluentActions.Invoking(() => launcher.StartAsync()).Should().ThrowAsync<MarathonLaunchException>();
        e.Which.Message.Should().Contain("TASK_FAILED").And.Contain("Command exited with status 1").And.Contain("/driver").And.Contain("removed");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(60));
        fx.Emulator.AppIds.Should().NotContain(id => id.Contains("/broken-", StringComparison.Ordinal));
        (await fx.Emulator.ContainersAsync()).Should().NotContain(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].Contains("/broken-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deployment_that_never_finishes_ends_at_the_startup_timeout_with_what_Marathon_shows()
    {
        var group = fx.Group + "-stuck";
        fx.Emulator.NeverStart("/" + group + "/");
        var launcher = new MarathonSparkLauncher(fx.Options("stuck") with { Group = group, StartupTimeout = TimeSpan.FromSeconds(4) });
        var e = await FluentActions.Invoking(() => launcher.StartAsync()).Should().ThrowAsync<MarathonLaunchException>();
        e.Which.Message.Should().Contain("took longer than 4 s").And.Contain("TASK_STAGING").And.Contain("no agent offers");
        fx.Emulator.AppIds.Should().NotContain(id => id.StartsWith("/" + group + "/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_driver_task_lost_while_starting_fails_the_start_with_a_clear_message()
    {
        var launcher = new MarathonSparkLauncher(fx.Options("lost"));
        var start = launcher.StartAsync();
        // Lose the driver task as soon as it runs (Spark takes seconds to start behind it).
        string? driver = null;
        for (var i = 0; i < 600 && driver is null && !start.IsCompleted; i++)
        {
            driver = fx.Emulator.AppIds.FirstOrDefault(id => id.Contains("/lost-", StringComparison.Ordinal) && id.EndsWith("/driver", StringComparison.Ordinal)
                && fx.Emulator.TasksBody(id)["tasks"]!.AsArray().Any(t => t!["state"]!.GetValue<string>() == "TASK_RUNNING"));
            await Task.Delay(100);
        }

        driver.Should().NotBeNull("the driver task should run within a minute");
        await fx.Emulator.LoseTaskAsync(driver!);
        var e = await FluentActions.Awaiting(() => start).Should().ThrowAsync<MarathonLaunchException>();
        e.Which.Message.Should().Contain("TASK_LOST");
        fx.Emulator.AppIds.Should().NotContain(driver!);
    }

    [Fact]
    public async Task A_session_whose_driver_ended_and_was_relaunched_by_Marathon_is_removed_by_the_sweep_and_a_live_one_is_not()
    {
        // Marathon restarts a driver that ends (idle timer after the notebook died): the sweep finds such sessions by their labels.
        var launcher = new MarathonSparkLauncher(fx.Options("ended") with { StartupTimeout = TimeSpan.FromSeconds(60) });
        var created = DateTimeOffset.UtcNow;
        await using var session = await launcher.StartAsync();
        (await launcher.RemoveEndedSessionsAsync()).Should().BeEmpty("the session's first driver still runs");
        fx.Emulator.AppIds.Should().Contain(session.DriverAppId);

        // The driver ends by itself after the startup window (as the idle timer would); Marathon starts another.
        var window = created + TimeSpan.FromSeconds(66) - DateTimeOffset.UtcNow;
        if (window > TimeSpan.Zero)
        {
            await Task.Delay(window);
        }

        await fx.Emulator.EndTaskAsync(session.DriverAppId);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await session.TasksAsync()).Any(t => t.Id != session.DriverTaskId && t.AppId == session.DriverAppId))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "Marathon relaunches an ended task within a minute");
            await Task.Delay(500);
        }

        (await launcher.RemoveEndedSessionsAsync()).Should().Equal(session.GroupId);
        fx.Emulator.AppIds.Should().NotContain(id => id.StartsWith(session.GroupId, StringComparison.Ordinal));
        (await fx.Emulator.ContainersAsync()).Should().NotContain(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith(session.GroupId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Marathon_refusals_carry_Marathons_message_401_403_409_422_and_never_the_password()
    {
        using var wrong = new MarathonClient(fx.Emulator.Url, MarathonCredentials.Basic(MarathonFixture.User, "not-the-password"));
        var unauthorized = await FluentActions.Invoking(() => wrong.InfoAsync()).Should().ThrowAsync<MarathonException>();
        unauthorized.Which.StatusCode.Should().Be(401);
        unauthorized.Which.Message.Should().Contain("Not Authenticated!").And.Contain("basic (user analyst)").And.NotContain("not-the-password");

        using var forbidden = new MarathonClient(fx.Emulator.Url, MarathonCredentials.Basic(MarathonFixture.ForbiddenUser, "intern-pw"));
        var denied = await FluentActions.Invoking(() => forbidden.InfoAsync()).Should().ThrowAsync<MarathonException>();
        denied.Which.StatusCode.Should().Be(403);
        denied.Which.Message.Should().Contain("Not Authorized to perform this action!").And.NotContain("intern-pw");

        // The launcher shows the same: nothing is created, the message says what to set.
        var refused = await FluentActions.Invoking(() => new MarathonSparkLauncher(fx.Options("refused") with { Credentials = MarathonCredentials.Token("bogus-token") }).StartAsync())
            .Should().ThrowAsync<MarathonLaunchException>();
        refused.Which.Message.Should().Contain("401").And.Contain("ISPARK_MARATHON_TOKEN").And.NotContain("bogus-token");

        using var client = new MarathonClient(fx.Emulator.Url, MarathonCredentials.Basic(MarathonFixture.User, fx.Password));
        (await client.InfoAsync()).Name.Should().Be("marathon");

        // 422: Marathon's schema refuses the id (upper case) and the cpus (a string), with its message and paths.
        var invalid = JsonNode.Parse("""{"id": "/Bad_ID", "cpus": "two", "container": {"type": "DOCKER", "docker": {"image": "x"}}}""")!.AsObject();
        var unprocessable = await FluentActions.Invoking(() => client.CreateAppAsync(invalid)).Should().ThrowAsync<MarathonException>();
        unprocessable.Which.StatusCode.Should().Be(422);
        unprocessable.Which.MarathonMessage.Should().Contain("Object is not valid").And.Contain("/id").And.Contain("/cpus");

        // 409: the same app twice (it never starts: no container is made).
        var stuck = fx.Group + "-conflict";
        fx.Emulator.NeverStart("/" + stuck + "/");
        var launcher = new MarathonSparkLauncher(fx.Options("twice") with { Group = stuck });
        var app = launcher.DriverApp($"/{stuck}/twice/driver", "0123456789ab", new string('0', 64), "2026-11-26T00:00:00Z");
        await client.CreateAppAsync(app);
        var conflict = await FluentActions.Invoking(() => client.CreateAppAsync(app)).Should().ThrowAsync<MarathonException>();
        conflict.Which.StatusCode.Should().Be(409);
        conflict.Which.Message.Should().Contain($"An app with id [/{stuck}/twice/driver] already exists.");
        (await client.DeleteGroupAsync("/" + stuck)).Should().NotBeNull();
        (await client.DeleteGroupAsync("/" + stuck + "/nothing-here")).Should().BeNull();
    }

    [Fact]
    public void Every_definition_the_launcher_builds_is_valid_against_Marathons_schema_with_constraints_labels_and_no_secret()
    {
        var o = fx.Options("Prod Session", executors: 4) with
        {
            Group = "team/staging-analytics",
            Cpus = 2,
            Memory = "4g",
            Constraints = [["hostname", "UNIQUE"], ["rack", "LIKE", "r[12]"]],
            Labels = new Dictionary<string, string> { ["cost-center"] = "analytics" },
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "64" },
        };
        var launcher = new MarathonSparkLauncher(o);
        var group = launcher.GroupIdFor("0123456789ab");
        group.Should().Be("/team/staging-analytics/prod-session-0123456789ab");
        var driver = launcher.DriverApp(group + "/driver", "0123456789ab", new string('a', 64), "2026-11-26T00:00:00Z");
        var workers = launcher.WorkerApp(group + "/workers", "0123456789ab", new string('a', 64), "2026-11-26T00:00:00Z", "agent-7.example", 31000);
        foreach (var app in new[] { driver, workers })
        {
            fx.Emulator.Schemas.ValidateApp(app).Should().BeEmpty();
            app["constraints"]!.ToJsonString().Should().Be("""[["hostname","UNIQUE"],["rack","LIKE","r[12]"]]""");
            app["labels"]!["cost-center"]!.GetValue<string>().Should().Be("analytics");
            app["env"]!.AsObject().Select(kv => kv.Key).Should().NotContain(k => k.Contains("PASSWORD", StringComparison.Ordinal) || k == "ISPARK_GATEWAY_TOKEN");
        }

        driver["healthChecks"]![0]!["protocol"]!.GetValue<string>().Should().Be("MESOS_HTTPS");
        driver["healthChecks"]![0]!["maxConsecutiveFailures"]!.GetValue<int>().Should().Be(0, "a driver is never replaced: a new one would be a new session");
        driver["cpus"]!.GetValue<double>().Should().Be(2);
        driver["mem"]!.GetValue<long>().Should().Be(4096);
        driver["env"]!["ISPARK_DRIVER_MEMORY"]!.GetValue<string>().Should().Be("2048m");
        // --conf values go to the task's gateway after its pin proof, never in the app (anyone who reads the app reads them).
        driver["args"]!.ToJsonString().Should().Be("""["driver"]""");
        driver.ToJsonString().Should().NotContain("shuffle.partitions");
        workers["env"]!["ISPARK_SESSION_FILES"]!.GetValue<string>().Should().Be("gateway");
        workers["instances"]!.GetValue<int>().Should().Be(4);
        workers["env"]!["ISPARK_MASTER_HOST"]!.GetValue<string>().Should().Be("agent-7.example");

        // Options a user can get wrong fail before anything is sent, saying what to do.
        FluentActions.Invoking(() => new MarathonSparkLauncher(o with { Group = "Staging_Analytics" })).Should().Throw<ArgumentException>().WithMessage("*--group*");
        FluentActions.Invoking(() => new MarathonSparkLauncher(o with { Marathon = new Uri("http://alice:secret@marathon:8080") }))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("ISPARK_MARATHON_USER").And.NotContain("secret");
        FluentActions.Invoking(() => new MarathonSparkLauncher(o with { Constraints = [["hostname"]] })).Should().Throw<ArgumentException>().WithMessage("*hostname:UNIQUE*");
    }

    [Fact]
    public void Credentials_come_from_the_environment_or_files_and_never_show_their_secret()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "alice:s3cr3t-from-file\n");
            var env = new Dictionary<string, string> { ["ISPARK_MARATHON_CREDENTIALS_FILE"] = file };
            var basic = MarathonCredentials.FromEnvironment(n => env.GetValueOrDefault(n))!;
            basic.ToString().Should().Be("basic (user alice)");
            using var request = new HttpRequestMessage();
            var apply = typeof(MarathonCredentials).GetMethod("Apply", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
            apply.Invoke(basic, [request]);
            request.Headers.Authorization.Should().Be(new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:s3cr3t-from-file"u8.ToArray())));

            File.WriteAllText(file, "tok-123\n");
            var token = MarathonCredentials.FromEnvironment(n => n == "ISPARK_MARATHON_TOKEN_FILE" ? file : null)!;
            token.ToString().Should().Be("token").And.NotContain("tok-123");
            using var request2 = new HttpRequestMessage();
            apply.Invoke(token, [request2]);
            request2.Headers.GetValues("Authorization").Should().Equal("token=tok-123");

            MarathonCredentials.FromEnvironment(_ => null).Should().BeNull();
            FluentActions.Invoking(() => MarathonCredentials.FromEnvironment(n => n == "ISPARK_MARATHON_USER" ? "bob" : null))
                .Should().Throw<ArgumentException>().WithMessage("*ISPARK_MARATHON_PASSWORD*");
            FluentActions.Invoking(() => MarathonCredentials.FromEnvironment(n => n == "ISPARK_MARATHON_TOKEN_FILE" ? "/nonexistent/token" : null))
                .Should().Throw<ArgumentException>().WithMessage("*ISPARK_MARATHON_TOKEN_FILE*");
        }
        finally
        {
            File.Delete(file);
        }
    }


    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

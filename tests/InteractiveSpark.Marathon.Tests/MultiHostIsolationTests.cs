using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions.Execution;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Marathon;
using Xunit.Abstractions;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>
/// A Marathon session on the multi-host bed (issue 17): driver and workers on different agents, each agent its own
/// network namespace and address; from the bed's intruder namespace every listening socket of every agent (found with
/// <c>ss -ltnp</c> inside each agent's namespace, not from a list) is tried without any credential; what Marathon,
/// Docker and the host's process list show about the session is searched for the token, the secrets and a --conf value.
/// </summary>
[Collection(MultiHostCollection.Name)]
public sealed partial class MultiHostIsolationTests(MultiHostFixture fx, ITestOutputHelper output)
{
    /// <summary>A --conf key Spark's redaction should cover; its value must show nowhere outside the session.</summary>
    private const string ConfKey = "spark.ispark.test.credential";

    /// <summary>Where a session's Spark secret and UI secret are in a driver or worker container, once delivered there.</summary>
    private const string ContainerSessionFolder = "/opt/ispark/session";

    [Fact]
    public async Task The_bed_gives_each_agent_its_own_namespace_and_address_reachable_over_the_bridge_and_leaves_nothing()
    {
        // A leftover of a crashed run (its owner process is gone) is removed when a bed is made.
        var dead = await TestProcess.RunAsync("sh", ["-c", "echo $$"], TimeSpan.FromSeconds(10));
        var stale = ClusterNetwork.Prefix + "dead00";
        await Run("ip", "link", "add", stale, "type", "bridge");
        await Run("ip", "link", "set", "dev", stale, "alias", "owner-pid=" + dead.Output.Trim());
        await Run("ip", "netns", "add", stale + "-intruder");
        await Run("docker", "run", "-d", "--name", stale + "-agent0", "--network", "none", "--label", ClusterNetwork.BedLabel + "=" + stale,
            "--label", ClusterNetwork.OwnerPidLabel + "=" + dead.Output.Trim(), "--entrypoint", "sleep", MultiHostFixture.HolderImage, "infinity");
        await Run("docker", "run", "-d", "--name", stale + "-task", "--network", "container:" + stale + "-agent0", "--entrypoint", "sleep", MultiHostFixture.HolderImage, "infinity");

        var bed = await ClusterNetwork.CreateAsync(2, MultiHostFixture.HolderImage);
        try
        {
            (await Run("ip", "-o", "link", "show")).Should().NotContain(stale, "a bed whose owner is gone is removed");
            (await Run("ip", "netns", "list")).Should().NotContain(stale);
            (await Run("docker", "ps", "-a", "--format", "{{.Names}}")).Should().NotContain(stale, "its holder and the task that joined it are removed");
            (await Run("ip", "-o", "link", "show")).Should().Contain(fx.Bed.Id, "the live bed of this process is left alone");
            (await Run("ip", "-4", "route")).Should().Contain(bed.Subnet.ToString()).And.Contain(fx.Bed.Subnet.ToString());
            bed.Subnet.Should().NotBe(fx.Bed.Subnet);

            // Each agent's namespace has its own address and sockets: a listener on agent 0 is not in agent 1's ss.
            using var listener = bed.Agents[0].Namespace.CreateSocket(AddressFamily.InterNetwork);
            listener.Bind(new IPEndPoint(bed.Agents[0].Address, 0));
            listener.Listen();
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            using var loopback = bed.Agents[0].Namespace.CreateSocket(AddressFamily.InterNetwork);
            loopback.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            loopback.Listen();
            var loopbackPort = ((IPEndPoint)loopback.LocalEndPoint!).Port;
            (await ClusterNetwork.ListeningSocketsAsync(bed.Agents[0])).Select(s => s.Endpoint)
                .Should().Contain(new IPEndPoint(bed.Agents[0].Address, port)).And.Contain(new IPEndPoint(IPAddress.Loopback, loopbackPort));
            (await ClusterNetwork.ListeningSocketsAsync(bed.Agents[1])).Should().BeEmpty();

            // Reachable from the intruder, the other agent and the notebook (this process) over the bridge; its loopback from none.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var from in new[] { bed.Intruder, bed.Agents[1].Namespace })
            {
                using var connected = await from.ConnectAsync(new IPEndPoint(bed.Agents[0].Address, port), timeout.Token);
                connected.Connected.Should().BeTrue();
            }

            using (var notebook = new TcpClient())
            {
                await notebook.ConnectAsync(new IPEndPoint(bed.Agents[0].Address, port), timeout.Token);
            }

            await FluentActions.Awaiting(async () => (await bed.Intruder.ConnectAsync(new IPEndPoint(IPAddress.Loopback, loopbackPort), timeout.Token)).Dispose())
                .Should().ThrowAsync<SocketException>("the intruder's loopback is its own");
        }
        finally
        {
            await bed.DisposeAsync();
        }

        (await bed.RemainsAsync()).Should().BeEmpty("the bed's containers, namespaces, veths and bridge are removed");
    }

    [Fact]
    public async Task A_session_on_two_agents_runs_a_shuffle_and_nothing_of_it_answers_the_intruder_or_shows_a_secret()
    {
        var confValue = "conf-value-" + Guid.NewGuid().ToString("N");
        var options = fx.Options("Isolation", executors: 2);
        options = options with { Conf = new Dictionary<string, string>(options.Conf) { [ConfKey] = confValue } };
        var session = await new MarathonSparkLauncher(options).StartAsync();
        var groupId = session.GroupId;
        var agents = fx.Bed.Agents;
        try
        {
            // Placement: every task on an agent, with the agent's address as its host; driver and workers on different agents.
            var tasks = await session.TasksAsync();
            tasks.Should().HaveCount(3).And.OnlyContain(t => t.IsRunning);
            var addresses = agents.Select(a => a.Address.ToString()).ToList();
            tasks.Select(t => t.Host).Should().OnlyContain(h => addresses.Contains(h));
            session.WorkerTasks.Should().Contain(w => w.Host != session.DriverHost, "round-robin puts a worker on another agent than the driver");
            session.ConnectionString.Host.Should().Be(session.DriverHost);
            foreach (var c in await SessionContainersAsync(groupId))
            {
                var host = (await Run("docker", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", c)).Split('\n').Single(l => l.StartsWith("HOST=", StringComparison.Ordinal));
                addresses.Should().Contain(host["HOST=".Length..], "each task's HOST is its agent's address");
            }

            output.WriteLine($"driver on {session.DriverHost}; workers on {string.Join(", ", session.WorkerTasks.Select(w => w.Host))}");

            // The notebook's view: Spark Connect, the UI and executor logs through the gateway, executors on the worker agents.
            await using var spark = await session.ConnectAsync();
            using var http = MarathonFixture.Pinned(session);
            var open = new OpenSparkSession("multihost", session, spark, session.SparkVersion!, null);
            using var ui = await http.GetAsync("/ui/api/v1/applications");
            output.WriteLine($"gateway /ui/api/v1/applications: {(int)ui.StatusCode} {ui.StatusCode}");

            // Each executor's command line (its log's first lines, read by the gateway from its worker on another agent) names its host.
            var executorHosts = new Dictionary<string, string>(StringComparer.Ordinal);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (executorHosts.Count < 2)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "both executors start within 120 s");
                foreach (var id in new[] { "0", "1" })
                {
                    try
                    {
                        var line = (await open.Logs()!.ReadAsync(new SessionLogRequest { Executor = id, Tail = 400, Grep = "executor-id" }))
                            .FirstOrDefault(l => l.Contains("CoarseGrainedExecutorBackend", StringComparison.Ordinal));
                        if (line is not null && ExecutorHostRegex().Match(line) is { Success: true } m)
                        {
                            executorHosts[id] = m.Groups[1].Value;
                        }
                    }
                    catch (SessionToolException)
                    {
                        // Not started yet.
                    }
                }

                await Task.Delay(1000);
            }

            output.WriteLine($"executors on {string.Join(", ", executorHosts.Select(kv => kv.Key + "@" + kv.Value))}");
            executorHosts.Values.Distinct().Should().HaveCount(2, "one executor per worker agent")
                .And.BeEquivalentTo(session.WorkerTasks.Select(w => w.Host));

            var rows = await (await spark.SqlAsync("select k, count(*) from (select id % 7 as k from range(0, 100000, 1, 4)) group by k order by k")).CollectAsync();
            rows.Should().HaveCount(7);
            rows.Sum(r => (long)r[1]!).Should().Be(100000);

            // Every listening socket of every agent, found inside each namespace, tried without a credential.
            var probes = new List<Task<(ClusterAgent Agent, ListeningSocket Socket, string From, SocketFindings Findings)>>();
            foreach (var agent in agents)
            {
                foreach (var socket in await ClusterNetwork.ListeningSocketsAsync(agent))
                {
                    // Loopback is not on the bridge: tried from the agent itself (another task on that agent, which shares it).
                    var fromAgent = !agent.IsReachableFromBridge(socket.Endpoint);
                    var from = fromAgent ? agent.Namespace : fx.Bed.Intruder;
                    var target = agent.OnBridge(socket.Endpoint);
                    probes.Add(Task.Run(async () => (agent, socket, fromAgent ? "the agent itself" : "intruder", await SocketProbe.ProbeAsync(from, target))));
                }
            }

            var findings = (await Task.WhenAll(probes)).OrderBy(f => f.Agent.Name, StringComparer.Ordinal).ThenBy(f => f.Socket.Endpoint.Port).ToList();
            var table = new StringBuilder();
            table.AppendLine("| agent | socket (ss -ltn) | process | probed from | verdict | HTTP GET | TLS + GET /ui/ | gRPC | Spark RPC |");
            table.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var (agent, socket, from, f) in findings)
            {
                var role = agent.Address.ToString() == session.DriverHost ? "driver agent" : "worker agent";
                table.AppendLine(CultureInfo.InvariantCulture, $"| {agent.Name[(fx.Bed.Id.Length + 1)..]} ({role}) | {socket.Endpoint} | {socket.Process} | {from} | {f.Verdict} | {f.Http} | {f.Tls} | {f.Grpc} | {f.SparkRpc} |");
            }

            output.WriteLine(table.ToString());
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "multihost-sockets.md"), table.ToString());

            // Spark's own tools from the intruder, without the session's secret: a worker that registers with the session's
            // master (it would be given an executor of the application: standalone hands an application every free core)
            // and Client's kill. Neither gets past the master's authentication.
            var master = (await spark.Conf.GetAsync("spark.master"))!;
            var rogueDir = Directory.CreateTempSubdirectory("ispark-rogue-worker-").FullName;
            var rogueWorker = await IntruderSparkAsync(
                "org.apache.spark.deploy.worker.Worker", "--cores", "1", "--memory", "512m", "--work-dir", rogueDir,
                "--host", fx.Bed.IntruderAddress.ToString(), "--port", "0", "--webui-port", "0", master);
            Directory.Delete(rogueDir, recursive: true);
            var appId = (await http.GetFromJsonAsync<JsonElement>("/ui/api/v1/applications"))[0].GetProperty("id").GetString()!;
            var rogueKill = await IntruderSparkAsync("org.apache.spark.deploy.Client", "kill", master, appId);
            var executorsAfter = (await http.GetFromJsonAsync<JsonElement>($"/ui/api/v1/applications/{appId}/executors")).EnumerateArray()
                .Count(e => e.GetProperty("id").GetString() != "driver");
            var stillRuns = (await (await spark.SqlAsync("select count(*) from range(1000)")).CollectAsync())[0][0];
            output.WriteLine($"rogue worker from the intruder against {master}: {RpcOutcome(rogueWorker)}; rogue kill of {appId}: {RpcOutcome(rogueKill)}; "
                + $"executors afterwards: {executorsAfter}; a query afterwards: {stillRuns} rows counted");

            // Everything Marathon, Docker and the host's process list show about the session.
            var shown = new StringBuilder();
            foreach (var app in fx.Emulator.ReceivedApps.Where(a => a["id"]!.GetValue<string>().StartsWith(groupId, StringComparison.Ordinal)))
            {
                shown.AppendLine(app.ToJsonString());
            }

            foreach (var appIdInGroup in fx.Emulator.AppIds.Where(a => a.StartsWith(groupId, StringComparison.Ordinal)))
            {
                shown.AppendLine(fx.Emulator.TasksBody(appIdInGroup).ToJsonString());
            }

            using (var marathon = new MarathonClient(fx.Emulator.Url, MarathonCredentials.Basic(MultiHostFixture.User, fx.Password)))
            {
                foreach (var app in await marathon.AppsAsync(InteractiveSpark.Sessions.Docker.DockerSparkContainers.SessionLabel + "==" + session.SessionId))
                {
                    shown.AppendLine(app.ToJsonString());
                }
            }

            var containers = await SessionContainersAsync(groupId);
            foreach (var c in containers)
            {
                shown.AppendLine(await Run("docker", "inspect", c));
            }

            shown.AppendLine((await TestProcess.RunAsync("ps", ["-eww", "-o", "args"], TimeSpan.FromSeconds(30))).Output);

            // The session's Spark secrets, where the containers hold them once delivered (nothing there today).
            var driverContainer = containers.First(c => c.Contains("driver", StringComparison.Ordinal));
            var properties = await TestProcess.RunAsync("docker", ["exec", driverContainer, "cat", ContainerSessionFolder + "/spark.properties"], TimeSpan.FromSeconds(30));
            var uiSecret = await TestProcess.RunAsync("docker", ["exec", driverContainer, "cat", ContainerSessionFolder + "/ui-secret"], TimeSpan.FromSeconds(30));
            var authSecret = properties.ExitCode == 0 ? AuthSecretRegex().Match(properties.Output).Groups[1].Value : "";
            var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var key in new[] { "spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled" })
            {
                settings[key] = await spark.Conf.GetAsync(key, "unset");
            }

            string? Setting(string key) => settings[key];

            var sockets = findings.Count;
            var opened = findings.Where(f => f.Findings.IsOpen).ToList();
            var inShown = shown.ToString();
            output.WriteLine($"{sockets} listening sockets on {agents.Count} agents; {opened.Count} answer without a credential");
            output.WriteLine($"in what Marathon, Docker and ps show: session token {Has(inShown, session.ConnectionString.Token!)}, --conf value {Has(inShown, confValue)} "
                + $"(Marathon app args: {Has(string.Join('\n', fx.Emulator.ReceivedApps.Select(a => a.ToJsonString())), confValue)}, docker inspect: {Has(string.Join('\n', await Task.WhenAll(containers.Select(c => Run("docker", "inspect", c)))), confValue)}, "
                + $"ps: {Has((await TestProcess.RunAsync("ps", ["-eww", "-o", "args"], TimeSpan.FromSeconds(30))).Output, confValue)})");
            output.WriteLine($"spark.authenticate={Setting("spark.authenticate")}, spark.network.crypto.enabled={Setting("spark.network.crypto.enabled")}, "
                + $"spark.io.encryption.enabled={Setting("spark.io.encryption.enabled")}, session folder in the driver container: {(properties.ExitCode == 0 ? "present" : "absent")}");

            using (new AssertionScope())
            {
                ((int)ui.StatusCode).Should().Be(200, "the gateway's /ui/ reaches the driver's UI, which binds the agent's address");
                sockets.Should().BeGreaterThanOrEqualTo(10, "gateway, Spark Connect, driver UI and RPC, block managers, master RPC and UI, two workers' RPC and UI");
                string.Join(Environment.NewLine, opened.Select(f => $"{f.Agent.Name} {f.Socket.Endpoint} ({f.Socket.Process}): {f.Findings.Verdict}")).Should().BeEmpty(
                    "nothing of a session answers without its credential: refused, TLS then 401, gRPC UNAUTHENTICATED, or Spark's authentication failure");
                findings.Should().Contain(f => f.Findings.Tls.Kind == ProbeKind.Refused, "the gateway: TLS, then 401 without the token");
                // Booleans, not the text: a failure message must not carry the machine's whole process list.
                inShown.Contains(session.ConnectionString.Token!, StringComparison.Ordinal).Should().BeFalse("the session token never leaves the notebook");
                inShown.Contains(confValue, StringComparison.Ordinal).Should().BeFalse("--conf values are on no command line, in no Marathon app and in no docker inspect");
                properties.ExitCode.Should().Be(0, $"the session's Spark settings are delivered into {ContainerSessionFolder}/spark.properties");
                uiSecret.ExitCode.Should().Be(0, $"the UI secret is delivered into {ContainerSessionFolder}/ui-secret");
                if (authSecret.Length > 0)
                {
                    inShown.Contains(authSecret, StringComparison.Ordinal).Should().BeFalse("the Spark secret is in no app, inspect or command line");
                }

                if (uiSecret.ExitCode == 0 && uiSecret.Output.Trim().Length > 0)
                {
                    inShown.Contains(uiSecret.Output.Trim(), StringComparison.Ordinal).Should().BeFalse("the UI secret is in no app, inspect or command line");
                }

                rogueWorker.Should().NotContain("Successfully registered with master", "a worker without the session's secret cannot join its master");
                rogueKill.Should().NotContainAny(["Kill request for", "not found"], "the master never answered the intruder's kill");
                executorsAfter.Should().Be(2, "no executor was given to an intruder's worker");
                stillRuns.Should().Be(1000L, "the application lives on");
                Setting("spark.authenticate").Should().Be("true");
                Setting("spark.network.crypto.enabled").Should().Be("true");
                Setting("spark.io.encryption.enabled").Should().Be("true");
            }
        }
        finally
        {
            await session.DisposeAsync();
        }

        fx.Emulator.AppIds.Should().NotContain(id => id.StartsWith(groupId, StringComparison.Ordinal));
        (await SessionContainersAsync(groupId)).Should().BeEmpty();
    }

    /// <summary>Runs a class of Spark's own jars from the intruder's namespace, without any secret, for 25 s at most; returns its output.</summary>
    private async Task<string> IntruderSparkAsync(string mainClass, params string[] args)
    {
        var home = InteractiveSpark.Sessions.Local.SparkHome.Resolve();
        string[] command =
        [
            "25", "ip", "netns", "exec", System.IO.Path.GetFileName(fx.Bed.Intruder.Path), "env", "SPARK_SCALA_VERSION=2.13", "SPARK_HOME=" + home,
            "java", "-Xmx256m", "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED", "-cp", home + "/jars/*", mainClass, .. args,
        ];
        var (_, text) = await TestProcess.RunAsync("timeout", command, TimeSpan.FromSeconds(60));
        return text;
    }

    /// <summary>The lines of a Spark tool's output that say how its RPC ended, for the test's log.</summary>
    private static string RpcOutcome(string text) =>
        string.Join(" / ", text.Split('\n').Where(l => l.Contains("WARN", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal))
            .Select(l => l.Trim()).Distinct(StringComparer.Ordinal).Take(3)) is { Length: > 0 } lines ? lines : "(no answer)";

    private static string Has(string text, string value) => text.Contains(value, StringComparison.Ordinal) ? "FOUND" : "absent";

    private async Task<List<string>> SessionContainersAsync(string groupId) =>
        (await fx.Emulator.ContainersAsync()).Where(c => c.Labels[MarathonEmulator.MarathonEmulator.AppLabel].StartsWith(groupId, StringComparison.Ordinal))
            .Select(c => c.Names[0].TrimStart('/')).ToList();

    private static async Task<string> Run(string file, params string[] args)
    {
        var (code, text) = await TestProcess.RunAsync(file, args, TimeSpan.FromSeconds(60));
        code.Should().Be(0, $"{file} {string.Join(' ', args)}: {text}");
        return text;
    }


    [GeneratedRegex(@"""--hostname"" ""([^""]+)""")]
    private static partial Regex ExecutorHostRegex();

    [GeneratedRegex(@"(?m)^spark\.authenticate\.secret=(\S+)$")]
    private static partial Regex AuthSecretRegex();
}

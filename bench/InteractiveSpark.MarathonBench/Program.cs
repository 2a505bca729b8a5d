// P1 for Marathon: time from MarathonSparkLauncher.StartAsync (app created through the emulator's REST API, deployment
// followed, task host and ports read, gateway proven by its pin proof) to the first answered query, side by side with
// the Docker launcher (the same image and gateway, started directly on the engine) in the same run. Runs alternate
// (docker, marathon, docker, marathon, ...) so a busy machine hurts both alike; prints every run and the medians.
// The emulator runs tasks on this machine's Docker engine: the figure measures the launcher's REST round trips and
// polling, not a real Marathon's scheduling (offers, image pulls), which add their own seconds.
// --multihost: P1 on the multi-host test bed (tests/InteractiveSpark.Testing ClusterNetwork: a bridge, agents that are
// network namespaces, the notebook reaching them over the bridge; root needed): the Marathon launcher's session (tasks on
// the agents, HOST = the agent's address) against the bare Spark Connect server in the same image on an agent
// (entrypoint mode `spark-connect`, bound to the agent's address: no gateway, no TLS, no token), polled from the notebook
// until `select 1` answers. Runs alternate (bare, marathon, ...); the bed is removed at the end.
// Usage: dotnet run -c Release --project bench/InteractiveSpark.MarathonBench -- [--runs 3] [--executors 0] [--image ispark-driver:test] [--multihost]
using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.Testing;

var runs = 3;
var executors = 0;
var image = DockerSparkLauncherOptions.DefaultImage;
var multihost = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--executors": executors = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--image": image = args[++i]; break;
        case "--multihost": multihost = true; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--runs N] [--executors K] [--image NAME] [--multihost]"); return 2;
    }
}

if (multihost)
{
    return await MultiHostAsync(image, runs, executors);
}

var password = Guid.NewGuid().ToString("N");
await using var emulator = await MarathonEmulator.StartAsync(new MarathonEmulatorOptions { User = "bench", Password = password });
var docker = new List<double>();
var marathon = new List<double>();
for (var run = 1; run <= runs; run++)
{
    var d = await TimeAsync(async watch =>
    {
        await using var s = await new DockerSparkLauncher(new DockerSparkLauncherOptions
        {
            Image = image, Name = "p1", NamePrefix = "ispark-bench", Executors = executors, StartupTimeout = TimeSpan.FromSeconds(300),
        }).StartAsync();
        await using var spark = await s.ConnectAsync();
        var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
        return rows.Count == 1 ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException("select 1 did not answer one row");
    });
    docker.Add(d);
    Console.WriteLine($"run {run}: docker launcher   {d:0.00} s");
    var m = await TimeAsync(async watch =>
    {
        await using var s = await new MarathonSparkLauncher(new MarathonSparkLauncherOptions
        {
            Marathon = emulator.Url, Credentials = MarathonCredentials.Basic("bench", password), Group = "ispark-bench", Name = "p1",
            Image = image, Executors = executors, StartupTimeout = TimeSpan.FromSeconds(300),
        }).StartAsync();
        await using var spark = await s.ConnectAsync();
        var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
        return rows.Count == 1 ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException("select 1 did not answer one row");
    });
    marathon.Add(m);
    Console.WriteLine($"run {run}: marathon launcher {m:0.00} s (emulator)");
}

double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
Console.WriteLine($"P1 median ({executors} executors): docker {Median(docker):0.00} s, marathon (emulator) {Median(marathon):0.00} s, ratio {Median(marathon) / Median(docker):0.000}");
return 0;

// Magic to first answered query: each run reads the clock when the answer is in; stopping the session is not counted.
static Task<double> TimeAsync(Func<Stopwatch, Task<double>> run) => run(Stopwatch.StartNew());

static async Task<int> MultiHostAsync(string image, int runs, int executors)
{
    await using var bed = await ClusterNetwork.CreateAsync(3, "ispark-test-base:bookworm-jre17");
    var password = Guid.NewGuid().ToString("N");
    await using var emulator = await MarathonEmulator.StartAsync(new MarathonEmulatorOptions
    {
        User = "bench",
        Password = password,
        Agents = bed.Agents.Select(a => new MarathonEmulatorAgent(a.Address.ToString(), a.HolderContainer)).ToList(),
    });
    Console.WriteLine($"bed {bed.Id}: notebook {bed.NotebookAddress}, agents {string.Join(", ", bed.Agents.Select(a => a.Address))}");
    var bare = new List<double>();
    var marathon = new List<double>();
    for (var run = 1; run <= runs; run++)
    {
        var agent = bed.Agents[(run - 1) % bed.Agents.Count];
        var b = await BareOnAgentAsync(image, agent);
        bare.Add(b);
        Console.WriteLine($"run {run}: bare spark-connect on {agent.Address} {b:0.00} s");
        string? host = null;
        var m = await TimeAsync(async watch =>
        {
            await using var s = await new MarathonSparkLauncher(new MarathonSparkLauncherOptions
            {
                Marathon = emulator.Url, Credentials = MarathonCredentials.Basic("bench", password), Group = "ispark-bench", Name = "p1",
                Image = image, Executors = executors, StartupTimeout = TimeSpan.FromSeconds(300),
            }).StartAsync();
            await using var spark = await s.ConnectAsync();
            var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
            host = s.DriverHost;
            return rows.Count == 1 ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException("select 1 did not answer one row");
        });
        marathon.Add(m);
        Console.WriteLine($"run {run}: marathon launcher, driver on {host} {m:0.00} s");
    }

    double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
    var ratio = Median(marathon) / Median(bare);
    Console.WriteLine($"P1 on the multi-host bed, median ({executors} executors): bare {Median(bare):0.00} s, marathon (emulator) {Median(marathon):0.00} s, "
        + $"ratio {ratio:0.000} (goal <= 1.15) {(ratio <= 1.15 ? "MET" : "NOT MET")}");
    return 0;
}

// The bare server in an agent's namespace, bound to the agent's address, polled from the notebook over the bridge.
static async Task<double> BareOnAgentAsync(string image, ClusterAgent agent)
{
    var watch = Stopwatch.StartNew();
    using var client = DockerSparkContainers.CreateClient();
    var port = LocalSparkServer.FreePort();
    var ui = LocalSparkServer.FreePort();
    var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
    {
        Image = image,
        Name = $"{agent.Name}-bare-{Guid.NewGuid().ToString("N")[..6]}",
        // A later --conf wins: the bare server listens on the agent's address instead of loopback.
        Cmd = ["spark-connect", "--conf", "spark.connect.grpc.binding.address=" + agent.Address],
        Env = [$"ISPARK_GATEWAY_SPARK_PORT={port}", $"ISPARK_GATEWAY_SPARK_UI_PORT={ui}", "ISPARK_DRIVER_MEMORY=1g", "ISPARK_SPARK_HOST=" + agent.Address],
        Labels = new Dictionary<string, string> { [ClusterNetwork.BedLabel + ".bench"] = "bare" },
        HostConfig = new HostConfig { NetworkMode = "container:" + agent.HolderContainer, AutoRemove = true },
    });
    try
    {
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var cs = new SparkConnectionString { Host = agent.Address.ToString(), Port = port };
        while (true)
        {
            try
            {
                await using var spark = await SparkSession.ConnectAsync(cs, SparkSessionOptions.Default with { ConnectTimeout = TimeSpan.FromSeconds(2) });
                var rows = await (await spark.SqlAsync("select 1")).CollectAsync();
                var elapsed = watch.Elapsed.TotalSeconds;
                return Equals(rows[0][0], 1) ? elapsed : throw new InvalidOperationException("wrong answer");
            }
            catch (Exception e) when (e is SparkException or TimeoutException or OperationCanceledException or System.Net.Http.HttpRequestException)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(300))
                {
                    throw;
                }

                // Every 100 ms, as the Docker bench polls its bare server.
                await Task.Delay(100);
            }
        }
    }
    finally
    {
        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

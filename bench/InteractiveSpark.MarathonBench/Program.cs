// P1 for Marathon: time from MarathonSparkLauncher.StartAsync (app created through the emulator's REST API, deployment
// followed, task host and ports read, gateway proven by its pin proof) to the first answered query, side by side with
// the Docker launcher (the same image and gateway, started directly on the engine) in the same run. Runs alternate
// (docker, marathon, docker, marathon, ...) so a busy machine hurts both alike; prints every run and the medians.
// The emulator runs tasks on this machine's Docker engine: the figure measures the launcher's REST round trips and
// polling, not a real Marathon's scheduling (offers, image pulls), which add their own seconds.
// Usage: dotnet run -c Release --project bench/InteractiveSpark.MarathonBench -- [--runs 3] [--executors 0] [--image ispark-driver:test]
using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Marathon;

var runs = 3;
var executors = 0;
var image = DockerSparkLauncherOptions.DefaultImage;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--executors": executors = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--image": image = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--runs N] [--executors K] [--image NAME]"); return 2;
    }
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

using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Kafka;

// P4 (issue 8): the last N messages of each partition of a big topic, with #!kafka-sample's code path (KafkaSampler,
// a new consumer per sample: connection set-up included) against kcat (Debian package) doing the same
// (`kcat -C -b B -t T -o -N -e -q`, a whole process), alternating, in one run. One table; the ratio is ours ÷ kcat.
//
//   dotnet run -c Release --project bench/InteractiveSpark.KafkaBench -- --bootstrap 127.0.0.1:9092
//       [--topic p4-1m] [--messages 1000000] [--partitions 12] [--last 100] [--repeat 7] [--kcat kcat]
//
// The topic is created and filled when it does not hold --messages yet (about 100-byte JSON values, keyed).
var options = Options.Parse(args);
if (options.Child)
{
    // One sample in a fresh process (timed by the parent as a whole, like kcat): JIT and start-up included.
    var s = await new KafkaSampler(new KafkaConnection(options.Bootstrap)).SampleAsync(new KafkaSampleRequest(options.Topic) { Last = options.Last });
    Console.WriteLine(s.Records.Count.ToString(CultureInfo.InvariantCulture));
    return 0;
}

var connection = new KafkaConnection(options.Bootstrap);
await EnsureTopicAsync(connection, options);
var expected = options.Partitions * options.Last;
var kcatVersion = await RunAsync(options.Kcat, ["-V"]);
Console.WriteLine($"P4: last {options.Last} of each of {options.Partitions} partitions of '{options.Topic}' ({options.Messages:N0} messages) at {options.Bootstrap}; " +
                  $"{Environment.ProcessorCount} cores, load {Load()}; {kcatVersion.Output.Split('\n').FirstOrDefault(l => l.StartsWith("Version", StringComparison.Ordinal))?.Trim() ?? "kcat"}; .NET {Environment.Version}");

// Warm-up: one of each (JIT for ours, page cache for both).
await OursAsync();
await KcatAsync();

var ours = new List<double>();
var child = new List<double>();
var kcat = new List<double>();
var kcatTuned = new List<double>();
for (var i = 0; i < options.Repeat; i++)
{
    ours.Add(await OursAsync());
    kcat.Add(await KcatAsync());
    child.Add(await ChildAsync());
    kcatTuned.Add(await KcatAsync("-X", "fetch.wait.max.ms=10"));
}

Console.WriteLine();
Console.WriteLine("| tool | what is timed | median s | min s | max s | messages | ratio to kcat (median) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
Row("InteractiveSpark KafkaSampler (#!kafka-sample's code path)", "SampleAsync in a running process, new consumer each time", ours);
Row("InteractiveSpark KafkaSampler, whole process", "a fresh `dotnet` process: start-up + JIT + sample", child);
Row("kcat", "`kcat -C -b B -t T -o -100 -e -q`, whole process", kcat);
Row("kcat, fetch.wait.max.ms=10 (our sampler's setting)", "the same with `-X fetch.wait.max.ms=10`, whole process", kcatTuned);
Console.WriteLine();
Console.WriteLine($"load after: {Load()}; runs alternate ours / kcat / ours-as-a-process / tuned kcat, {options.Repeat} each after one warm-up each.");
return 0;

void Row(string tool, string what, List<double> seconds)
{
    var median = Median(seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {tool} | {what} | {median:0.000} | {seconds.Min():0.000} | {seconds.Max():0.000} | {expected} | {median / Median(kcat):0.00} |"));
}

async Task<double> OursAsync()
{
    var watch = Stopwatch.StartNew();
    var sample = await new KafkaSampler(connection).SampleAsync(new KafkaSampleRequest(options.Topic) { Last = options.Last });
    watch.Stop();
    Check("ours", sample.Records.Count);
    return watch.Elapsed.TotalSeconds;
}

async Task<double> KcatAsync(params string[] extra)
{
    var watch = Stopwatch.StartNew();
    var (code, output) = await RunAsync(options.Kcat, ["-C", "-b", options.Bootstrap, "-t", options.Topic, "-o", $"-{options.Last}", "-e", "-q", .. extra]);
    watch.Stop();
    if (code != 0) throw new InvalidOperationException($"kcat failed ({code}): {output}");
    Check("kcat", output.Count(c => c == '\n'));
    return watch.Elapsed.TotalSeconds;
}

async Task<double> ChildAsync()
{
    var self = Environment.ProcessPath!;
    var dll = typeof(Options).Assembly.Location;
    string[] childArgs = ["--child", "--bootstrap", options.Bootstrap, "--topic", options.Topic, "--last", options.Last.ToString(CultureInfo.InvariantCulture)];
    var watch = Stopwatch.StartNew();
    var (code, output) = Path.GetFileNameWithoutExtension(self) == "dotnet"
        ? await RunAsync(self, [dll, .. childArgs])
        : await RunAsync(self, childArgs);
    watch.Stop();
    if (code != 0) throw new InvalidOperationException($"the child failed ({code}): {output}");
    Check("ours (process)", int.Parse(output.Trim(), CultureInfo.InvariantCulture));
    return watch.Elapsed.TotalSeconds;
}

void Check(string who, int count)
{
    if (count != expected) throw new InvalidOperationException($"{who} read {count} messages, not {expected}.");
}

static async Task EnsureTopicAsync(KafkaConnection connection, Options options)
{
    await KafkaTopics.CreateAsync(connection, options.Topic, options.Partitions);
    var probe = await new KafkaSampler(connection).SampleAsync(new KafkaSampleRequest(options.Topic) { Last = 1 });
    var have = probe.Partitions.Sum(p => p.High ?? 0);
    if (probe.Partitions.Count != options.Partitions) throw new InvalidOperationException($"'{options.Topic}' has {probe.Partitions.Count} partitions, not {options.Partitions}: use another --topic.");
    if (have >= options.Messages) return;
    var watch = Stopwatch.StartNew();
    var pad = new string('x', 60);
    var written = await KafkaTopics.ProduceAsync(connection, options.Topic, Enumerable.Range((int)have, (int)(options.Messages - have)).Select(i =>
        KafkaMessage.Text($"key-{i % 1000}", $"{{\"id\":{i},\"user\":\"u{i % 977}\",\"pad\":\"{pad}\"}}")));
    Console.WriteLine($"filled '{options.Topic}' with {written:N0} messages in {watch.Elapsed.TotalSeconds:0.0} s");
}

static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
    await p.WaitForExitAsync(limit.Token);
    return (p.ExitCode, await stdout + await stderr);
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

internal sealed record Options(string Bootstrap, string Topic, long Messages, int Partitions, int Last, int Repeat, string Kcat, bool Child)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new Options(
            Value("--bootstrap") ?? throw new ArgumentException("--bootstrap HOST:PORT is required (a broker: ../shared/engines/bin/kafka-broker --port 29092)."),
            Value("--topic") ?? "p4-1m",
            long.Parse(Value("--messages") ?? "1000000", CultureInfo.InvariantCulture),
            int.Parse(Value("--partitions") ?? "12", CultureInfo.InvariantCulture),
            int.Parse(Value("--last") ?? "100", CultureInfo.InvariantCulture),
            int.Parse(Value("--repeat") ?? "7", CultureInfo.InvariantCulture),
            Value("--kcat") ?? "kcat",
            args.Contains("--child"));
    }
}

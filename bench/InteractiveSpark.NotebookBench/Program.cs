// Notebook measurements of issue 5.
//   P5: rendering a 10,000-row x 10-column result to the paged HTML table (time, size).
//   P1 (local launcher): `#!spark-connect --launcher local` through the extension's handler, in an in-process kernel, to the
//       first answered query, against the same server started bare (LocalSparkServer + ConnectAsync + SELECT 1).
// Usage: dotnet run -c Release --project bench/InteractiveSpark.NotebookBench [p5] [p1] [--runs N]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using InteractiveSpark.Interactive;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var which = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)).ToHashSet(StringComparer.OrdinalIgnoreCase);
var runsAt = Array.IndexOf(args, "--runs");
var runs = runsAt >= 0 ? int.Parse(args[runsAt + 1], CultureInfo.InvariantCulture) : 3;
if (which.Count == 0)
{
    which = ["p5", "p1"];
}

if (which.Contains("p5"))
{
    P5();
}

if (which.Contains("p1"))
{
    await P1Async(runs);
}

static void P5()
{
    var schema = new StructType(
        new StructField("id", LongType.Instance, false),
        new StructField("n", IntegerType.Instance),
        new StructField("price", DoubleType.Instance),
        new StructField("name", StringType.Instance),
        new StructField("flag", BooleanType.Instance),
        new StructField("day", DateType.Instance),
        new StructField("at", TimestampType.Instance),
        new StructField("amount", new DecimalType(12, 2)),
        new StructField("tags", new ArrayType(IntegerType.Instance)),
        new StructField("note", StringType.Instance));
    var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    var rows = Enumerable.Range(0, 10_000).Select(i => new Row(schema,
        (long)i, i % 7 == 0 ? null : i * 3, i * 1.25, "customer-" + i, i % 2 == 0, DateOnly.FromDateTime(start.DateTime).AddDays(i % 365),
        start.AddSeconds(i * 37), i * 10.5m, new object?[] { i, i + 1, null }, i % 5 == 0 ? null : "<note & " + i + ">")).ToArray();

    Console.WriteLine("P5: render a 10,000-row x 10-column result as the paged HTML table (median of 20 after 3 warm-ups)");
    Console.WriteLine("| case | what the HTML holds | time (ms) | HTML size | goal |");
    Console.WriteLine("|---|---|---|---|---|");
    Measure("display(df) / #!N cell (default)", "the 100 rows display fetched (LIMIT 101), 5 pages of 20", () => new TablePreview(schema, rows[..100], hasMore: true));
    Measure("collected rows (IReadOnlyList<Row>, 10,000)", "first 1,000 rows, 50 pages; the rest counted", () => TablePreview.FromRows(rows, schema));
    Measure("reference: all 10,000 rows in the HTML", "10,000 rows, 500 pages (not what the formatters do)", () => TablePreview.FromRows(rows, schema, maxRows: 10_000));

    static void Measure(string name, string holds, Func<TablePreview> preview)
    {
        string html = "";
        for (var i = 0; i < 3; i++)
        {
            html = TableRenderer.ToHtml(preview());
        }

        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            html = TableRenderer.ToHtml(preview());
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var bytes = Encoding.UTF8.GetByteCount(html);
        var ok = times[10] <= 50 && bytes <= 1_000_000 ? "met (≤ 50 ms, ≤ 1 MB)" : "missed (≤ 50 ms, ≤ 1 MB)";
        Console.WriteLine($"| {name} | {holds} | {times[10]:0.00} | {bytes / 1024.0:0.0} KB | {ok} |");
    }
}

static async Task P1Async(int runs)
{
    Console.WriteLine();
    Console.WriteLine($"P1 (local launcher): start to first answered query, {runs} runs each, alternating; master local[2], driver memory 2g");
    var bare = new List<double>();
    var magic = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        bare.Add(await BareAsync());
        magic.Add(await MagicAsync(i));
        Console.Error.WriteLine($"  run {i + 1}: bare {bare[^1]:0.00} s, magic {magic[^1]:0.00} s");
    }

    bare.Sort();
    magic.Sort();
    var b = bare[bare.Count / 2];
    var m = magic[magic.Count / 2];
    Console.WriteLine("| path | median (s) | runs (s) |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| bare: LocalSparkServer.StartAsync + SparkSession.ConnectAsync + SELECT 1 | {b:0.00} | {string.Join(", ", bare.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |");
    Console.WriteLine($"| `#!spark-connect --name b --launcher local` then `#!b SELECT 1` (in-process kernel) | {m:0.00} | {string.Join(", ", magic.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |");
    Console.WriteLine($"| ratio magic / bare | {m / b:0.000} | goal ≤ 1.15: {(m / b <= 1.15 ? "met" : "missed")} |");

    static async Task<double> BareAsync()
    {
        var watch = Stopwatch.StartNew();
        await using var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { Master = "local[2]", DriverMemory = "2g" });
        await using var session = await SparkSession.ConnectAsync(server.ConnectionString);
        var rows = await (await session.SqlAsync("SELECT 1 AS one")).CollectAsync();
        var elapsed = watch.Elapsed.TotalSeconds;
        if (rows.Count != 1)
        {
            throw new InvalidOperationException("SELECT 1 returned no row");
        }

        return elapsed;
    }

    static async Task<double> MagicAsync(int i)
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        using var root = new CompositeKernel { csharp };
        root.DefaultKernelName = csharp.Name;
        csharp.AddAssemblyReferences([typeof(SparkKernelExtension).Assembly.Location]);
        await Check(root.SendAsync(new SubmitCode("await InteractiveSpark.Interactive.SparkKernelExtension.LoadAsync(Microsoft.DotNet.Interactive.Kernel.Root);")));
        await Check(root.SendAsync(new SubmitCode("1 + 1"))); // Roslyn warm-up: not part of the measure

        var name = "b" + i.ToString(CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        await Check(root.SendAsync(new SubmitCode($"#!spark-connect --name {name} --launcher local")));
        await Check(root.SendAsync(new SubmitCode($"#!{name}\nSELECT 1 AS one")));
        var elapsed = watch.Elapsed.TotalSeconds;
        await Check(root.SendAsync(new SubmitCode($"#!spark-stop --name {name}")));
        return elapsed;
    }

    static async Task Check(Task<KernelCommandResult> sent)
    {
        var result = await sent;
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
        {
            throw new InvalidOperationException(failed.Message);
        }
    }
}

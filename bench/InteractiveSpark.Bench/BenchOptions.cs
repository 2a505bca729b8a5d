using System.Globalization;

namespace InteractiveSpark.Bench;

/// <summary>The harness's command line.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: InteractiveSpark.Bench [--rows N] [--url sc://...] [--only LIST] [--goeddie-peer PATH]
                                      [--engines DIR] [--driver-memory 4g] [--jvm-heap 10g] [--repeat K]
                                      [--profile] [--no-warmup]
          --rows N            rows to collect (default 10000000)
          --url URL           an existing Spark Connect server (sc://host:port/;token=...); default: start our own
          --only LIST         comma list of: ours, ours-collect, ours-collect-boxed, ours-iterate, ours-arrow, ours-drain,
                              jvm, jvm-collect, jvm-iterate, drain, goeddie, goeddie-collect, goeddie-arrow
          --goeddie-peer P    the GoEddie peer program (a .dll run with dotnet, or an executable); see README
          --engines DIR       the shared/engines folder (default: found beside the checkout)
          --driver-memory M   heap of the server the harness starts (default 4g)
          --jvm-heap M        JVM_HEAP of Spark's JVM client (default: $JVM_HEAP, else 10g; collect needs ~10g at 10M rows)
          --repeat K          run every selected row K times; the table keeps the fastest run of each (default 1)
          --profile           also time our client's network+protobuf, Arrow IPC decode and row building apart
          --no-warmup         skip the warm-up (server and our JIT) before measuring
        """;

    public long Rows { get; init; } = 10_000_000;

    public string? Url { get; init; }

    public IReadOnlyList<string>? Only { get; init; }

    public string? GoEddiePeer { get; init; }

    public string? EnginesDir { get; init; }

    public string DriverMemory { get; init; } = "4g";

    public string JvmHeap { get; init; } = Environment.GetEnvironmentVariable("JVM_HEAP") is { Length: > 0 } heap ? heap : "10g";

    public int Repeat { get; init; } = 1;

    public bool Profile { get; init; }

    public bool Warmup { get; init; } = true;

    /// <summary>Whether the row named <paramref name="key"/> (e.g. <c>ours-collect</c>) was asked for.</summary>
    public bool Selected(string key) =>
        Only is null || Only.Any(o => key == o || key.StartsWith(o + "-", StringComparison.Ordinal));

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            o = args[i] switch
            {
                "--rows" => o with { Rows = long.Parse(Next().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) },
                "--url" => o with { Url = Next() },
                "--only" => o with { Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--goeddie-peer" => o with { GoEddiePeer = Next() },
                "--engines" => o with { EnginesDir = Next() },
                "--driver-memory" => o with { DriverMemory = Next() },
                "--jvm-heap" => o with { JvmHeap = Next() },
                "--repeat" => o with { Repeat = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--profile" => o with { Profile = true },
                "--no-warmup" => o with { Warmup = false },
                "-h" or "--help" => throw new HelpRequestedException(),
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        if (o.Rows <= 0 || o.Repeat <= 0)
        {
            throw new ArgumentException("--rows and --repeat must be positive.");
        }

        if (o.Only is not null)
        {
            string[] known = ["ours", "ours-collect", "ours-collect-boxed", "ours-iterate", "ours-arrow", "ours-drain", "jvm", "jvm-collect", "jvm-iterate", "drain", "goeddie", "goeddie-collect", "goeddie-arrow"];
            var unknown = o.Only.Where(x => !known.Contains(x)).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException($"Unknown --only value(s): {string.Join(", ", unknown)}.");
            }
        }

        return o;
    }
}

/// <summary>Thrown for <c>--help</c>.</summary>
internal sealed class HelpRequestedException : Exception
{
    public HelpRequestedException()
        : base("help")
    {
    }

    public HelpRequestedException(string message)
        : base(message)
    {
    }

    public HelpRequestedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

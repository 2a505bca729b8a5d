using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using InteractiveSpark.SparkConnect;
using Spark.Connect;

namespace InteractiveSpark.Bench;

/// <summary>Our client's rows, measured in this process.</summary>
internal sealed class OurClient(SparkConnectionString connectionString)
{
    /// <summary>The client column of our rows.</summary>
    public const string Name = "interactive-spark";

    /// <summary>Collects all rows into memory (DataFrame.CollectAsync).</summary>
    public Task<BenchRow> CollectAsync(string query, CancellationToken ct) =>
        MeasureAsync("ours-collect", "collect", async session =>
        {
            long rows = 0, checksum = 0;
            var all = await (await session.SqlAsync(query)).CollectAsync(ct).ConfigureAwait(false);
            foreach (var r in all)
            {
                rows++;
                checksum += (long)r[0]! + ((string)r[2]!).Length;
            }

            return (rows, checksum);
        }, ct);

    /// <summary>
    /// The collect before rows were backed by their Arrow columns: every row decoded to boxed values as it arrives and
    /// kept in a list (what <c>CollectAsync</c> did until 2026-12), measured beside today's in the same run.
    /// </summary>
    public Task<BenchRow> CollectBoxedAsync(string query, CancellationToken ct) =>
        MeasureAsync("ours-collect-boxed", "collect, boxed rows (before)", async session =>
        {
            long rows = 0, checksum = 0;
            var all = new List<Row>();
            await foreach (var r in ArrowResults.ReadRowsAsync(session.Client.ExecuteAsync(SqlPlan(query), null, ct), ct).ConfigureAwait(false))
            {
                all.Add(r);
            }

            foreach (var r in all)
            {
                rows++;
                checksum += (long)r[0]! + ((string)r[2]!).Length;
            }

            return (rows, checksum);
        }, ct);

    /// <summary>Streams the rows (DataFrame.ToLocalIteratorAsync), one Arrow batch in memory at a time.</summary>
    public Task<BenchRow> IterateAsync(string query, CancellationToken ct) =>
        MeasureAsync("ours-iterate", "iterate", async session =>
        {
            long rows = 0, checksum = 0;
            await foreach (var r in (await session.SqlAsync(query)).ToLocalIteratorAsync(ct).ConfigureAwait(false))
            {
                rows++;
                checksum += (long)r[0]! + ((string)r[2]!).Length;
            }

            return (rows, checksum);
        }, ct);

    /// <summary>Streams Arrow record batches (DataFrame.ToArrowAsync), disposing each once read.</summary>
    public Task<BenchRow> ArrowAsync(string query, CancellationToken ct) =>
        MeasureAsync("ours-arrow", "arrow", async session =>
        {
            long rows = 0, checksum = 0;
            await foreach (var batch in (await session.SqlAsync(query)).ToArrowAsync(ct).ConfigureAwait(false))
            {
                using (batch)
                {
                    checksum += BatchChecksum(batch);
                    rows += batch.Length;
                }
            }

            return (rows, checksum);
        }, ct);

    /// <summary>
    /// Our transport alone: ExecutePlan through our SparkConnectClient (reattach, release), counting the Arrow bytes
    /// and decoding nothing. Its Arrow byte count is the denominator of RSS/Arrow.
    /// </summary>
    public async Task<BenchRow> DrainAsync(string query, CancellationToken ct)
    {
        long arrowBytes = 0, batches = 0;
        var row = await MeasureAsync("ours-drain", "drain (no decode)", async session =>
        {
            long rows = 0;
            await foreach (var response in session.Client.ExecuteAsync(SqlPlan(query), null, ct).ConfigureAwait(false))
            {
                if (response.ResponseTypeCase == ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch)
                {
                    rows += response.ArrowBatch.RowCount;
                    arrowBytes += response.ArrowBatch.Data.Length;
                    batches++;
                }
            }

            return (rows, (long?)null);
        }, ct).ConfigureAwait(false);
        return row with { Kind = RowKind.Drain, ArrowBytes = arrowBytes, Batches = batches };
    }

    /// <summary>
    /// Where our time goes: the responses are first buffered (network + protobuf parsing), then decoded from memory
    /// to record batches (Arrow IPC) and to rows (IPC + values), each timed apart.
    /// </summary>
    public async Task<string> ProfileAsync(string query, CancellationToken ct)
    {
        await using var session = await SparkSession.ConnectAsync(connectionString, cancellationToken: ct).ConfigureAwait(false);
        var responses = new List<ExecutePlanResponse>();
        long bytes = 0;
        var network = Phase.Start();
        await foreach (var response in session.Client.ExecuteAsync(SqlPlan(query), null, ct).ConfigureAwait(false))
        {
            responses.Add(response);
            if (response.ResponseTypeCase == ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch)
            {
                bytes += response.ArrowBatch.Data.Length;
            }
        }

        var net = network.Stop();

        long rows = 0, checksum = 0;
        var ipcPhase = Phase.Start();
        await foreach (var batch in ArrowResults.ReadBatchesAsync(Replay(responses), ct).ConfigureAwait(false))
        {
            using (batch)
            {
                rows += batch.Length;
                checksum += BatchChecksum(batch);
            }
        }

        var ipc = ipcPhase.Stop();

        long rows2 = 0, checksum2 = 0;
        var rowsPhase = Phase.Start();
        await foreach (var r in ArrowResults.ReadRowsAsync(Replay(responses), ct).ConfigureAwait(false))
        {
            rows2++;
            checksum2 += (long)r[0]! + ((string)r[2]!).Length;
        }

        var rowsResult = rowsPhase.Stop();

        var collectPhase = Phase.Start();
        var (_, collected) = await ArrowResults.CollectAsync(Replay(responses), ct).ConfigureAwait(false);
        var collect = collectPhase.Stop();
        var collectedCount = collected.Count;

        var inv = CultureInfo.InvariantCulture;
        var m = rows / 1e6;
        return string.Create(inv, $"""
            profile (our client, {rows:N0} rows, {bytes / 1048576.0:0.0} MB of Arrow in {responses.Count} responses); wall s / our CPU s / GC pause s:
              network + gRPC + protobuf parse (buffered, no decode): {net} ({bytes / 1048576.0 / net.Wall:0} MB/s)
              from memory, Arrow IPC -> RecordBatch (ReadBatchesAsync):  {ipc}  checksum {checksum}
              from memory, Arrow IPC -> Row (ReadRowsAsync):            {rowsResult}  checksum {checksum2} ({rows2 / rowsResult.Cpu:N0} rows per CPU s)
              from memory, CollectAsync into a List<Row> ({collectedCount:N0}): {collect} ({collectedCount / collect.Cpu:N0} rows per CPU s)
              CPU s per 1M rows: transport {net.Cpu / m:0.000}, IPC decode {ipc.Cpu / m:0.000}, rows {rowsResult.Cpu / m:0.000}, collect {collect.Cpu / m:0.000}
            """);
    }

    /// <summary>Wall time, this process's CPU time and GC pause time of one profile phase.</summary>
    private readonly record struct Phase(Stopwatch Watch, TimeSpan Cpu0, TimeSpan Pause0)
    {
        public static Phase Start()
        {
            using var p = Process.GetCurrentProcess();
            return new Phase(Stopwatch.StartNew(), p.TotalProcessorTime, GC.GetTotalPauseDuration());
        }

        public PhaseResult Stop()
        {
            using var p = Process.GetCurrentProcess();
            return new PhaseResult(Watch.Elapsed.TotalSeconds, (p.TotalProcessorTime - Cpu0).TotalSeconds, (GC.GetTotalPauseDuration() - Pause0).TotalSeconds);
        }
    }

    private readonly record struct PhaseResult(double Wall, double Cpu, double GcPause)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Wall,7:0.000} / {Cpu,7:0.000} / {GcPause,6:0.000}");
    }

    /// <summary>Sum of id and of the UTF-8 length of s (the same as the string length: s is ASCII).</summary>
    public static long BatchChecksum(RecordBatch batch)
    {
        var ids = ((Int64Array)batch.Column(0)).Values;
        var offsets = ((StringArray)batch.Column(2)).ValueOffsets;
        long sum = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            sum += ids[i] + (offsets[i + 1] - offsets[i]);
        }

        return sum;
    }

    public static Plan SqlPlan(string query) => new() { Root = new Relation { Sql = new SQL { Query = query } } };

    private async Task<BenchRow> MeasureAsync(
        string key, string mode, Func<SparkSession, Task<(long Rows, long? Checksum)>> body, CancellationToken ct)
    {
        await using var session = await SparkSession.ConnectAsync(connectionString, cancellationToken: ct).ConfigureAwait(false);
        await foreach (var _ in session.Client.ExecuteAsync(SqlPlan("select 1"), null, ct).ConfigureAwait(false))
        {
            // warm the session and the channel, as the peers do
        }

        using var sampler = MemorySampler.Start();
        var sw = Stopwatch.StartNew();
        var (rows, checksum) = await body(session).ConfigureAwait(false);
        sw.Stop();
        var peaks = sampler.Stop();
        return new BenchRow
        {
            Key = key,
            Client = Name,
            Mode = mode,
            Kind = RowKind.Ours,
            Rows = rows,
            Seconds = sw.Elapsed.TotalSeconds,
            Checksum = checksum,
            CpuSeconds = peaks.CpuSeconds,
            PeakHeap = peaks.Managed,
            PeakRss = peaks.Rss,
            PeakPrivate = peaks.Private,
        };
    }

    private static async IAsyncEnumerable<ExecutePlanResponse> Replay(
        List<ExecutePlanResponse> responses, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var r in responses)
        {
            ct.ThrowIfCancellationRequested();
            yield return r;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

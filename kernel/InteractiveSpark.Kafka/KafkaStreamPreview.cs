using System.Globalization;
using System.Text.RegularExpressions;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.SparkConnect.Streaming;

namespace InteractiveSpark.Kafka;

/// <summary>What <see cref="KafkaStreamPreview"/> reads and how it shows it.</summary>
public sealed record KafkaStreamOptions
{
    /// <summary>Options for <paramref name="topic"/> on the cluster at <paramref name="connection"/> (as the Spark driver reaches it).</summary>
    public KafkaStreamOptions(KafkaConnection connection, string topic)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        Connection = connection;
        Topic = topic.Trim();
    }

    /// <summary>The cluster, as the Spark driver reaches it.</summary>
    public KafkaConnection Connection { get; }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary><see cref="KafkaValueFormat.String"/> (default) or <see cref="KafkaValueFormat.Json"/> (with <see cref="Schema"/>).</summary>
    public KafkaValueFormat Format { get; init; } = KafkaValueFormat.String;

    /// <summary>For json: the value's fields as a Spark DDL string, e.g. <c>"user STRING, amount DOUBLE"</c>.</summary>
    public string? Schema { get; init; }

    /// <summary>Where the stream starts: <c>latest</c> (default: new messages only) or <c>earliest</c>.</summary>
    public string StartingOffsets { get; init; } = "latest";

    /// <summary>How many of the latest rows a snapshot holds (default 20).</summary>
    public int Rows { get; init; } = 20;

    /// <summary>How often Spark runs a micro-batch (default 1 s).</summary>
    public TimeSpan Trigger { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="KafkaSampleException"/> with what is wrong, if anything.</summary>
    public void Validate()
    {
        if (Format is not (KafkaValueFormat.String or KafkaValueFormat.Json))
            throw new KafkaSampleException("#!kafka-stream decodes values as string or json (--format json --schema DDL).");
        if (Format == KafkaValueFormat.Json && string.IsNullOrWhiteSpace(Schema))
            throw new KafkaSampleException("--format json needs --schema with the value's fields as Spark DDL, e.g. --schema \"user STRING, amount DOUBLE\".");
        if (Format != KafkaValueFormat.Json && Schema is not null)
            throw new KafkaSampleException("--schema goes with --format json.");
        if (StartingOffsets is not ("latest" or "earliest"))
            throw new KafkaSampleException($"--starting-offsets takes latest or earliest (got '{StartingOffsets}').");
        if (Rows is < 1 or > 1000) throw new KafkaSampleException($"--rows takes 1 to 1000 (got {Rows}).");
    }
}

/// <summary>One look at a running preview: the latest rows, the rate history, the query's state.</summary>
/// <param name="Schema">The rows' schema.</param>
/// <param name="Rows">The latest rows, newest first.</param>
/// <param name="TotalRows">Rows the query has read so far.</param>
/// <param name="Progress">The recent micro-batches' progress, oldest first (for the rate chart).</param>
/// <param name="Status">The query's status.</param>
/// <param name="Elapsed">Time since the preview started.</param>
public sealed record KafkaStreamSnapshot(
    StructType Schema, IReadOnlyList<Row> Rows, long TotalRows, IReadOnlyList<StreamingQueryProgress> Progress, StreamingQueryStatus Status, TimeSpan Elapsed)
{
    /// <summary>The latest batch's input rate (rows/s), 0 before the first batch.</summary>
    public double RowsPerSecond => Progress.Count == 0 ? 0 : Progress[^1].InputRowsPerSecond;
}

/// <summary>
/// A Spark structured-streaming query over a Kafka topic on a session, kept small for looking at: Spark's Kafka source,
/// values cast to text or parsed from JSON with a schema, written to a memory table from which snapshots read the
/// latest rows. <see cref="DisposeAsync"/> stops the query and drops its table, so nothing keeps running or holding
/// memory on the driver.
/// </summary>
/// <remarks>
/// The memory table grows with every row read while the preview runs (Spark's memory sink keeps them on the driver);
/// it is meant for minutes of looking, not for hours: callers bound the duration.
/// </remarks>
public sealed class KafkaStreamPreview : IAsyncDisposable
{
    private readonly SparkSession _session;
    private readonly KafkaStreamOptions _options;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly Dictionary<long, long> _batchRows = [];
    private int _stopped;

    private KafkaStreamPreview(SparkSession session, KafkaStreamOptions options, StreamingQuery query, string table)
    {
        _session = session;
        _options = options;
        Query = query;
        Table = table;
    }

    /// <summary>The streaming query.</summary>
    public StreamingQuery Query { get; }

    /// <summary>The memory table the rows go to (also the query's name).</summary>
    public string Table { get; }

    /// <summary>Starts the query on <paramref name="session"/>; it runs until <see cref="StopAsync"/> or dispose.</summary>
    public static async Task<KafkaStreamPreview> StartAsync(SparkSession session, KafkaStreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var table = "kafka_stream_" + Regex.Replace(options.Topic, "[^A-Za-z0-9_]", "_") + "_" + Guid.NewGuid().ToString("N")[..8];
        var source = session.ReadStream.Format("kafka")
            .Options(options.Connection.ToSparkOptions())
            .Option("subscribe", options.Topic)
            .Option("startingOffsets", options.StartingOffsets)
            .Option("includeHeaders", true)
            .Option("failOnDataLoss", false)
            .Load();
        var projected = options.Format == KafkaValueFormat.Json
            ? source.SelectExpr(
                    "partition", "offset", "timestamp", "CAST(key AS STRING) AS key",
                    $"from_json(CAST(value AS STRING), '{options.Schema!.Replace("'", "\\'", StringComparison.Ordinal)}') AS v")
                .SelectExpr("partition", "offset", "timestamp", "key", "v.*")
            : source.SelectExpr("partition", "offset", "timestamp", "CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value");
        var query = await projected.WriteStream
            .Format("memory")
            .QueryName(table)
            .OutputMode("append")
            .TriggerProcessingTime(options.Trigger)
            .StartAsync(cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new KafkaStreamPreview(session, options, query, table);
    }

    /// <summary>The latest rows, the rates and the status now. Throws <see cref="SparkException"/> when the query failed.</summary>
    public async Task<KafkaStreamSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var status = await Query.StatusAsync(cancellationToken).ConfigureAwait(false);
        if (!status.IsActive && await Query.ExceptionAsync(cancellationToken).ConfigureAwait(false) is { } error)
        {
            throw new SparkException($"The stream over '{_options.Topic}' failed: {error}");
        }

        var progress = await Query.RecentProgressAsync(cancellationToken).ConfigureAwait(false);
        foreach (var p in progress) _batchRows[p.BatchId] = p.NumInputRows;
        var latest = _session.Table(Table).OrderBy(Functions.Col("timestamp").Desc(), Functions.Col("offset").Desc()).Limit(_options.Rows);
        var rows = await latest.CollectAsync(cancellationToken).ConfigureAwait(false);
        var schema = rows.Count > 0 ? rows[0].Schema : await latest.SchemaAsync(cancellationToken).ConfigureAwait(false);
        return new KafkaStreamSnapshot(schema, rows, _batchRows.Values.Sum(), progress, status, DateTimeOffset.UtcNow - _started);
    }

    /// <summary>Stops the query, drops its memory table and checks that the session no longer lists it as active.</summary>
    /// <returns>A line saying what was stopped.</returns>
    public async Task<string> StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return $"{Table}: already stopped.";
        }

        await Query.StopAsync(cancellationToken).ConfigureAwait(false);
        await (await _session.SqlAsync($"DROP VIEW IF EXISTS {Table}", cancellationToken).ConfigureAwait(false)).CollectAsync(cancellationToken).ConfigureAwait(false);
        var active = await _session.Streams.ActiveAsync(cancellationToken).ConfigureAwait(false);
        if (active.Any(q => q.Id == Query.Id))
        {
            throw new SparkException($"The streaming query {Table} ({Query.Id}) is still active after stop.");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"stopped: streaming query {Table} ({Query.Id}) stopped and removed; {_batchRows.Values.Sum()} rows read; the session has {active.Count} active streaming quer{(active.Count == 1 ? "y" : "ies")}.");
    }

    /// <summary>Stops the query and drops its table (errors are swallowed: the session may be gone already).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _stopped) == 1) return;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await StopAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: a closed session has no queries left to stop.
        }
    }
}

using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.Streaming;

/// <summary>
/// Starts a streaming query that writes a streaming DataFrame to a sink (Spark's DataStreamWriter):
/// <c>await df.WriteStream.Format("memory").QueryName("events").OutputMode("append").StartAsync()</c>.
/// </summary>
public sealed class DataStreamWriter
{
    private readonly DataFrame _df;
    private readonly P.WriteStreamOperationStart _start = new();

    internal DataStreamWriter(DataFrame df)
    {
        _df = df;
        _start.Input = df.Relation;
    }

    /// <summary>The sink: <c>memory</c>, <c>console</c>, <c>kafka</c>, <c>parquet</c>, <c>json</c>, <c>noop</c>, ...</summary>
    public DataStreamWriter Format(string sink)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sink);
        _start.Format = sink;
        return this;
    }

    /// <summary>A sink option, e.g. <c>Option("checkpointLocation", "/tmp/cp")</c>.</summary>
    public DataStreamWriter Option(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _start.Options[key] = Literals.OptionText(value);
        return this;
    }

    /// <summary>Several sink options.</summary>
    public DataStreamWriter Options(IEnumerable<KeyValuePair<string, string>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (k, v) in options) Option(k, v);
        return this;
    }

    /// <summary><c>append</c> (new rows only), <c>complete</c> (the whole aggregate each time) or <c>update</c>.</summary>
    public DataStreamWriter OutputMode(string mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mode);
        _start.OutputMode = mode;
        return this;
    }

    /// <summary>The query's name (for the memory sink, the name of the table its rows go to).</summary>
    public DataStreamWriter QueryName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _start.QueryName = name;
        return this;
    }

    /// <summary>Runs a micro-batch every <paramref name="interval"/> (e.g. 1 s) instead of as soon as the previous one ends.</summary>
    public DataStreamWriter TriggerProcessingTime(TimeSpan interval)
    {
        _start.ProcessingTimeInterval = $"{(long)interval.TotalMilliseconds} milliseconds";
        return this;
    }

    /// <summary>Processes what is available now (in as many batches as needed), then stops.</summary>
    public DataStreamWriter TriggerAvailableNow()
    {
        _start.AvailableNow = true;
        return this;
    }

    /// <summary>Processes one batch of what is available now, then stops.</summary>
    public DataStreamWriter TriggerOnce()
    {
        _start.Once = true;
        return this;
    }

    /// <summary>Partitions file sink output by these columns.</summary>
    public DataStreamWriter PartitionBy(params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        _start.PartitioningColumnNames.AddRange(columnNames);
        return this;
    }

    /// <summary>Starts the query (writing to <paramref name="path"/> for file sinks) and returns once the server runs it.</summary>
    public Task<StreamingQuery> StartAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var start = _start.Clone();
        if (path is not null) start.Path = path;
        return StartAsync(start, cancellationToken);
    }

    /// <summary>Starts the query writing into a table.</summary>
    public Task<StreamingQuery> ToTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var start = _start.Clone();
        start.TableName = tableName;
        return StartAsync(start, cancellationToken);
    }

    private async Task<StreamingQuery> StartAsync(P.WriteStreamOperationStart start, CancellationToken cancellationToken)
    {
        var responses = await _df.Session.RunCommandAsync(new P.Command { WriteStreamOperationStart = start }, null, cancellationToken).ConfigureAwait(false);
        var result = responses.Select(r => r.WriteStreamOperationStartResult).FirstOrDefault(r => r is not null)
            ?? throw new SparkException("The server started no streaming query (no WriteStreamOperationStartResult in its answer).");
        return new StreamingQuery(_df.Session, result.QueryId.Id, result.QueryId.RunId, string.IsNullOrEmpty(result.Name) ? null : result.Name);
    }
}

using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.Streaming;

/// <summary>
/// Reads a stream into a streaming <see cref="DataFrame"/> (Spark's DataStreamReader):
/// <c>session.ReadStream.Format("kafka").Option("kafka.bootstrap.servers", "b:9092").Option("subscribe", "events").Load()</c>.
/// Nothing runs until a <see cref="DataStreamWriter"/> starts a query over it.
/// </summary>
public sealed class DataStreamReader
{
    private readonly SparkSession _session;
    private string? _format;
    private string? _schema;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);

    internal DataStreamReader(SparkSession session) => _session = session;

    /// <summary>The source: <c>kafka</c>, <c>rate</c>, <c>socket</c>, <c>parquet</c>, <c>json</c>, <c>csv</c>, <c>text</c>, ...</summary>
    public DataStreamReader Format(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        _format = source;
        return this;
    }

    /// <summary>A source option (keys are case-insensitive), e.g. <c>Option("startingOffsets", "latest")</c>.</summary>
    public DataStreamReader Option(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _options[key] = Literals.OptionText(value);
        return this;
    }

    /// <summary>Several source options.</summary>
    public DataStreamReader Options(IEnumerable<KeyValuePair<string, string>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (k, v) in options) Option(k, v);
        return this;
    }

    /// <summary>The schema as a DDL string (file sources need one).</summary>
    public DataStreamReader Schema(string ddl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ddl);
        _schema = ddl;
        return this;
    }

    /// <summary>The streaming DataFrame of the configured source (a path for file sources).</summary>
    public DataFrame Load(string? path = null)
    {
        var ds = new P.Read.Types.DataSource();
        if (_format is not null) ds.Format = _format;
        if (_schema is not null) ds.Schema = _schema;
        ds.Options.Add(_options);
        if (path is not null) ds.Paths.Add(path);
        return new DataFrame(_session, DataFrame.NewRelation(_session, r => r.Read = new P.Read { DataSource = ds, IsStreaming = true }));
    }

    /// <summary>A streaming read of a table.</summary>
    public DataFrame Table(string tableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var nt = new P.Read.Types.NamedTable { UnparsedIdentifier = tableName };
        nt.Options.Add(_options);
        return new DataFrame(_session, DataFrame.NewRelation(_session, r => r.Read = new P.Read { NamedTable = nt, IsStreaming = true }));
    }
}

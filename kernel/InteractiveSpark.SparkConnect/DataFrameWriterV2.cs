using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Writes a <see cref="DataFrame"/> to a catalog table through Spark's v2 write API (<c>df.writeTo(table)</c>):
/// <c>await df.WriteTo("db.t").Using("parquet").PartitionedBy(Col("day")).CreateOrReplaceAsync()</c>.
/// Settings accumulate on this writer; the <c>...Async</c> methods run the write.
/// </summary>
/// <remarks>
/// Replacing tables (<see cref="ReplaceAsync"/>, <see cref="CreateOrReplaceAsync"/>) and partition overwrites need a
/// catalog with v2 tables; Spark's built-in session catalog supports create and append for file sources.
/// </remarks>
public sealed class DataFrameWriterV2
{
    private readonly DataFrame _df;
    private readonly string _table;
    private string? _provider;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
    private readonly List<Column> _partitionedBy = [];
    private readonly List<string> _clusterBy = [];

    internal DataFrameWriterV2(DataFrame df, string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        _df = df;
        _table = table;
    }

    /// <summary>The table provider (format), e.g. <c>parquet</c>, <c>delta</c>, <c>iceberg</c>.</summary>
    public DataFrameWriterV2 Using(string provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        _provider = provider;
        return this;
    }

    /// <summary>A write option.</summary>
    public DataFrameWriterV2 Option(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _options[key] = Literals.OptionText(value);
        return this;
    }

    /// <summary>Several write options.</summary>
    public DataFrameWriterV2 Options(IEnumerable<KeyValuePair<string, string>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (k, v) in options) Option(k, v);
        return this;
    }

    /// <summary>A table property (stored with the table when it is created or replaced).</summary>
    public DataFrameWriterV2 TableProperty(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _properties[key] = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Partitions a created or replaced table by columns or transforms (e.g. <c>Call("years", Col("ts"))</c>).</summary>
    public DataFrameWriterV2 PartitionedBy(Column column, params Column[] more)
    {
        ArgumentNullException.ThrowIfNull(column);
        _partitionedBy.Clear();
        _partitionedBy.Add(column);
        _partitionedBy.AddRange(more);
        return this;
    }

    /// <summary>Clusters a created or replaced table by these columns.</summary>
    public DataFrameWriterV2 ClusterBy(params string[] columnNames)
    {
        _clusterBy.Clear();
        _clusterBy.AddRange(columnNames);
        return this;
    }

    private Task RunAsync(P.WriteOperationV2.Types.Mode mode, Column? condition, ExecutionOptions? options, CancellationToken ct)
    {
        var w = new P.WriteOperationV2 { Input = _df.Relation, TableName = _table, Mode = mode };
        if (_provider is not null) w.Provider = _provider;
        w.Options.Add(_options);
        w.TableProperties.Add(_properties);
        foreach (var c in _partitionedBy) w.PartitioningColumns.Add(c.Expression);
        w.ClusteringColumns.AddRange(_clusterBy);
        if (condition is not null) w.OverwriteCondition = condition.Expression;
        return _df.Session.RunCommandAsync(new P.Command { WriteOperationV2 = w }, options, ct);
    }

    /// <summary>Creates the table with this content; fails if it exists.</summary>
    public Task CreateAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(P.WriteOperationV2.Types.Mode.Create, null, options, cancellationToken);
    /// <summary>Replaces an existing table (schema, properties and content); fails if it does not exist.</summary>
    public Task ReplaceAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(P.WriteOperationV2.Types.Mode.Replace, null, options, cancellationToken);
    /// <summary>Creates the table, or replaces it if it exists.</summary>
    public Task CreateOrReplaceAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(P.WriteOperationV2.Types.Mode.CreateOrReplace, null, options, cancellationToken);
    /// <summary>Appends the rows to the existing table.</summary>
    public Task AppendAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(P.WriteOperationV2.Types.Mode.Append, null, options, cancellationToken);
    /// <summary>Deletes the rows matching <paramref name="condition"/>, then appends these rows.</summary>
    public Task OverwriteAsync(Column condition, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return RunAsync(P.WriteOperationV2.Types.Mode.Overwrite, condition, options, cancellationToken);
    }
    /// <summary>Replaces every partition that receives at least one of these rows (dynamic partition overwrite).</summary>
    public Task OverwritePartitionsAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(P.WriteOperationV2.Types.Mode.OverwritePartitions, null, options, cancellationToken);
}

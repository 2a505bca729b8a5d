using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>What a v1 write does when the target already exists.</summary>
public enum SaveMode
{
    /// <summary>Fail (Spark's default).</summary>
    ErrorIfExists,
    /// <summary>Add the rows to the existing data.</summary>
    Append,
    /// <summary>Replace the existing data.</summary>
    Overwrite,
    /// <summary>Do nothing when the target exists.</summary>
    Ignore,
}

/// <summary>
/// Writes a <see cref="DataFrame"/> to files or catalog tables (Spark's v1 DataFrameWriter):
/// <c>await df.Write.Mode(SaveMode.Overwrite).PartitionBy("day").ParquetAsync(path)</c>. Settings accumulate on this
/// writer; the <c>...Async</c> methods run the write.
/// </summary>
public sealed class DataFrameWriter
{
    private readonly DataFrame _df;
    private string? _format;
    private SaveMode? _mode;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _partitionBy = [];
    private readonly List<string> _sortBy = [];
    private readonly List<string> _clusterBy = [];
    private (int Buckets, string[] Columns)? _bucketBy;

    internal DataFrameWriter(DataFrame df) => _df = df;

    /// <summary>What to do when the target exists.</summary>
    public DataFrameWriter Mode(SaveMode mode)
    {
        _mode = mode;
        return this;
    }

    /// <summary>What to do when the target exists: <c>append</c>, <c>overwrite</c>, <c>ignore</c>, <c>error</c> / <c>errorifexists</c>.</summary>
    public DataFrameWriter Mode(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        _mode = mode.Trim().ToLowerInvariant() switch
        {
            "append" => SaveMode.Append,
            "overwrite" => SaveMode.Overwrite,
            "ignore" => SaveMode.Ignore,
            "error" or "errorifexists" or "default" => SaveMode.ErrorIfExists,
            _ => throw new ArgumentException($"Unknown save mode '{mode}'; use append, overwrite, ignore or errorifexists.", nameof(mode)),
        };
        return this;
    }

    /// <summary>The data source: <c>parquet</c> (default), <c>csv</c>, <c>json</c>, <c>orc</c>, <c>text</c>, ...</summary>
    public DataFrameWriter Format(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        _format = source;
        return this;
    }

    /// <summary>A data source option (keys are case-insensitive).</summary>
    public DataFrameWriter Option(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _options[key] = Literals.OptionText(value);
        return this;
    }

    /// <summary>Several data source options.</summary>
    public DataFrameWriter Options(IEnumerable<KeyValuePair<string, string>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (k, v) in options) Option(k, v);
        return this;
    }

    /// <summary>Lays the output out in folders <c>col=value/</c> by these columns.</summary>
    public DataFrameWriter PartitionBy(params string[] columnNames)
    {
        _partitionBy.Clear();
        _partitionBy.AddRange(columnNames);
        return this;
    }

    /// <summary>Buckets the output by hash of the columns (only with <see cref="SaveAsTableAsync"/>).</summary>
    public DataFrameWriter BucketBy(int numBuckets, params string[] columnNames)
    {
        if (numBuckets <= 0) throw new ArgumentOutOfRangeException(nameof(numBuckets), numBuckets, "At least one bucket.");
        _bucketBy = (numBuckets, columnNames.ToArray());
        return this;
    }

    /// <summary>Sorts each bucket by these columns (with <see cref="BucketBy"/>).</summary>
    public DataFrameWriter SortBy(params string[] columnNames)
    {
        _sortBy.Clear();
        _sortBy.AddRange(columnNames);
        return this;
    }

    /// <summary>Clusters the table by these columns (sources that support clustering).</summary>
    public DataFrameWriter ClusterBy(params string[] columnNames)
    {
        _clusterBy.Clear();
        _clusterBy.AddRange(columnNames);
        return this;
    }

    private P.WriteOperation Build()
    {
        var w = new P.WriteOperation { Input = _df.Relation };
        if (_format is not null) w.Source = _format;
        w.Mode = _mode switch
        {
            SaveMode.Append => P.WriteOperation.Types.SaveMode.Append,
            SaveMode.Overwrite => P.WriteOperation.Types.SaveMode.Overwrite,
            SaveMode.Ignore => P.WriteOperation.Types.SaveMode.Ignore,
            SaveMode.ErrorIfExists => P.WriteOperation.Types.SaveMode.ErrorIfExists,
            _ => P.WriteOperation.Types.SaveMode.Unspecified,
        };
        w.Options.Add(_options);
        w.PartitioningColumns.AddRange(_partitionBy);
        w.SortColumnNames.AddRange(_sortBy);
        w.ClusteringColumns.AddRange(_clusterBy);
        if (_bucketBy is { } b)
        {
            w.BucketBy = new P.WriteOperation.Types.BucketBy { NumBuckets = b.Buckets };
            w.BucketBy.BucketColumnNames.AddRange(b.Columns);
        }
        return w;
    }

    private Task RunAsync(P.WriteOperation w, ExecutionOptions? options, CancellationToken ct) =>
        _df.Session.RunCommandAsync(new P.Command { WriteOperation = w }, options, ct);

    /// <summary>Writes to <paramref name="path"/> (a folder) with the configured format.</summary>
    public Task SaveAsync(string path, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var w = Build();
        w.Path = path;
        return RunAsync(w, options, cancellationToken);
    }

    /// <summary>Writes with the configured format where its options point (e.g. a jdbc source), without a path.</summary>
    public Task SaveAsync(ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(Build(), options, cancellationToken);

    /// <summary>Saves as a catalog table; with <see cref="SaveMode.Append"/> or <see cref="SaveMode.Overwrite"/> the table may exist.</summary>
    public Task SaveAsTableAsync(string tableName, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var w = Build();
        w.Table = new P.WriteOperation.Types.SaveTable { TableName = tableName, SaveMethod = P.WriteOperation.Types.SaveTable.Types.TableSaveMethod.SaveAsTable };
        return RunAsync(w, options, cancellationToken);
    }

    /// <summary>Inserts into an existing table, columns matched by position; <paramref name="overwrite"/> replaces its rows.</summary>
    public Task InsertIntoAsync(string tableName, bool overwrite = false, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        if (overwrite) _mode = SaveMode.Overwrite;
        var w = Build();
        w.Table = new P.WriteOperation.Types.SaveTable { TableName = tableName, SaveMethod = P.WriteOperation.Types.SaveTable.Types.TableSaveMethod.InsertInto };
        return RunAsync(w, options, cancellationToken);
    }

    /// <summary>Writes CSV files to the folder <paramref name="path"/>.</summary>
    public Task CsvAsync(string path, CancellationToken cancellationToken = default) => Format("csv").SaveAsync(path, null, cancellationToken);
    /// <summary>Writes JSON Lines files to the folder <paramref name="path"/>.</summary>
    public Task JsonAsync(string path, CancellationToken cancellationToken = default) => Format("json").SaveAsync(path, null, cancellationToken);
    /// <summary>Writes Parquet files to the folder <paramref name="path"/>.</summary>
    public Task ParquetAsync(string path, CancellationToken cancellationToken = default) => Format("parquet").SaveAsync(path, null, cancellationToken);
    /// <summary>Writes ORC files to the folder <paramref name="path"/>.</summary>
    public Task OrcAsync(string path, CancellationToken cancellationToken = default) => Format("orc").SaveAsync(path, null, cancellationToken);
    /// <summary>Writes text files (one string column) to the folder <paramref name="path"/>.</summary>
    public Task TextAsync(string path, CancellationToken cancellationToken = default) => Format("text").SaveAsync(path, null, cancellationToken);
}

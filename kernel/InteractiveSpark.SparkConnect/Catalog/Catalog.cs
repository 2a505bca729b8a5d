using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The session's catalog (<c>spark.catalog</c>): catalogs, databases, tables, views, columns and functions, and the
/// cache of tables. Every call is one round trip to the server; names are resolved by the server as SQL resolves them
/// (<c>db.table</c> or <c>catalog.db.table</c>; the current catalog and database otherwise).
/// </summary>
public sealed class Catalog
{
    private readonly SparkSession _session;

    internal Catalog(SparkSession session) => _session = session;

    /// <summary>The current catalog, e.g. <c>spark_catalog</c>.</summary>
    public Task<string> CurrentCatalogAsync(CancellationToken cancellationToken = default) =>
        ScalarAsync<string>(new P.Catalog { CurrentCatalog = new() }, cancellationToken);

    /// <summary>Makes <paramref name="catalogName"/> the current catalog.</summary>
    public Task SetCurrentCatalogAsync(string catalogName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(catalogName);
        return RunAsync(new P.Catalog { SetCurrentCatalog = new() { CatalogName = catalogName } }, cancellationToken);
    }

    /// <summary>The session's catalogs, optionally only those whose name matches <paramref name="pattern"/> (<c>*</c> and <c>|</c>, as SQL's LIKE of SHOW).</summary>
    public async Task<IReadOnlyList<CatalogMetadata>> ListCatalogsAsync(string? pattern = null, CancellationToken cancellationToken = default)
    {
        var list = new P.ListCatalogs();
        if (pattern is not null) list.Pattern = pattern;
        var rows = await RowsAsync(new P.Catalog { ListCatalogs = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new CatalogMetadata(Text(r, "name")!, Text(r, "description"))).ToList();
    }

    /// <summary>The current database (namespace) of the current catalog, e.g. <c>default</c>.</summary>
    public Task<string> CurrentDatabaseAsync(CancellationToken cancellationToken = default) =>
        ScalarAsync<string>(new P.Catalog { CurrentDatabase = new() }, cancellationToken);

    /// <summary>Makes <paramref name="databaseName"/> the current database.</summary>
    public Task SetCurrentDatabaseAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        return RunAsync(new P.Catalog { SetCurrentDatabase = new() { DbName = databaseName } }, cancellationToken);
    }

    /// <summary>The databases of the current catalog, optionally only those whose name matches <paramref name="pattern"/>.</summary>
    public async Task<IReadOnlyList<CatalogDatabase>> ListDatabasesAsync(string? pattern = null, CancellationToken cancellationToken = default)
    {
        var list = new P.ListDatabases();
        if (pattern is not null) list.Pattern = pattern;
        var rows = await RowsAsync(new P.Catalog { ListDatabases = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDatabase).ToList();
    }

    /// <summary>One database by name.</summary>
    /// <exception cref="SparkException">No such database.</exception>
    public async Task<CatalogDatabase> GetDatabaseAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        var rows = await RowsAsync(new P.Catalog { GetDatabase = new() { DbName = databaseName } }, cancellationToken).ConfigureAwait(false);
        return ToDatabase(rows.Single());
    }

    /// <summary>Whether the database exists.</summary>
    public Task<bool> DatabaseExistsAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        return ScalarAsync<bool>(new P.Catalog { DatabaseExists = new() { DbName = databaseName } }, cancellationToken);
    }

    /// <summary>
    /// The tables and views of <paramref name="databaseName"/> (the current database if null), with the session's
    /// temporary views; optionally only those whose name matches <paramref name="pattern"/>.
    /// </summary>
    public async Task<IReadOnlyList<CatalogTable>> ListTablesAsync(string? databaseName = null, string? pattern = null, CancellationToken cancellationToken = default)
    {
        var list = new P.ListTables();
        if (databaseName is not null) list.DbName = databaseName;
        if (pattern is not null) list.Pattern = pattern;
        var rows = await RowsAsync(new P.Catalog { ListTables = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(ToTable).ToList();
    }

    /// <summary>The views of <paramref name="databaseName"/> (the current database if null) and the session's temporary views.</summary>
    public async Task<IReadOnlyList<CatalogTable>> ListViewsAsync(string? databaseName = null, string? pattern = null, CancellationToken cancellationToken = default)
    {
        var list = new P.ListViews();
        if (databaseName is not null) list.DbName = databaseName;
        if (pattern is not null) list.Pattern = pattern;
        var rows = await RowsAsync(new P.Catalog { ListViews = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(ToTable).ToList();
    }

    /// <summary>One table or view by name (<c>t</c>, <c>db.t</c> or <c>catalog.db.t</c>).</summary>
    /// <exception cref="SparkException">No such table or view.</exception>
    public async Task<CatalogTable> GetTableAsync(string tableName, string? databaseName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        var get = new P.GetTable { TableName = tableName };
        if (databaseName is not null) get.DbName = databaseName;
        var rows = await RowsAsync(new P.Catalog { GetTable = get }, cancellationToken).ConfigureAwait(false);
        return ToTable(rows.Single());
    }

    /// <summary>Whether the table or view exists (temporary views included).</summary>
    public Task<bool> TableExistsAsync(string tableName, string? databaseName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        var exists = new P.TableExists { TableName = tableName };
        if (databaseName is not null) exists.DbName = databaseName;
        return ScalarAsync<bool>(new P.Catalog { TableExists = exists }, cancellationToken);
    }

    /// <summary>The columns of a table or view.</summary>
    /// <exception cref="SparkException">No such table or view.</exception>
    public async Task<IReadOnlyList<CatalogColumn>> ListColumnsAsync(string tableName, string? databaseName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        var list = new P.ListColumns { TableName = tableName };
        if (databaseName is not null) list.DbName = databaseName;
        var rows = await RowsAsync(new P.Catalog { ListColumns = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new CatalogColumn(Text(r, "name")!, Text(r, "description"), Text(r, "dataType") ?? "", Flag(r, "nullable"),
            Flag(r, "isPartition"), Flag(r, "isBucket"), Flag(r, "isCluster"))).ToList();
    }

    /// <summary>
    /// The functions visible from <paramref name="databaseName"/> (the current database if null): built-in, temporary and
    /// stored ones; optionally only those whose name matches <paramref name="pattern"/>.
    /// </summary>
    public async Task<IReadOnlyList<CatalogFunction>> ListFunctionsAsync(string? databaseName = null, string? pattern = null, CancellationToken cancellationToken = default)
    {
        var list = new P.ListFunctions();
        if (databaseName is not null) list.DbName = databaseName;
        if (pattern is not null) list.Pattern = pattern;
        var rows = await RowsAsync(new P.Catalog { ListFunctions = list }, cancellationToken).ConfigureAwait(false);
        return rows.Select(ToFunction).ToList();
    }

    /// <summary>One function by name.</summary>
    /// <exception cref="SparkException">No such function.</exception>
    public async Task<CatalogFunction> GetFunctionAsync(string functionName, string? databaseName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        var get = new P.GetFunction { FunctionName = functionName };
        if (databaseName is not null) get.DbName = databaseName;
        var rows = await RowsAsync(new P.Catalog { GetFunction = get }, cancellationToken).ConfigureAwait(false);
        return ToFunction(rows.Single());
    }

    /// <summary>Whether the function exists (built-in and temporary functions included).</summary>
    public Task<bool> FunctionExistsAsync(string functionName, string? databaseName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        var exists = new P.FunctionExists { FunctionName = functionName };
        if (databaseName is not null) exists.DbName = databaseName;
        return ScalarAsync<bool>(new P.Catalog { FunctionExists = exists }, cancellationToken);
    }

    /// <summary>
    /// Creates a table and returns it as a DataFrame: external when <paramref name="path"/> is given (over the files
    /// there), managed by the catalog otherwise. <paramref name="source"/> is the data source format (the session's
    /// <c>spark.sql.sources.default</c>, usually parquet, if null); <paramref name="schema"/> is required for a managed
    /// table and optional over existing files.
    /// </summary>
    /// <exception cref="SparkException">The table exists already, or the server refused the definition.</exception>
    public async Task<DataFrame> CreateTableAsync(
        string tableName, string? path = null, string? source = null, StructType? schema = null, string? description = null,
        IReadOnlyDictionary<string, string>? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        var create = new P.CreateTable { TableName = tableName };
        if (path is not null) create.Path = path;
        if (source is not null) create.Source = source;
        if (description is not null) create.Description = description;
        if (schema is not null) create.Schema = schema.ToProto();
        if (options is not null)
            foreach (var (key, value) in options) create.Options[key] = value;
        await RunAsync(new P.Catalog { CreateTable = create }, cancellationToken).ConfigureAwait(false);
        return _session.Table(tableName);
    }

    /// <summary>Drops a temporary view of the session; false if there was none of that name.</summary>
    public Task<bool> DropTempViewAsync(string viewName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(viewName);
        return ScalarAsync<bool>(new P.Catalog { DropTempView = new() { ViewName = viewName } }, cancellationToken);
    }

    /// <summary>Drops a global temporary view (<c>global_temp.name</c>); false if there was none of that name.</summary>
    public Task<bool> DropGlobalTempViewAsync(string viewName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(viewName);
        return ScalarAsync<bool>(new P.Catalog { DropGlobalTempView = new() { ViewName = viewName } }, cancellationToken);
    }

    /// <summary>Adds the partitions found under a partitioned table's location to the catalog.</summary>
    public Task RecoverPartitionsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        return RunAsync(new P.Catalog { RecoverPartitions = new() { TableName = tableName } }, cancellationToken);
    }

    /// <summary>Whether the table or view is cached.</summary>
    public Task<bool> IsCachedAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        return ScalarAsync<bool>(new P.Catalog { IsCached = new() { TableName = tableName } }, cancellationToken);
    }

    /// <summary>Caches the table or view (lazily: at its next use), at <paramref name="storageLevel"/> (memory and disk if null).</summary>
    public Task CacheTableAsync(string tableName, StorageLevel? storageLevel = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        var cache = new P.CacheTable { TableName = tableName };
        if (storageLevel is not null) cache.StorageLevel = storageLevel.ToProto();
        return RunAsync(new P.Catalog { CacheTable = cache }, cancellationToken);
    }

    /// <summary>Removes the table or view from the cache.</summary>
    public Task UncacheTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        return RunAsync(new P.Catalog { UncacheTable = new() { TableName = tableName } }, cancellationToken);
    }

    /// <summary>Removes every table and view from the cache.</summary>
    public Task ClearCacheAsync(CancellationToken cancellationToken = default) =>
        RunAsync(new P.Catalog { ClearCache = new() }, cancellationToken);

    /// <summary>Forgets what the session knows of the table's files and metadata (after they changed outside Spark).</summary>
    public Task RefreshTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        return RunAsync(new P.Catalog { RefreshTable = new() { TableName = tableName } }, cancellationToken);
    }

    /// <summary>Forgets what the session knows of the files under <paramref name="path"/> (cached data included).</summary>
    public Task RefreshByPathAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RunAsync(new P.Catalog { RefreshByPath = new() { Path = path } }, cancellationToken);
    }

    private Task<IReadOnlyList<Row>> RowsAsync(P.Catalog call, CancellationToken ct) =>
        new DataFrame(_session, DataFrame.NewRelation(_session, r => r.Catalog = call)).CollectAsync(ct);

    private Task RunAsync(P.Catalog call, CancellationToken ct) => RowsAsync(call, ct);

    private async Task<T> ScalarAsync<T>(P.Catalog call, CancellationToken ct)
    {
        var rows = await RowsAsync(call, ct).ConfigureAwait(false);
        if (rows.Count != 1 || rows[0].Count < 1 || rows[0][0] is not T value)
            throw new SparkException($"The server answered a catalog call ({call.CatTypeCase}) with an unexpected result.");
        return value;
    }

    private static CatalogTable ToTable(Row r) =>
        new(Text(r, "name")!, Text(r, "catalog"), Names(r, "namespace"), Text(r, "description"), Text(r, "tableType"), Flag(r, "isTemporary"));

    private static CatalogFunction ToFunction(Row r) =>
        new(Text(r, "name")!, Text(r, "catalog"), Names(r, "namespace"), Text(r, "description"), Text(r, "className"), Flag(r, "isTemporary"));

    private static CatalogDatabase ToDatabase(Row r) =>
        new(Text(r, "name")!, Text(r, "catalog"), Text(r, "description"), Text(r, "locationUri"));

    // Fields are read by name, and absent ones read as empty, so that a server adding or dropping a field still answers.
    private static object? Value(Row r, string name) => r.Schema.TryGetFieldIndex(name, out var i) ? r[i] : null;

    private static string? Text(Row r, string name) => Value(r, name) as string;

    private static bool Flag(Row r, string name) => Value(r, name) is true;

    private static IReadOnlyList<string> Names(Row r, string name) =>
        Value(r, name) is IReadOnlyList<object?> items ? items.OfType<string>().ToList() : [];
}

using Google.Protobuf;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

public sealed partial class SparkSession
{
    /// <summary>
    /// Runs a SQL statement now, once, as PySpark's <c>spark.sql</c> does: the server parses and analyses it before this
    /// returns (a syntax error or a missing table throws here), and runs a command (CREATE, INSERT, DROP, SET, SHOW, ...)
    /// at once. The DataFrame returned is the statement's result: for a command, its output rows, held by the server (an
    /// action reads them, never runs the command again); for a query, the query itself, which runs at each action
    /// and can be refined (<c>Filter</c>, <c>Select</c>, ...) like any DataFrame.
    /// </summary>
    public Task<DataFrame> SqlAsync(string query, CancellationToken cancellationToken = default) =>
        SqlAsync(BuildSql(query ?? throw new ArgumentNullException(nameof(query)), null, null), cancellationToken);

    /// <summary>
    /// Runs a SQL statement now, once, with positional parameters: each <c>?</c> in <paramref name="query"/> takes the
    /// next value, sent as a typed literal (never spliced into the text, so quotes in strings are harmless). Values:
    /// anything <see cref="Functions.Lit(object?)"/> accepts, or a <see cref="Column"/> literal expression.
    /// </summary>
    public Task<DataFrame> SqlAsync(string query, object?[] positionalArgs, CancellationToken cancellationToken = default) =>
        SqlAsync(BuildSql(query ?? throw new ArgumentNullException(nameof(query)), positionalArgs ?? [null], null), cancellationToken);

    /// <summary>
    /// Runs a SQL statement now, once, with named parameters: <c>:name</c> in <paramref name="query"/> takes
    /// <c>namedArgs["name"]</c>, sent as a typed literal (never spliced into the text).
    /// </summary>
    public Task<DataFrame> SqlAsync(string query, IReadOnlyDictionary<string, object?> namedArgs, CancellationToken cancellationToken = default) =>
        SqlAsync(BuildSql(query ?? throw new ArgumentNullException(nameof(query)), null, namedArgs ?? throw new ArgumentNullException(nameof(namedArgs))), cancellationToken);

    private async Task<DataFrame> SqlAsync(P.SQL sql, CancellationToken ct)
    {
        var input = DataFrame.NewRelation(this, r => r.Sql = sql);
        var responses = await RunCommandAsync(new P.Command { SqlCommand = new P.SqlCommand { Input = input } }, null, ct).ConfigureAwait(false);
        var result = responses.FirstOrDefault(r => r.SqlCommandResult is not null)?.SqlCommandResult?.Relation;
        // A query comes back as itself; a command as a local relation holding its output rows.
        return new DataFrame(this, result?.Clone() ?? input);
    }

    private static P.SQL BuildSql(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named)
    {
        var sql = new P.SQL { Query = query };
        if (positional is not null)
            foreach (var v in positional) sql.PosArguments.Add(Column.Of(v).Expression);
        if (named is not null)
            foreach (var (k, v) in named) sql.NamedArguments.Add(k, Column.Of(v).Expression);
        return sql;
    }

    /// <summary>A single <c>bigint</c> column <c>id</c> with 0, 1, ..., <paramref name="end"/> - 1.</summary>
    public DataFrame Range(long end) => Range(0, end);

    /// <summary>A single <c>bigint</c> column <c>id</c> from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) by <paramref name="step"/>.</summary>
    public DataFrame Range(long start, long end, long step = 1, int? numPartitions = null)
    {
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), "The step cannot be 0.");
        return new DataFrame(this, DataFrame.NewRelation(this, r =>
        {
            r.Range = new P.Range { Start = start, End = end, Step = step };
            if (numPartitions is { } n) r.Range.NumPartitions = n;
        }));
    }

    /// <summary>A table or view of the catalog, e.g. <c>Table("db.sales")</c> or <c>Table("global_temp.v")</c>.</summary>
    public DataFrame Table(string tableName) => Read.Table(tableName);

    /// <summary>Reads files and tables: <c>session.Read.Option("header", true).Csv(path)</c>.</summary>
    public DataFrameReader Read => new(this);

    /// <summary>
    /// A DataFrame of local rows (one value per field of <paramref name="schema"/>, in order), sent inline to the server as
    /// Arrow. Values are converted to the field types (e.g. an <c>int</c> for a <c>bigint</c> field); timestamps take
    /// <see cref="DateTimeOffset"/> or <see cref="DateTime"/> (unspecified kind read as UTC). Arrays, maps (dictionaries)
    /// and structs (<see cref="Row"/> or lists of values) nest. Meant for small data: the rows travel in one message.
    /// </summary>
    public DataFrame CreateDataFrame(IEnumerable<IReadOnlyList<object?>> rows, StructType schema)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schema);
        var data = LocalArrow.Encode(rows.ToList(), schema);
        var local = new P.LocalRelation { Data = ByteString.CopyFrom(data), Schema = TypeStrings.Json(schema.ToProto()) };
        return new DataFrame(this, DataFrame.NewRelation(this, r => r.LocalRelation = local));
    }

    /// <summary>
    /// A DataFrame of local rows of any size (one value per field of <paramref name="schema"/>, converted as
    /// <see cref="CreateDataFrame"/> does), as PySpark's <c>createDataFrame</c>: Arrow data up to the server's
    /// <c>spark.sql.session.localRelationCacheThreshold</c> (or <see cref="SparkSessionOptions.LocalRelationCacheThreshold"/>)
    /// goes inline in the plan; larger data is uploaded before this returns, in chunks of the server's
    /// <c>spark.sql.session.localRelationChunkSizeBytes</c> / <c>...ChunkSizeRows</c>, each sent as soon as it is full,
    /// so the client holds one chunk at a time whatever the size (the rows are read once, as they are enumerated).
    /// </summary>
    public async Task<DataFrame> CreateDataFrameAsync(IEnumerable<IReadOnlyList<object?>> rows, StructType schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schema);
        var arrowSchema = LocalArrow.Schema(schema);
        return await UploadLocalAsync(LocalRelationUpload.RowBatches(rows, schema, arrowSchema).ToAsyncEnumerable(), arrowSchema, schema, true,
            () => LocalArrow.Batch([], schema, arrowSchema, 0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command and drains its responses (returned for commands that answer, such as SQL).</summary>
    internal async Task<List<P.ExecutePlanResponse>> RunCommandAsync(P.Command command, ExecutionOptions? options, CancellationToken ct)
    {
        var responses = new List<P.ExecutePlanResponse>();
        await foreach (var r in Client.ExecuteAsync(new P.Plan { Command = command }, options, ct).ConfigureAwait(false))
        {
            if (r.ResponseTypeCase is not (P.ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch or P.ExecutePlanResponse.ResponseTypeOneofCase.ExecutionProgress))
                responses.Add(r);
        }
        return responses;
    }
}

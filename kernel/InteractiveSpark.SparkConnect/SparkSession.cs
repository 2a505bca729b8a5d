using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A session on a Spark Connect server: the entry point for SQL, DataFrames, configuration and interrupts.
/// Create one with <see cref="ConnectAsync(string, CancellationToken)"/> and dispose it when done
/// (<c>await using var spark = await SparkSession.ConnectAsync("sc://localhost:15002");</c>).
/// </summary>
/// <remarks>
/// A session is safe to use from several threads: queries may run concurrently. Disposing releases the server-side
/// session (its temporary views, cached data and running queries) and closes the connection.
/// </remarks>
public sealed partial class SparkSession : IAsyncDisposable
{
    private long _lastPlanId;
    private string? _version;

    private SparkSession(SparkConnectClient client)
    {
        Client = client;
        Conf = new RuntimeConfig(client);
        client.ObservedMetricsReceived += OnObservedMetrics;
    }

    /// <summary>
    /// Connects to the Spark Connect server named by a connection string such as
    /// <c>sc://host:15002/;token=...;use_ssl=true</c>, and checks that it answers.
    /// </summary>
    /// <exception cref="FormatException">The connection string is not valid.</exception>
    /// <exception cref="SparkException">The server could not be reached in time, refused the token, or failed.</exception>
    public static Task<SparkSession> ConnectAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ConnectAsync(SparkConnectionString.Parse(connectionString), null, cancellationToken);

    /// <summary>
    /// Connects to a Spark Connect server and checks, within <see cref="SparkSessionOptions.ConnectTimeout"/>, that it
    /// answers. A token is never sent without TLS to a host that is not loopback: that is refused before any network call.
    /// </summary>
    /// <exception cref="SparkException">The server could not be reached in time, refused the token, or failed.</exception>
    public static async Task<SparkSession> ConnectAsync(
        SparkConnectionString connectionString, SparkSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var client = new SparkConnectClient(connectionString, options ?? SparkSessionOptions.Default);
        try
        {
            var session = new SparkSession(client);
            session._version = await client.VerifyAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The client-chosen session id (a UUID), as the server and its UI show it.</summary>
    public string SessionId => Client.SessionId;

    /// <summary>The server's own id for this session; it changes only if the server lost the session.</summary>
    public string? ServerSideSessionId => Client.ServerSideSessionId;

    /// <summary>The user id sent with every request (from the connection string, else the OS user name).</summary>
    public string UserId => Client.UserContext.UserId;

    /// <summary>Where this session is connected; its ToString hides the token.</summary>
    public SparkConnectionString ConnectionString => Client.Connection;

    /// <summary>The session's Spark configuration (<c>spark.conf</c>).</summary>
    public RuntimeConfig Conf { get; }

    /// <summary>The gRPC client that runs this session's requests.</summary>
    internal SparkConnectClient Client { get; }

    /// <summary>Reads streams (Kafka, files, rate, ...) into streaming DataFrames: <c>session.ReadStream.Format("kafka")...Load()</c>.</summary>
    public Streaming.DataStreamReader ReadStream => new(this);

    /// <summary>
    /// The session's catalog (<c>spark.catalog</c>): catalogs, databases, tables, views, columns, functions and the
    /// cache: <c>await session.Catalog.ListTablesAsync("db")</c>.
    /// </summary>
    public Catalog Catalog => new(this);

    /// <summary>
    /// Registers user-defined functions (<c>spark.udf</c>): Java/Scala classes from an uploaded jar, called from SQL and
    /// DataFrames: <c>await session.Udf.RegisterJavaAsync("twice", "com.example.Twice", LongType.Instance)</c>.
    /// </summary>
    public UdfRegistration Udf => new(this);

    /// <summary>The session's streaming queries (<c>spark.streams</c>): <c>await session.Streams.ActiveAsync()</c>.</summary>
    public Streaming.StreamingQueryManager Streams => new(this);

    /// <summary>The server's Spark version, such as <c>4.2.0</c> (asked once, when connecting).</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken = default)
    {
        if (_version is { } known)
        {
            return known;
        }

        var v = await Client.SparkVersionAsync(cancellationToken).ConfigureAwait(false);
        _version = v;
        return v;
    }

    /// <summary>A new plan id, unique in this session, for a relation's <c>RelationCommon.plan_id</c>.</summary>
    internal long NextPlanId() => Interlocked.Increment(ref _lastPlanId);

    /// <summary>Interrupts every running operation of this session; returns the ids of those interrupted.</summary>
    public Task<IReadOnlyList<string>> InterruptAllAsync(CancellationToken cancellationToken = default) =>
        Client.InterruptAsync(InterruptRequest.Types.InterruptType.All, null, cancellationToken);

    /// <summary>Interrupts the running operations that carry <paramref name="tag"/>; returns the ids of those interrupted.</summary>
    public Task<IReadOnlyList<string>> InterruptTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        SparkConnectClient.ValidateTag(tag);
        return Client.InterruptAsync(InterruptRequest.Types.InterruptType.Tag, tag, cancellationToken);
    }

    /// <summary>Interrupts one operation by id; returns its id if it was running (empty otherwise).</summary>
    public Task<IReadOnlyList<string>> InterruptOperationAsync(string operationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationId);
        return Client.InterruptAsync(InterruptRequest.Types.InterruptType.OperationId, operationId, cancellationToken);
    }

    /// <summary>
    /// Adds a tag to every operation this session starts from now on, so that they can be interrupted together
    /// with <see cref="InterruptTagAsync"/>. A tag is non-empty and has no comma.
    /// </summary>
    public void AddTag(string tag) => Client.AddTag(tag);

    /// <summary>Stops adding <paramref name="tag"/> to new operations.</summary>
    public void RemoveTag(string tag) => Client.RemoveTag(tag);

    /// <summary>Stops adding any tag to new operations.</summary>
    public void ClearTags() => Client.ClearTags();

    /// <summary>The tags added to new operations.</summary>
    public IReadOnlyList<string> GetTags() => Client.GetTags();

    /// <summary>Describes the session without its token.</summary>
    public override string ToString() => $"SparkSession {SessionId} at {Client.Connection}";

    /// <summary>
    /// Releases the session on the server and closes the connection, waiting at most
    /// <see cref="SparkSessionOptions.CloseTimeout"/> for the server. Safe to call more than once.
    /// </summary>
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

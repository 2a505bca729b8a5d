using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// One real Spark Connect server (Spark 4.2.0 from ../shared/engines) for the whole test run, started with a token.
/// ISPARK_TEST_SPARK (a full sc:// URL with its token) points the tests at a server that is already running instead.
/// If no server can be started every test fails: a test without the real engine proves nothing.
/// </summary>
public sealed class SparkFixture : IAsyncLifetime
{
    private LocalSparkServer? _server;

    /// <summary>How to reach the server, token included.</summary>
    public SparkConnectionString ConnectionString { get; private set; } = null!;

    /// <summary>The server's token.</summary>
    public string Token => ConnectionString.Token ?? throw new InvalidOperationException("The test server runs without a token.");

    /// <summary>The server's host.</summary>
    public string Host => ConnectionString.Host;

    /// <summary>The server's gRPC port.</summary>
    public int Port => ConnectionString.Port;

    /// <summary>The Spark UI port when this fixture started the server and the UI is on.</summary>
    public int? UiPort => _server?.UiPort;

    /// <summary>A new session on the test server.</summary>
    public Task<SparkSession> ConnectAsync(CancellationToken cancellationToken = default) =>
        SparkSession.ConnectAsync(ConnectionString, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
        if (!string.IsNullOrWhiteSpace(url))
        {
            ConnectionString = SparkConnectionString.Parse(url);
            return;
        }

        _server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
        {
            // Small fixed shuffle parallelism keeps the many tiny test queries fast on 2 cores.
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "4" },
            LogFile = Path.Combine(Path.GetTempPath(), $"ispark-test-spark-{Environment.ProcessId}.log"),
        });
        ConnectionString = _server.ConnectionString;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The collection every test that needs Spark joins; they share one server and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SparkCollection : ICollectionFixture<SparkFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Spark";
}

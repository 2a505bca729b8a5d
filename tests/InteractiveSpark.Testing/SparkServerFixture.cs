using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;
using Xunit;

namespace InteractiveSpark.Testing;

/// <summary>
/// A real Spark Connect server for the tests that connect: the one ISPARK_TEST_SPARK names (an sc:// URL with its token;
/// what <c>tests/run</c> sets), else one started here from ../shared/engines (local[2], so that a streaming query and a
/// batch query can run side by side). If neither works the tests fail: nothing is skipped. Each test project joins it
/// through a collection fixture; the server started here is one per test process (shared by every instance, stopped
/// with the last), so a class fixture or a fixture that holds one does not start a second.
/// </summary>
public sealed class SparkServerFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalSparkServer? s_server;
    private static int s_users;

    private bool _holdsServer;

    /// <summary>How to reach the server, token included.</summary>
    public SparkConnectionString ConnectionString { get; private set; } = null!;

    /// <summary>The server's URL, token included (given to notebooks and kernels as ISPARK_TEST_SPARK or ISPARK_SPARK_URL).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The server's token (tests check that no output shows it).</summary>
    public string Token => ConnectionString.Token ?? throw new InvalidOperationException("The test server runs without a token.");

    /// <summary>The server's host.</summary>
    public string Host => ConnectionString.Host;

    /// <summary>The server's gRPC port.</summary>
    public int Port => ConnectionString.Port;

    /// <summary>The server's URL with its token.</summary>
    public Task<string> UrlAsync() => Task.FromResult(Url);

    /// <summary>A new session on the server.</summary>
    public Task<SparkSession> ConnectAsync(CancellationToken cancellationToken = default) =>
        SparkSession.ConnectAsync(ConnectionString, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
        if (string.IsNullOrWhiteSpace(url))
        {
            url = await AcquireLocalServerAsync();
            _holdsServer = true;
        }

        Url = url.Trim();
        ConnectionString = SparkConnectionString.Parse(Url);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (!_holdsServer)
        {
            return;
        }

        _holdsServer = false;
        await Gate.WaitAsync();
        try
        {
            if (--s_users == 0 && s_server is not null)
            {
                await s_server.DisposeAsync();
                s_server = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The URL of this process's server, started by the first fixture that needs it.</summary>
    private static async Task<string> AcquireLocalServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            s_server ??= await LocalSparkServer.StartAsync(new LocalSparkServerOptions
            {
                Master = "local[2]",
                UiPort = null,
                // Small fixed shuffle parallelism keeps the many tiny test queries fast on 2 cores (tests/run's server has the same).
                // df.CheckpointAsync needs a checkpoint folder, which only the server's start sets (tests/run's server has one too).
                Conf = new Dictionary<string, string>
                {
                    ["spark.sql.shuffle.partitions"] = "4",
                    ["spark.checkpoint.dir"] = Path.Combine(Path.GetTempPath(), $"ispark-test-checkpoints-{Environment.ProcessId}"),
                },
                LogFile = Path.Combine(Path.GetTempPath(), $"ispark-test-spark-{Environment.ProcessId}.log"),
            });
            s_users++;
            var cs = s_server.ConnectionString;
            return $"sc://{cs.Host}:{cs.Port}/;token={cs.Token}";
        }
        finally
        {
            Gate.Release();
        }
    }
}

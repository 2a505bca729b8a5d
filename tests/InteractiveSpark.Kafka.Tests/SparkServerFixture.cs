using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Kafka.Tests;

/// <summary>
/// A real Spark Connect server for the streaming tests: the one ISPARK_TEST_SPARK names (an sc:// URL with its token),
/// else one started here from the engines folder (Spark's Kafka source is in its jars). Started on first use only, so
/// the tests that need only Kafka do not wait for Spark.
/// </summary>
public sealed class SparkServerFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private LocalSparkServer? server;
    private string? url;

    /// <summary>The server's URL with its token (starting a local server the first time when ISPARK_TEST_SPARK is not set).</summary>
    public async Task<string> UrlAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (url is not null) return url;
            var given = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
            if (string.IsNullOrWhiteSpace(given))
            {
                server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
                {
                    Master = "local[2]",
                    DriverMemory = "1g",
                    UiPort = null,
                    Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "2" },
                });
                var cs = server.ConnectionString;
                given = $"sc://{cs.Host}:{cs.Port}/;token={cs.Token}";
            }

            return url = given.Trim();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A new session on the server.</summary>
    public async Task<SparkSession> ConnectAsync() => await SparkSession.ConnectAsync(await UrlAsync());

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}

using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Tests.Shared;

/// <summary>
/// A real Spark Connect server for the tests that connect: the one ISPARK_TEST_SPARK names (an sc:// URL with its token;
/// what <c>tests/run</c> sets), else one started here from ../shared/engines (local[2], so that a streaming query and a
/// batch query can run side by side). If neither works the tests fail: nothing is skipped. Linked into each test project
/// that needs it (a collection fixture there), so one copy serves.
/// </summary>
public sealed class SparkServerFixture : IAsyncLifetime
{
    private LocalSparkServer? _server;

    /// <summary>The server's URL, token included (given to notebooks as ISPARK_SPARK_URL).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The server's token (tests check that no output shows it).</summary>
    public string? Token { get; private set; }

    /// <summary>The server's URL with its token.</summary>
    public Task<string> UrlAsync() => Task.FromResult(Url);

    /// <summary>A new session on the server.</summary>
    public Task<SparkSession> ConnectAsync() => SparkSession.ConnectAsync(Url);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
        if (string.IsNullOrWhiteSpace(url))
        {
            _server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
            {
                Master = "local[2]",
                DriverMemory = "1g",
                UiPort = null,
                Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "2" },
            });
            var cs = _server.ConnectionString;
            url = $"sc://{cs.Host}:{cs.Port}/;token={cs.Token}";
        }

        Url = url.Trim();
        Token = SparkConnectionString.Parse(Url).Token;
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

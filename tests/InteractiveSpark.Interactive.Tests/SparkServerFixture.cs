using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>
/// A real Spark Connect server for the tests that connect: the one ISPARK_TEST_SPARK names (an sc:// URL with its token),
/// else one started here from ../shared/engines. If neither works the tests fail: nothing is skipped.
/// </summary>
public sealed class SparkServerFixture : IAsyncLifetime
{
    private LocalSparkServer? server;

    /// <summary>The server's URL, token included.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The server's token (tests check it never shows).</summary>
    public string? Token { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
        if (string.IsNullOrWhiteSpace(url))
        {
            server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
            {
                Master = "local[1]",
                DriverMemory = "1g",
                UiPort = null,
                Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "2" },
            });
            var cs = server.ConnectionString;
            url = $"sc://{cs.Host}:{cs.Port}/;token={cs.Token}";
        }

        Url = url.Trim();
        Token = SparkConnectionString.Parse(Url).Token;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The tests that need Spark share one server and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SparkCollection : ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Spark";
}

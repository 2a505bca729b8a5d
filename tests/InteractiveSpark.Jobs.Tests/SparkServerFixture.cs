using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// A real Spark Connect server: the one ISPARK_TEST_SPARK names (sc:// URL with its token), else one started here from
/// ../shared/engines. Neither: the tests fail.
/// </summary>
public sealed class SparkServerFixture : IAsyncLifetime
{
    private LocalSparkServer? server;

    /// <summary>The server's URL, token included (given to notebooks as ISPARK_SPARK_URL).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The token (tests check that no output shows it).</summary>
    public string? Token { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("ISPARK_TEST_SPARK");
        if (string.IsNullOrWhiteSpace(url))
        {
            server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions { Master = "local[1]", DriverMemory = "1g", UiPort = null });
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

/// <summary>The tests that start kernels run one at a time (2 cores) and share one Spark server.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JobsCollection : ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Jobs";
}

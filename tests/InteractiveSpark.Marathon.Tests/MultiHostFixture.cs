using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>The multi-host tests share one test bed and its emulator (one at a time: a session is five JVMs on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class MultiHostCollection : ICollectionFixture<MultiHostFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "marathon-multihost";
}

/// <summary>
/// A Marathon emulator in multi-agent mode over a <see cref="ClusterNetwork"/> of <see cref="AgentCount"/> agents:
/// each task joins its agent's network namespace and gets the agent's address as <c>HOST</c>; the notebook (this
/// process) reaches them through the bed's bridge, and the bed's intruder namespace sits on the same bridge.
/// Everything is removed at the end, also when a test failed.
/// </summary>
public sealed class MultiHostFixture : IAsyncLifetime
{
    /// <summary>The number of agents: a driver and two workers placed round-robin each get their own.</summary>
    public const int AgentCount = 3;

    /// <summary>The image of the agents' holder containers (the tests' base image: it has <c>sleep</c>).</summary>
    public const string HolderImage = "ispark-test-base:bookworm-jre17";

    /// <summary>The user the emulator accepts.</summary>
    public const string User = "analyst";

    /// <summary>The password, made per run.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    /// <summary>The driver image.</summary>
    public string DriverImage { get; } = Environment.GetEnvironmentVariable("ISPARK_DOCKER_IMAGE") is { Length: > 0 } i ? i : "ispark-driver:test";

    /// <summary>The group of this run's sessions.</summary>
    public string Group { get; } = "ispark-multihost-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The test bed.</summary>
    public ClusterNetwork Bed { get; private set; } = null!;

    /// <summary>The emulator, placing tasks on the bed's agents.</summary>
    public MarathonEmulator.MarathonEmulator Emulator { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await MarathonFixture.BuildImagesAsync(DriverImage);
        Bed = await ClusterNetwork.CreateAsync(AgentCount, HolderImage);
        try
        {
            Emulator = await MarathonEmulator.MarathonEmulator.StartAsync(new MarathonEmulatorOptions
            {
                User = User,
                Password = Password,
                Agents = Bed.Agents.Select(a => new MarathonEmulatorAgent(a.Address.ToString(), a.HolderContainer)).ToList(),
            });
        }
        catch
        {
            await Bed.DisposeAsync();
            Bed = null!;
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // The tasks first (they share the holders' namespaces), then the bed.
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (Bed is not null)
        {
            await Bed.DisposeAsync();
        }
    }

    /// <summary>Launcher options for a session on the bed.</summary>
    public MarathonSparkLauncherOptions Options(string name, int executors) => new()
    {
        Marathon = Emulator.Url,
        Credentials = MarathonCredentials.Basic(User, Password),
        Group = Group,
        Name = name,
        Image = DriverImage,
        Executors = executors,
        Memory = "2g",
        Cpus = 0.5,
        StartupTimeout = TimeSpan.FromSeconds(240),
        IdleTimeout = TimeSpan.FromMinutes(10),
        Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "4" },
    };
}

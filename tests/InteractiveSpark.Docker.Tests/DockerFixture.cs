using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Docker.Tests;

/// <summary>The Docker tests share one fixture (and run one at a time: each starts a JVM or three on a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "docker";
}

/// <summary>
/// Makes sure the Docker engine answers and the test images exist: runs <c>docker/build-test-images</c> (cached: a few
/// seconds when nothing changed) and builds <c>ispark-broken:test</c>, an image whose entrypoint exits 1. Fails loudly
/// with the script's output when it cannot.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    /// <summary>An image that exits 1 at once, printing one line.</summary>
    public const string BrokenImage = "ispark-broken:test";

    /// <summary>An image that never prints anything and never opens a port (it sleeps).</summary>
    public const string SilentImage = "ispark-silent:test";

    /// <summary>The line the broken image prints before it exits.</summary>
    public const string BrokenLine = "broken on purpose: this image exits 1";

    /// <summary>The driver image the tests use.</summary>
    public string DriverImage { get; } = Environment.GetEnvironmentVariable("ISPARK_DOCKER_IMAGE") is { Length: > 0 } i ? i : DockerSparkLauncherOptions.DefaultImage;

    /// <summary>The repository's root.</summary>
    public string Repo { get; } = Repository.Root;

    /// <summary>The label prefix of everything this test run starts.</summary>
    public string Prefix { get; } = "ispark-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>What the image script printed (its step timings).</summary>
    public string BuildOutput { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var info = await TestProcess.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        if (info.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Docker engine does not answer (docker info: {info.Output.Trim()}). Run .ci/install-docker first.");
        }

        var script = Path.Combine(Repo, "docker", "build-test-images");
        var build = await TestProcess.RunAsync(script, ["--image", DriverImage], TimeSpan.FromMinutes(25));
        BuildOutput = build.Output;
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker/build-test-images failed with exit code {build.ExitCode}:{Environment.NewLine}{build.Output}");
        }

        await SmallImageAsync(BrokenImage, $"ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo '{BrokenLine}' >&2; exit 1\"]");
        await SmallImageAsync(SilentImage, "ENTRYPOINT [\"/bin/sh\", \"-c\", \"exec sleep infinity\"]");
    }

    private static async Task SmallImageAsync(string name, string entrypoint)
    {
        if ((await TestProcess.RunAsync("docker", ["image", "inspect", name], TimeSpan.FromSeconds(30))).ExitCode == 0)
        {
            return;
        }

        var dockerfile = $"FROM ispark-test-base:bookworm-jre17\n{entrypoint}\n";
        var build = await TestProcess.RunAsync("docker", ["build", "-q", "-t", name, "-"], TimeSpan.FromMinutes(2), dockerfile);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not build {name}:{Environment.NewLine}{build.Output}");
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // Whatever a failed test left (its prefix starts with this run's): remove it.
        using var client = DockerSparkContainers.CreateClient();
        foreach (var c in await DockerSparkContainers.ListAsync())
        {
            if (c.Name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                await client.Containers.RemoveContainerAsync(c.Id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true })
                    .ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Launcher options for a test session: generous start time (a busy 2-core machine), the test prefix.</summary>
    public DockerSparkLauncherOptions Options(string name) => new()
    {
        Image = DriverImage,
        Name = name,
        NamePrefix = Prefix,
        StartupTimeout = TimeSpan.FromSeconds(240),
        IdleTimeout = TimeSpan.FromMinutes(10),
        Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "4" },
    };

    /// <summary>The launcher's containers with this label, running or not.</summary>
    public static Task<IReadOnlyList<DockerSparkContainer>> ContainersAsync(string label, string value) =>
        DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [label] = value });
}

using InteractiveSpark.MarathonEmulator;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>The Marathon tests share one emulator (and run one at a time: each starts a JVM or three on a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class MarathonCollection : ICollectionFixture<MarathonFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "marathon";
}

/// <summary>
/// One Marathon emulator for the run, with HTTP basic authentication (user <see cref="User"/>) and a forbidden user,
/// over the real Docker engine with the images <c>docker/build-test-images</c> builds (run here, cached).
/// </summary>
public sealed class MarathonFixture : IAsyncLifetime
{
    /// <summary>The user the emulator accepts.</summary>
    public const string User = "analyst";

    /// <summary>A user who authenticates but may do nothing.</summary>
    public const string ForbiddenUser = "intern";

    /// <summary>An image whose entrypoint exits 1 at once (built by the Docker tests' fixture or here).</summary>
    public const string BrokenImage = "ispark-broken:test";

    /// <summary>The password, made per run: tests check it never shows in a message.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    /// <summary>The driver image.</summary>
    public string DriverImage { get; } = Environment.GetEnvironmentVariable("ISPARK_DOCKER_IMAGE") is { Length: > 0 } i ? i : "ispark-driver:test";

    /// <summary>The group of this run's sessions (lower case: a Marathon id).</summary>
    public string Group { get; } = "ispark-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The emulator.</summary>
    public MarathonEmulator.MarathonEmulator Emulator { get; private set; } = null!;

    /// <summary>The repository's root.</summary>
    public string Repo { get; } = Repository.Root;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await BuildImagesAsync(DriverImage);

        if ((await TestProcess.RunAsync("docker", ["image", "inspect", BrokenImage], TimeSpan.FromSeconds(30))).ExitCode != 0)
        {
            var b = await TestProcess.RunAsync("docker", ["build", "-q", "-t", BrokenImage, "-"], TimeSpan.FromMinutes(2),
                "FROM ispark-test-base:bookworm-jre17\nENTRYPOINT [\"/bin/sh\", \"-c\", \"echo 'broken on purpose: this image exits 1' >&2; exit 1\"]\n");
            if (b.ExitCode != 0)
            {
                throw new InvalidOperationException($"Could not build {BrokenImage}:{Environment.NewLine}{b.Output}");
            }
        }

        Emulator = await MarathonEmulator.MarathonEmulator.StartAsync(new MarathonEmulatorOptions
        {
            User = User,
            Password = Password,
            ForbiddenUser = ForbiddenUser,
            ForbiddenPassword = "intern-pw",
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    /// <summary>Builds the test images (docker/build-test-images: the base image and the driver image; cached by the hash of their inputs).</summary>
    internal static async Task BuildImagesAsync(string driverImage)
    {
        var build = await TestProcess.RunAsync(Path.Combine(Repository.Root, "docker", "build-test-images"), ["--image", driverImage], TimeSpan.FromMinutes(25));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker/build-test-images failed with exit code {build.ExitCode}:{Environment.NewLine}{build.Output}");
        }
    }

    /// <summary>An HTTP client for a session's gateway: certificate pinned, the session token as a bearer header.</summary>
    public static HttpClient Pinned(MarathonSparkSession session)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && cert.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == session.CertificateSha256,
            },
        };
        var http = new HttpClient(handler) { BaseAddress = session.GatewayUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.ConnectionString.Token);
        return http;
    }

    /// <summary>Launcher options for a test session against the emulator.</summary>
    public MarathonSparkLauncherOptions Options(string name, int executors = 0) => new()
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

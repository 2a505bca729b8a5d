using InteractiveSpark.MarathonEmulator;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// The Marathon emulator for `ispark submit --launcher marathon`: it validates every app against Marathon's schema and runs
/// each task as a real container of the job image on the local Docker engine, with HTTP basic authentication.
/// </summary>
public sealed class MarathonEmulatorFixture : IAsyncLifetime
{
    /// <summary>The user the emulator accepts.</summary>
    public const string User = "jobs";

    /// <summary>The password, made per run.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    /// <summary>The group of this run's jobs.</summary>
    public string Group { get; } = "ispark-test-jobs-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The emulator.</summary>
    public MarathonEmulator.MarathonEmulator Emulator { get; private set; } = null!;

    /// <summary>What the tool needs to reach the emulator: its credentials, and a record folder of the test's own.</summary>
    public Dictionary<string, string> Environment(string recordFolder) => new()
    {
        ["ISPARK_MARATHON_USER"] = User,
        ["ISPARK_MARATHON_PASSWORD"] = Password,
        ["ISPARK_JOBS_DIR"] = recordFolder,
    };

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        Emulator = await MarathonEmulator.MarathonEmulator.StartAsync(new MarathonEmulatorOptions { User = User, Password = Password });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}

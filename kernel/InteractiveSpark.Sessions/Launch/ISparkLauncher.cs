namespace InteractiveSpark.Sessions;

/// <summary>
/// Turns a launch (<see cref="SessionLaunch"/>) into a started driver. Made by
/// <see cref="SparkLauncherOptions.CreateLauncher"/>; every launcher (an existing server's URL, a local process,
/// Docker, Marathon) implements it.
/// </summary>
public interface ISparkLauncher
{
    /// <summary>Which launcher this is.</summary>
    SparkLauncherKind Kind { get; }

    /// <summary>
    /// Starts the driver and waits until it answers, within the settings' startup timeout. On failure or cancellation
    /// everything started so far is removed and the exception's message says why, for people (no stack trace needed).
    /// </summary>
    /// <param name="progress">Receives each phase in a few words (for a progress line); may be null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    Task<ISparkDriver> StartAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}

using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions;

/// <summary>
/// One launcher's settings: what a user asked of it (image, size, executors, where, how long to wait). The four kinds
/// are <see cref="ExistingServerOptions"/>, <see cref="Local.LocalSparkServerOptions"/>,
/// <see cref="Docker.DockerSparkLauncherOptions"/> and <see cref="Marathon.MarathonSparkLauncherOptions"/>; each makes its
/// own launcher, so that nothing above a launcher switches on the kind.
/// </summary>
public abstract record SparkLauncherOptions
{
    /// <summary>Which launcher these settings are for.</summary>
    public abstract SparkLauncherKind Kind { get; }

    /// <summary>
    /// The launcher that starts a driver with these settings for the session <paramref name="name"/>; checks the
    /// settings and throws <see cref="ArgumentException"/> (a message for people) when they cannot work.
    /// </summary>
    /// <param name="name">The session's name (container names, Marathon group, labels).</param>
    /// <param name="loggerFactory">The product log, used when the settings name none.</param>
    public abstract ISparkLauncher CreateLauncher(string name, ILoggerFactory? loggerFactory = null);
}

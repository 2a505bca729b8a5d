using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions;

/// <summary>
/// What a user asked for when opening a session (<c>#!spark-connect --name dev --launcher docker --executors 2</c>):
/// its name, and the launcher with its settings. The magics parse a line into one; <see cref="OpenSparkSession.OpenAsync"/>
/// starts it. A launch holds no secret beyond what the user typed (a <c>--url</c> token hides in its <c>ToString</c>).
/// </summary>
public sealed record SessionLaunch
{
    /// <summary>The default time a launcher and the handshake may take.</summary>
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The session's name (a C# variable in a notebook, a container or group name part).</summary>
    public required string Name { get; init; }

    /// <summary>The launcher and its settings.</summary>
    public required SparkLauncherOptions Launcher { get; init; }

    /// <summary>How long the Spark Connect handshake may take once the driver is up (the connect timeout).</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>
    /// Whether the session outlives its front end (<c>--keep-alive</c>): leaving the kernel detaches from it (its record
    /// stays, for <see cref="OpenSparkSession.AttachAsync"/>) instead of stopping it; its driver's idle timer ends it.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>Which launcher.</summary>
    public SparkLauncherKind Kind => Launcher.Kind;

    /// <summary>The launcher for this launch.</summary>
    /// <param name="loggerFactory">The product log, used when the settings name none.</param>
    public ISparkLauncher CreateLauncher(ILoggerFactory? loggerFactory = null) => Launcher.CreateLauncher(Name, loggerFactory);
}

using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>Docker settings are a launcher's settings (<see cref="SparkLauncherKind.Docker"/>).</summary>
public sealed partial record DockerSparkLauncherOptions : SparkLauncherOptions
{
    /// <inheritdoc/>
    public override SparkLauncherKind Kind => SparkLauncherKind.Docker;

    /// <inheritdoc/>
    public override ISparkLauncher CreateLauncher(string name, ILoggerFactory? loggerFactory = null) =>
        new DockerSparkLauncher(this with { Name = name, LoggerFactory = LoggerFactory ?? loggerFactory });
}

/// <summary>The Docker launcher as every launcher is seen.</summary>
public sealed partial class DockerSparkLauncher : ISparkLauncher
{
    /// <inheritdoc/>
    public SparkLauncherKind Kind => SparkLauncherKind.Docker;

    /// <inheritdoc/>
    async Task<ISparkDriver> ISparkLauncher.StartAsync(IProgress<string>? progress, CancellationToken cancellationToken) =>
        await StartAsync(progress, cancellationToken).ConfigureAwait(false);
}

/// <summary>A Docker session as every started driver is seen: logs and UI through its gateway.</summary>
public sealed partial class DockerSparkSession
{
    /// <inheritdoc/>
    public SparkLauncherKind Launcher => SparkLauncherKind.Docker;

    /// <inheritdoc/>
    public string? Owned => DriverContainerName.Length > 0 ? $"Docker container {DriverContainerName}" + (HasExecutors ? " and its workers" : "") : null;

    /// <inheritdoc/>
    Uri? ISparkDriver.UiUri => UiUri;

    /// <inheritdoc/>
    public ISessionLogs? Logs => new GatewayTools(this);

    /// <inheritdoc/>
    public ISessionUi? Ui => new GatewayTools(this);

    /// <inheritdoc/>
    public DriverReach Reach => new(SparkLauncherKind.Docker, ConnectionString, CertificateSha256, SessionId);
}

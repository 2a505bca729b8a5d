using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>Marathon settings are a launcher's settings (<see cref="SparkLauncherKind.Marathon"/>).</summary>
public sealed partial record MarathonSparkLauncherOptions : SparkLauncherOptions
{
    /// <inheritdoc/>
    public override SparkLauncherKind Kind => SparkLauncherKind.Marathon;

    /// <inheritdoc/>
    public override ISparkLauncher CreateLauncher(string name, ILoggerFactory? loggerFactory = null) =>
        new MarathonSparkLauncher(this with { Name = name, LoggerFactory = LoggerFactory ?? loggerFactory });
}

/// <summary>The Marathon launcher as every launcher is seen.</summary>
public sealed partial class MarathonSparkLauncher : ISparkLauncher
{
    /// <inheritdoc/>
    public SparkLauncherKind Kind => SparkLauncherKind.Marathon;

    /// <inheritdoc/>
    async Task<ISparkDriver> ISparkLauncher.StartAsync(IProgress<string>? progress, CancellationToken cancellationToken) =>
        await StartAsync(progress, cancellationToken).ConfigureAwait(false);
}

/// <summary>A Marathon session as every started driver is seen: logs and UI through its gateway.</summary>
public sealed partial class MarathonSparkSession
{
    /// <inheritdoc/>
    public SparkLauncherKind Launcher => SparkLauncherKind.Marathon;

    /// <inheritdoc/>
    public string? Owned => Created ? $"Marathon group {GroupId}" : null;

    /// <inheritdoc/>
    Uri? ISparkDriver.UiUri => UiUri;

    /// <inheritdoc/>
    public ISessionLogs? Logs => new GatewayTools(this);

    /// <inheritdoc/>
    public ISessionUi? Ui => new GatewayTools(this);

    /// <inheritdoc/>
    public DriverReach Reach => new(SparkLauncherKind.Marathon, ConnectionString, CertificateSha256, GroupId);
}

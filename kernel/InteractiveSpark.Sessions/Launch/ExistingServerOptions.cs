using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions;

/// <summary>The settings of <see cref="SparkLauncherKind.Url"/>: an existing Spark Connect server; nothing is started.</summary>
/// <param name="Url">The server's address (<c>sc://host:15002/;token=...</c>).</param>
public sealed record ExistingServerOptions(SparkConnectionString Url) : SparkLauncherOptions
{
    /// <inheritdoc/>
    public override SparkLauncherKind Kind => SparkLauncherKind.Url;

    /// <inheritdoc/>
    public override ISparkLauncher CreateLauncher(string name, ILoggerFactory? loggerFactory = null) => new ExistingServerLauncher(Url);

    private sealed class ExistingServerLauncher(SparkConnectionString url) : ISparkLauncher
    {
        public SparkLauncherKind Kind => SparkLauncherKind.Url;

        public Task<ISparkDriver> StartAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<ISparkDriver>(new ExistingSparkServer(url));
    }
}

/// <summary>A Spark Connect server that this process did not start: it only has an address; disposing it does nothing.</summary>
/// <param name="connectionString">Its address.</param>
public sealed class ExistingSparkServer(SparkConnectionString connectionString) : ISparkDriver
{
    /// <inheritdoc/>
    public SparkLauncherKind Launcher => SparkLauncherKind.Url;

    /// <inheritdoc/>
    public SparkConnectionString ConnectionString { get; } = connectionString;

    /// <inheritdoc/>
    public SparkSessionOptions SessionOptions => SparkSessionOptions.Default;

    /// <inheritdoc/>
    public string Description =>
        $"sc://{ConnectionString.Host}:{ConnectionString.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(ConnectionString.UseSsl ? " (TLS)" : "")}";

    /// <inheritdoc/>
    public string? Owned => null;

    /// <inheritdoc/>
    public Uri? UiUri => null;

    /// <inheritdoc/>
    public ISessionLogs? Logs => null;

    /// <inheritdoc/>
    public ISessionUi? Ui => null;

    /// <inheritdoc/>
    public bool HasExited => false;

    /// <inheritdoc/>
    public DriverReach Reach => new(SparkLauncherKind.Url, ConnectionString, null, null);

    /// <summary>Nothing to remove: the server is not this process's.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

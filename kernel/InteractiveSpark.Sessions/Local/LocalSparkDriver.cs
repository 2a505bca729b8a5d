using System.Globalization;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions.Local;

/// <summary>A local server's settings are a launcher's settings (<see cref="SparkLauncherKind.Local"/>).</summary>
public sealed partial record LocalSparkServerOptions : SparkLauncherOptions
{
    /// <inheritdoc/>
    public override SparkLauncherKind Kind => SparkLauncherKind.Local;

    /// <inheritdoc/>
    public override ISparkLauncher CreateLauncher(string name, ILoggerFactory? loggerFactory = null) =>
        new LocalSparkLauncher(name, this with { LoggerFactory = LoggerFactory ?? loggerFactory });
}

/// <summary>Starts a <see cref="LocalSparkServer"/> for a session and hands it over as an <see cref="ISparkDriver"/>.</summary>
/// <param name="name">The session's name (in messages).</param>
/// <param name="options">The server's settings.</param>
public sealed class LocalSparkLauncher(string name, LocalSparkServerOptions options) : ISparkLauncher
{
    /// <inheritdoc/>
    public SparkLauncherKind Kind => SparkLauncherKind.Local;

    /// <inheritdoc/>
    public async Task<ISparkDriver> StartAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress?.Report($"starting a local Spark Connect server (master {options.Master})");
        var server = await LocalSparkServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        return new LocalSparkDriver(name, server, options.Master);
    }
}

/// <summary>A <see cref="LocalSparkServer"/> as a session's driver: its log in memory, its UI on localhost; disposing it stops the process.</summary>
public sealed class LocalSparkDriver : ISparkDriver
{
    private readonly string _name;
    private readonly string _master;

    /// <summary>Wraps a started server.</summary>
    /// <param name="name">The session's name (in messages).</param>
    /// <param name="server">The server; disposing this driver stops it.</param>
    /// <param name="master">The server's Spark master, for <see cref="Description"/>.</param>
    public LocalSparkDriver(string name, LocalSparkServer server, string master)
    {
        ArgumentNullException.ThrowIfNull(server);
        _name = name;
        _master = master;
        Server = server;
    }

    /// <summary>The server process.</summary>
    public LocalSparkServer Server { get; }

    /// <inheritdoc/>
    public SparkLauncherKind Launcher => SparkLauncherKind.Local;

    /// <inheritdoc/>
    public SparkConnectionString ConnectionString => Server.ConnectionString;

    /// <inheritdoc/>
    public SparkSessionOptions SessionOptions => SparkSessionOptions.Default;

    /// <inheritdoc/>
    public string Description => $"local process {Server.ProcessId.ToString(CultureInfo.InvariantCulture)} ({_master})";

    /// <inheritdoc/>
    public string? Owned => $"local server (process {Server.ProcessId.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    public Uri? UiUri => Server.UiPort is { } port ? new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/") : null;

    /// <inheritdoc/>
    public ISessionLogs? Logs => new LocalServerLogs(Server);

    /// <inheritdoc/>
    public ISessionUi? Ui => UiUri is { } uri
        ? new FixedSessionUi(uri)
        : new UnavailableSessionUi($"{_name}: the local server runs without its Spark UI (spark.ui.enabled=false).");

    /// <inheritdoc/>
    public bool HasExited => Server.HasExited;

    /// <inheritdoc/>
    public DriverReach Reach => new(SparkLauncherKind.Local, ConnectionString, null, Server.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Stops the server (SIGTERM, then a kill after 15 s).</summary>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

using System.Globalization;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions;

/// <summary>
/// A Spark session that a front end (a notebook, a console app) opened under a name, with the driver it runs on
/// (<see cref="ISparkDriver"/>: started for it, or an existing server). It tracks when it was last used and whether an
/// action runs now, for the sessions table. <see cref="StopAsync"/> closes the session and removes the driver.
/// </summary>
public sealed partial class OpenSparkSession
{
    private long _lastUsedTicks;
    private int _busy;
    private int _stopping;

    /// <summary>Records an open session.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="driver">The driver it runs on; stopping the session disposes it.</param>
    /// <param name="session">The Spark Connect session.</param>
    /// <param name="sparkVersion">The server's Spark version.</param>
    /// <param name="uiUri">The Spark UI, when known (the driver's, or the one an existing server advertises).</param>
    public OpenSparkSession(string name, ISparkDriver driver, SparkSession session, string sparkVersion, Uri? uiUri)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(session);
        Name = name;
        Driver = driver;
        Session = session;
        SparkVersion = sparkVersion;
        UiUri = uiUri ?? driver.UiUri;
        Started = DateTimeOffset.Now;
        _lastUsedTicks = Started.UtcTicks;
    }

    /// <summary>The session's name.</summary>
    public string Name { get; }

    /// <summary>The driver the session runs on.</summary>
    public ISparkDriver Driver { get; }

    /// <summary>Which launcher started the driver.</summary>
    public SparkLauncherKind Launcher => Driver.Launcher;

    /// <summary>Where the driver runs, for people (no token).</summary>
    public string Where => Driver.Description;

    /// <summary>The server's Spark version.</summary>
    public string SparkVersion { get; }

    /// <summary>The Spark Connect session.</summary>
    public SparkSession Session { get; }

    /// <summary>The Spark UI, when known.</summary>
    public Uri? UiUri { get; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>When an action through the front end last ended (or started, while one runs).</summary>
    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    /// <summary>Whether an action runs now.</summary>
    public bool IsBusy => Volatile.Read(ref _busy) > 0;

    /// <summary>What the session does now.</summary>
    public SessionState State => Volatile.Read(ref _stopping) != 0 ? SessionState.Stopping
        : Driver.HasExited ? SessionState.DriverExited
        : IsBusy ? SessionState.Running
        : SessionState.Idle;

    /// <summary>
    /// Starts the driver a launch describes, connects to it (the certificate pinned when it has a gateway), and reads
    /// Spark's version and UI. On any failure or cancellation the session and the driver are removed before the
    /// exception leaves; a launcher's settings that cannot work end in a <see cref="SessionLaunchException"/>.
    /// </summary>
    /// <param name="launch">What to start and connect to.</param>
    /// <param name="progress">Receives each phase in a few words (a progress line); may be null.</param>
    /// <param name="loggerFactory">The product log; null logs nothing.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="records">
    /// Where the session's record goes (for a later <see cref="AttachAsync"/>), kept true while the session lives and
    /// removed by <see cref="StopAsync"/>; null writes none.
    /// </param>
    public static async Task<OpenSparkSession> OpenAsync(
        SessionLaunch launch, IProgress<string>? progress = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default,
        SessionRecordStore? records = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ISparkLauncher launcher;
        try
        {
            launcher = launch.CreateLauncher(loggerFactory);
        }
        catch (ArgumentException e)
        {
            // A launcher refuses settings with a message for people; the parameter's name is not theirs.
            var message = e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
            throw new SessionLaunchException(message, e);
        }

        var driver = await launcher.StartAsync(progress, cancellationToken).ConfigureAwait(false);
        SparkSession? session = null;
        try
        {
            var address = driver.ConnectionString;
            progress?.Report($"connecting to sc://{address.Host}:{address.Port.ToString(CultureInfo.InvariantCulture)}");
            session = await SparkSession.ConnectAsync(
                address,
                driver.SessionOptions with { ConnectTimeout = launch.ConnectTimeout, LoggerFactory = loggerFactory },
                cancellationToken).ConfigureAwait(false);
            var version = await session.VersionAsync(cancellationToken).ConfigureAwait(false);
            var ui = driver.UiUri ?? await AdvertisedUiAsync(session, address, cancellationToken).ConfigureAwait(false);
            var open = new OpenSparkSession(launch.Name, driver, session, version, ui) { KeepAlive = launch.KeepAlive };
            if (records is not null)
            {
                open.Keeper = StartRecord(records, launch, open);
            }

            return open;
        }
        catch
        {
            await CloseQuietlyAsync(session, driver).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Marks the session used now.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, DateTimeOffset.UtcNow.UtcTicks);

    /// <summary>Marks an action as running until the returned scope is disposed.</summary>
    public IDisposable Use()
    {
        Touch();
        Interlocked.Increment(ref _busy);
        return new UseScope(this);
    }

    /// <summary>
    /// Ends the session's forks (<see cref="ForkAsync"/>), closes the session, then removes the driver (a local server's stop
    /// ends in a kill if it does not stop). A fork's driver is borrowed: stopping a fork releases its Spark session only.
    /// </summary>
    public async Task StopAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        Keeper?.Forget();

        // The forks first, while the driver still answers their release.
        await EndForksAsync().ConfigureAwait(false);
        ForkedFrom?.ForgetFork(this);
        try
        {
            await Session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Driver.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The UI of a server this process did not start, from its settings: http://host:spark.ui.port/, or null.</summary>
    private static async Task<Uri?> AdvertisedUiAsync(SparkSession session, SparkConnectionString connection, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var enabled = await session.Conf.GetAsync("spark.ui.enabled", "true", timeout.Token).ConfigureAwait(false);
            var port = await session.Conf.GetAsync("spark.ui.port", "4040", timeout.Token).ConfigureAwait(false);
            return string.Equals(enabled, "true", StringComparison.OrdinalIgnoreCase) && int.TryParse(port, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? new Uri($"http://{connection.Host}:{p.ToString(CultureInfo.InvariantCulture)}/")
                : null;
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException or UriFormatException)
        {
            return null; // No UI advertised; the session itself works.
        }
    }

    private static async Task CloseQuietlyAsync(SparkSession? session, ISparkDriver driver)
    {
        try
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The open already failed; that error is the one to show.
        }
        finally
        {
            await driver.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class UseScope(OpenSparkSession owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Touch();
                Interlocked.Decrement(ref owner._busy);
            }
        }
    }
}

/// <summary>A launch that cannot start as described (a launcher refused its settings); the message says what to change.</summary>
public sealed class SessionLaunchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SessionLaunchException()
    {
    }

    /// <summary>Creates the exception with a message for people.</summary>
    public SessionLaunchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for people and its cause.</summary>
    public SessionLaunchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using System.Collections.Concurrent;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

/// <summary>
/// A Spark session that a front end (a notebook, a console app) opened under a name, with the server it started
/// for it, if any. It tracks when it was last used and whether an action runs now, for the sessions table.
/// </summary>
public sealed class OpenSparkSession
{
    private long lastUsedTicks;
    private int busy;
    private int stopping;

    /// <summary>Records an open session.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="launcher">Where the server came from, in one word (<c>url</c>, <c>local</c>, ...).</param>
    /// <param name="where">Where the driver runs, for people (never with a token).</param>
    /// <param name="sparkVersion">The server's Spark version.</param>
    /// <param name="session">The session.</param>
    /// <param name="server">The local server started for it, or null when it connected to an existing one.</param>
    /// <param name="uiUrl">The Spark UI, when known.</param>
    public OpenSparkSession(string name, string launcher, string where, string sparkVersion, SparkSession session, LocalSparkServer? server, string? uiUrl)
        : this(name, launcher, where, sparkVersion, session, server, uiUrl, resources: null)
    {
    }

    /// <summary>Records an open session that also owns other resources (e.g. a Docker session's containers).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="launcher">Where the server came from, in one word (<c>url</c>, <c>local</c>, <c>docker</c>, ...).</param>
    /// <param name="where">Where the driver runs, for people (never with a token).</param>
    /// <param name="sparkVersion">The server's Spark version.</param>
    /// <param name="session">The session.</param>
    /// <param name="server">The local server started for it, or null.</param>
    /// <param name="uiUrl">The Spark UI, when known.</param>
    /// <param name="resources">What else the session owns, disposed last when it stops (e.g. a <see cref="Docker.DockerSparkSession"/>), or null.</param>
    public OpenSparkSession(
        string name, string launcher, string where, string sparkVersion, SparkSession session, LocalSparkServer? server, string? uiUrl, IAsyncDisposable? resources)
    {
        Resources = resources;
        Name = name;
        Launcher = launcher;
        Where = where;
        SparkVersion = sparkVersion;
        Session = session;
        Server = server;
        UiUrl = uiUrl;
        Started = DateTimeOffset.Now;
        lastUsedTicks = Started.UtcTicks;
    }

    /// <summary>The session's name.</summary>
    public string Name { get; }

    /// <summary>Where the server came from, in one word.</summary>
    public string Launcher { get; }

    /// <summary>Where the driver runs, for people (no token).</summary>
    public string Where { get; }

    /// <summary>The server's Spark version.</summary>
    public string SparkVersion { get; }

    /// <summary>The session.</summary>
    public SparkSession Session { get; }

    /// <summary>The local server started for this session, or null.</summary>
    public LocalSparkServer? Server { get; }

    /// <summary>The Spark UI, when known.</summary>
    public string? UiUrl { get; }

    /// <summary>What else the session owns (a Docker session's containers, ...), disposed when it stops; or null.</summary>
    public IAsyncDisposable? Resources { get; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>When an action through the front end last ended (or started, while one runs).</summary>
    public DateTimeOffset LastUsed => new(Interlocked.Read(ref lastUsedTicks), TimeSpan.Zero);

    /// <summary>Whether an action runs now.</summary>
    public bool IsBusy => Volatile.Read(ref busy) > 0;

    /// <summary>In one word: <c>running</c> (an action runs), <c>idle</c>, <c>stopping</c>, or <c>server exited</c>.</summary>
    public string State => Volatile.Read(ref stopping) != 0 ? "stopping"
        : Server is { HasExited: true } || Resources is IGatewaySession { HasExited: true } ? "server exited"
        : IsBusy ? "running"
        : "idle";

    /// <summary>Marks the session used now.</summary>
    public void Touch() => Interlocked.Exchange(ref lastUsedTicks, DateTimeOffset.UtcNow.UtcTicks);

    /// <summary>Marks an action as running until the returned scope is disposed.</summary>
    public IDisposable Use()
    {
        Touch();
        Interlocked.Increment(ref busy);
        return new UseScope(this);
    }

    /// <summary>Closes the session, then stops the server started for it (which ends in a kill if it does not stop) and disposes its other resources.</summary>
    public async Task StopAsync()
    {
        Interlocked.Exchange(ref stopping, 1);
        try
        {
            await Session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                if (Server is not null)
                {
                    await Server.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                if (Resources is not null)
                {
                    await Resources.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private sealed class UseScope(OpenSparkSession owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Touch();
                Interlocked.Decrement(ref owner.busy);
            }
        }
    }
}

/// <summary>
/// The sessions one front end opened, by name (names compare ordinally). A name is reserved while its session is
/// made, so two connects cannot take it. <see cref="StopAllAsync"/> stops every session and every server.
/// </summary>
public sealed class SparkSessionRegistry
{
    private static readonly TimeSpan StopAllTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, OpenSparkSession?> sessions = new(StringComparer.Ordinal);

    /// <summary>The open sessions, oldest first.</summary>
    public IReadOnlyList<OpenSparkSession> All => sessions.Values.OfType<OpenSparkSession>().OrderBy(s => s.Started).ToArray();

    /// <summary>Holds a name while its session is being made; false when the name is taken.</summary>
    public bool TryReserve(string name) => sessions.TryAdd(name, null);

    /// <summary>Whether a session of this name is open or being made.</summary>
    public bool Contains(string name) => sessions.ContainsKey(name);

    /// <summary>Gives a held name back after a failed connect.</summary>
    public void Release(string name) => sessions.TryRemove(new KeyValuePair<string, OpenSparkSession?>(name, null));

    /// <summary>Records the session made under a held name.</summary>
    public void Complete(OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        sessions[session.Name] = session;
    }

    /// <summary>The open session of this name, or null.</summary>
    public OpenSparkSession? Find(string name) => sessions.TryGetValue(name, out var s) ? s : null;

    /// <summary>Removes a session from the registry (to stop it); null when there is none of that name.</summary>
    public OpenSparkSession? Remove(string name)
    {
        // A name being made (null) is not removed: its connect finishes or releases it.
        if (sessions.TryGetValue(name, out var s) && s is not null && sessions.TryRemove(new KeyValuePair<string, OpenSparkSession?>(name, s)))
        {
            return s;
        }

        return null;
    }

    /// <summary>Stops and removes the session of this name; false when there is none.</summary>
    public async Task<bool> StopAsync(string name)
    {
        var session = Remove(name);
        if (session is null)
        {
            return false;
        }

        await session.StopAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops every session and server, waiting at most 30 s in all (each server's stop ends in a kill).</summary>
    public async Task StopAllAsync()
    {
        var stopping = sessions.Keys.Select(Remove).OfType<OpenSparkSession>().Select(s => s.StopAsync()).ToArray();
        try
        {
            await Task.WhenAll(stopping).WaitAsync(StopAllTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort at shutdown.
        }
    }
}

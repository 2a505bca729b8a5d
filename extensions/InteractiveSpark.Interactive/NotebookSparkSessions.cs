using System.Collections.Concurrent;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Interactive;

/// <summary>A session this notebook opened, and the server it started for it (if any).</summary>
internal sealed class NotebookSparkSession(
    string name, SparkLauncher launcher, string where, string sparkVersion, SparkSession session, LocalSparkServer? server, string? uiUrl)
{
    public string Name { get; } = name;

    public SparkLauncher Launcher { get; } = launcher;

    /// <summary>Where the driver runs, for people (no token).</summary>
    public string Where { get; } = where;

    public string SparkVersion { get; } = sparkVersion;

    public SparkSession Session { get; } = session;

    public LocalSparkServer? Server { get; } = server;

    public string? UiUrl { get; } = uiUrl;

    public DateTimeOffset Started { get; } = DateTimeOffset.Now;

    /// <summary>Closes the session, then stops the server the notebook started for it.</summary>
    public async Task StopAsync()
    {
        try
        {
            await Session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (Server is not null)
            {
                await Server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>
/// The sessions one notebook kernel opened, by name. Disposing it (the kernel is disposed, or the process exits)
/// stops every one of them and every server the notebook started.
/// </summary>
internal sealed class NotebookSparkSessions : IDisposable
{
    private static readonly TimeSpan StopAllTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, NotebookSparkSession?> sessions = new(StringComparer.Ordinal);
    private int disposed;

    public NotebookSparkSessions()
    {
        // A kernel that exits without disposing its kernels must not leave local Spark servers behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The open sessions.</summary>
    public IReadOnlyList<NotebookSparkSession> All => sessions.Values.OfType<NotebookSparkSession>().OrderBy(s => s.Started).ToArray();

    /// <summary>Holds a name while its session is being made; false when the name is taken.</summary>
    public bool TryReserve(string name) => sessions.TryAdd(name, null);

    /// <summary>Gives a held name back after a failed connect.</summary>
    public void Release(string name) => sessions.TryRemove(new KeyValuePair<string, NotebookSparkSession?>(name, null));

    /// <summary>Records the session made under a held name.</summary>
    public void Complete(NotebookSparkSession session) => sessions[session.Name] = session;

    /// <summary>Removes a session (to stop it).</summary>
    public NotebookSparkSession? Remove(string name) => sessions.TryRemove(name, out var session) ? session : null;

    /// <summary>Stops every session and server, waiting at most 30 s in all.</summary>
    public async Task StopAllAsync()
    {
        var stopping = sessions.Keys.Select(Remove).OfType<NotebookSparkSession>().Select(s => s.StopAsync()).ToArray();
        try
        {
            await Task.WhenAll(stopping).WaitAsync(StopAllTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort at shutdown: each server's own DisposeAsync ends in a kill.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            StopAllAsync().GetAwaiter().GetResult();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}

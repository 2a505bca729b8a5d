using System.Collections.Concurrent;

namespace InteractiveSpark.Sessions;

/// <summary>
/// The sessions one front end opened, by name (names compare ordinally). A name is reserved while its session is
/// made, so two connects cannot take it. <see cref="StopAllAsync"/> stops every session and every server.
/// </summary>
public sealed class SparkSessionRegistry
{
    private static readonly TimeSpan StopAllTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, OpenSparkSession?> _sessions = new(StringComparer.Ordinal);

    /// <summary>The open sessions, oldest first.</summary>
    public IReadOnlyList<OpenSparkSession> All => _sessions.Values.OfType<OpenSparkSession>().OrderBy(s => s.Started).ToArray();

    /// <summary>Holds a name while its session is being made; false when the name is taken.</summary>
    public bool TryReserve(string name) => _sessions.TryAdd(name, null);

    /// <summary>Whether a session of this name is open or being made.</summary>
    public bool Contains(string name) => _sessions.ContainsKey(name);

    /// <summary>Gives a held name back after a failed connect.</summary>
    public void Release(string name) => _sessions.TryRemove(new KeyValuePair<string, OpenSparkSession?>(name, null));

    /// <summary>Records the session made under a held name.</summary>
    public void Complete(OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.Name] = session;
    }

    /// <summary>The open session of this name, or null.</summary>
    public OpenSparkSession? Find(string name) => _sessions.TryGetValue(name, out var s) ? s : null;

    /// <summary>Removes a session from the registry (to stop it); null when there is none of that name.</summary>
    public OpenSparkSession? Remove(string name)
    {
        // A name being made (null) is not removed: its connect finishes or releases it.
        if (_sessions.TryGetValue(name, out var s) && s is not null && _sessions.TryRemove(new KeyValuePair<string, OpenSparkSession?>(name, s)))
        {
            return s;
        }

        return null;
    }

    /// <summary>
    /// Removes the forks of <paramref name="session"/> (and their forks) from the registry, as it stops: they end with it
    /// (<see cref="OpenSparkSession.StopAsync"/>). Returns them, oldest first.
    /// </summary>
    public IReadOnlyList<OpenSparkSession> RemoveForks(OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var forks = All.Where(s => IsForkOf(s, session)).ToArray();
        foreach (var fork in forks)
        {
            Remove(fork.Name);
        }

        return forks;

        static bool IsForkOf(OpenSparkSession s, OpenSparkSession parent)
        {
            for (var p = s.ForkedFrom; p is not null; p = p.ForkedFrom)
            {
                if (ReferenceEquals(p, parent))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Stops and removes the session of this name, and its forks; false when there is none.</summary>
    public async Task<bool> StopAsync(string name)
    {
        var session = Remove(name);
        if (session is null)
        {
            return false;
        }

        RemoveForks(session);

        await session.StopAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Stops every session and server, waiting at most 30 s in all (each server's stop ends in a kill); a keep-alive
    /// session is detached instead (it stays, with its record, for a later attach).
    /// </summary>
    public async Task StopAllAsync()
    {
        var stopping = _sessions.Keys.Select(Remove).OfType<OpenSparkSession>().Select(s => s.KeepAlive ? s.DetachAsync() : s.StopAsync()).ToArray();
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

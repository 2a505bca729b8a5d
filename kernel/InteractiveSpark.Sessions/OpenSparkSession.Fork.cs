using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

// Forks (`#!spark-connect --name B --fork A`): a session cloned from an open one, on that session's driver. The fork ends
// with the session it came from, since that session owns the driver; ending the fork releases only its own Spark session.
public sealed partial class OpenSparkSession
{
    private readonly Lock _forksGate = new();
    private readonly List<OpenSparkSession> _forks = [];

    /// <summary>The open session this one was forked from (<see cref="ForkAsync"/>); null for a session started or attached.</summary>
    public OpenSparkSession? ForkedFrom { get; private init; }

    /// <summary>The forks made from this session that are still open; they end when this session stops or detaches.</summary>
    public IReadOnlyList<OpenSparkSession> Forks
    {
        get
        {
            lock (_forksGate)
            {
                return [.. _forks];
            }
        }
    }

    /// <summary>
    /// A new session named <paramref name="name"/> cloned from this one on the same driver (Spark's <c>CloneSession</c>):
    /// it starts with this session's settings, temporary views, functions and artifacts, then each goes its own way.
    /// <paramref name="conf"/> are the fork's own session settings, set after the clone. Nothing is started: stopping the fork
    /// releases its Spark session only; stopping (or detaching) this session ends the fork too. A fork has no record
    /// (it cannot be attached to by a later kernel).
    /// </summary>
    /// <exception cref="SessionLaunchException">This session is stopping or its driver ended, or a setting was refused.</exception>
    /// <exception cref="SparkException">The server refused the clone (Spark before 4.1 has no CloneSession).</exception>
    public async Task<OpenSparkSession> ForkAsync(string name, IReadOnlyDictionary<string, string>? conf = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfCannotFork();
        var clone = await Session.CloneAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (key, value) in conf ?? new Dictionary<string, string>())
            {
                try
                {
                    await clone.Conf.SetAsync(key, value, cancellationToken).ConfigureAwait(false);
                }
                catch (SparkException e)
                {
                    throw new SessionLaunchException($"--conf {key}: {OneLine(e.Message)} The fork was not made.", e);
                }
            }

            var fork = new OpenSparkSession(name, new ForkedSparkDriver(Driver), clone, SparkVersion, UiUri) { ForkedFrom = this };
            lock (_forksGate)
            {
                // Checked again under the lock: a stop that began meanwhile has taken the forks it ends already.
                ThrowIfCannotFork();
                _forks.Add(fork);
            }

            return fork;
        }
        catch
        {
            await clone.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What a notebook shows once a fork is made: where it runs, what it took from its parent, how it ends.</summary>
    public string ForkedLine() => ForkedFrom is { } parent
        ? $"{Name}: fork of {parent.Name} (session {Session.SessionId}, Spark {SparkVersion}, on the driver of {parent.Name}: {Where}); it starts with the settings, "
          + $"temp views, functions and artifacts of {parent.Name}; #!spark-stop --name {Name} ends only the fork, stopping {parent.Name} ends it too"
        : throw new InvalidOperationException($"{Name} is not a fork.");

    private void ThrowIfCannotFork()
    {
        if (Volatile.Read(ref _stopping) != 0)
        {
            throw new SessionLaunchException($"{Name} is stopping: there is nothing to fork; open a session with #!spark-connect --name {Name} ... first.");
        }

        if (Driver.HasExited)
        {
            throw new SessionLaunchException($"the driver of {Name} has ended ({Where}): there is nothing to fork; #!spark-stop --name {Name}, then open it again.");
        }
    }

    /// <summary>Ends every fork of this session (each releases its Spark session, and its own forks first); never throws.</summary>
    private async Task EndForksAsync()
    {
        OpenSparkSession[] forks;
        lock (_forksGate)
        {
            forks = [.. _forks];
            _forks.Clear();
        }

        // A release that fails is expired by the server; the stop of this session goes on regardless.
        await Task.WhenAll(forks.Select(async f =>
        {
            try
            {
                await f.StopAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best effort: see above.
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Takes a fork that stops on its own off this session's list.</summary>
    private void ForgetFork(OpenSparkSession fork)
    {
        lock (_forksGate)
        {
            _forks.Remove(fork);
        }
    }
}

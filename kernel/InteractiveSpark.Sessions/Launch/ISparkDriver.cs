using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

/// <summary>
/// A started Spark Connect driver, whatever started it: how to connect to it, where it runs (for people), its UI and
/// logs when it has them, whether it has ended. Disposing it removes everything its launcher started (process,
/// containers, Marathon group); for an existing server (<see cref="SparkLauncherKind.Url"/>) it does nothing.
/// Front ends (notebook hosts, the CLI, the tools) use only this, never the concrete type.
/// </summary>
public interface ISparkDriver : IAsyncDisposable
{
    /// <summary>Which launcher started it.</summary>
    SparkLauncherKind Launcher { get; }

    /// <summary>How to reach it, with the token when it has one (its <c>ToString</c> hides the token).</summary>
    SparkConnectionString ConnectionString { get; }

    /// <summary>The session options to connect with: they pin the gateway's certificate when there is a gateway.</summary>
    SparkSessionOptions SessionOptions { get; }

    /// <summary>Where the driver runs, in one line for people (process, container, app, gateway); nothing secret.</summary>
    string Description { get; }

    /// <summary>
    /// What disposing removes, in a few words for people (<c>local server (process 1234)</c>, <c>Docker container
    /// ispark-dev-…</c>, <c>Marathon group /ispark/dev-…</c>); null when nothing was started.
    /// </summary>
    string? Owned { get; }

    /// <summary>The Spark UI's address when the launcher knows it (through the gateway it needs the token); else null.</summary>
    Uri? UiUri { get; }

    /// <summary>The driver's (and executors') logs; null when this process cannot read them (an existing server).</summary>
    ISessionLogs? Logs { get; }

    /// <summary>Links to the Spark UI; null when the launcher knows of none (an existing server: see <see cref="SessionTools.Ui"/>).</summary>
    ISessionUi? Ui { get; }

    /// <summary>Whether the driver is known to have ended by itself.</summary>
    bool HasExited { get; }

    /// <summary>
    /// What is needed to reach this driver again from another process (to record a session and re-open it later).
    /// It carries the token: keep it where only its user can read it.
    /// </summary>
    DriverReach Reach { get; }
}

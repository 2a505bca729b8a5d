using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

/// <summary>
/// The driver of a fork (<see cref="OpenSparkSession.ForkAsync"/>): the driver of the session it was cloned from, borrowed.
/// Everything reads through to that driver (where it runs, its UI and logs, whether it ended); disposing removes nothing,
/// since the driver belongs to the session it was borrowed from.
/// </summary>
internal sealed class ForkedSparkDriver(ISparkDriver parent) : ISparkDriver
{
    public SparkLauncherKind Launcher => parent.Launcher;

    public SparkConnectionString ConnectionString => parent.ConnectionString;

    public SparkSessionOptions SessionOptions => parent.SessionOptions;

    public string Description => parent.Description;

    public string? Owned => null;

    public Uri? UiUri => parent.UiUri;

    public ISessionLogs? Logs => parent.Logs;

    public ISessionUi? Ui => parent.Ui;

    public bool HasExited => parent.HasExited;

    public DriverReach Reach => parent.Reach;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

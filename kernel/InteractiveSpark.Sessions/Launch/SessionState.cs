namespace InteractiveSpark.Sessions;

/// <summary>What an open session is doing now. People see it as a few words (<see cref="SessionStates.Words"/>).</summary>
public enum SessionState
{
    /// <summary>Open, no action running.</summary>
    Idle,

    /// <summary>An action runs through the front end now.</summary>
    Running,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>The driver the front end started has ended by itself (idle timer, crash, killed).</summary>
    DriverExited,
}

/// <summary>The words people read for a <see cref="SessionState"/> (the sessions table).</summary>
public static class SessionStates
{
    /// <summary><c>idle</c>, <c>running</c>, <c>stopping</c> or <c>server exited</c>.</summary>
    public static string Words(this SessionState state) => state switch
    {
        SessionState.Idle => "idle",
        SessionState.Running => "running",
        SessionState.Stopping => "stopping",
        SessionState.DriverExited => "server exited",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}

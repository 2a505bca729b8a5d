namespace InteractiveSpark.Sessions.Marathon;

/// <summary>One task of a Marathon app (<c>GET /v2/apps/{id}/tasks</c>): where it runs and on which host ports.</summary>
/// <param name="Id">The task id, e.g. <c>team_app.instance-...</c>.</param>
/// <param name="AppId">The app it belongs to.</param>
/// <param name="Host">The agent's host name.</param>
/// <param name="Ports">The host ports Marathon assigned, in the order of the app's <c>portDefinitions</c>.</param>
/// <param name="State">Mesos' task state: <c>TASK_STAGING</c>, <c>TASK_RUNNING</c>, <c>TASK_FAILED</c>, <c>TASK_LOST</c>, ...</param>
public sealed record MarathonTask(string Id, string AppId, string Host, IReadOnlyList<int> Ports, string State)
{
    /// <summary>Whether Mesos reports it running.</summary>
    public bool IsRunning => State == "TASK_RUNNING";

    /// <summary>Whether Mesos lost track of it (its agent is gone or unreachable): the task may or may not still run.</summary>
    public bool IsLost => State is "TASK_LOST" or "TASK_UNREACHABLE" or "TASK_GONE" or "TASK_GONE_BY_OPERATOR" or "TASK_DROPPED" or "TASK_UNKNOWN";
}

/// <summary>Why an app's last task ended badly (<c>lastTaskFailure</c> of <c>GET /v2/apps/{id}</c>).</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Host">Where it ran.</param>
/// <param name="State">How it ended, e.g. <c>TASK_FAILED</c>.</param>
/// <param name="Message">Mesos' message, e.g. <c>Command exited with status 2</c>.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Version">The app version it ran.</param>
public sealed record MarathonTaskFailure(string TaskId, string Host, string State, string Message, DateTimeOffset? Timestamp, string? Version);

/// <summary>
/// Marathon refused a request or answered something unexpected. <see cref="StatusCode"/> is the HTTP status (409: the app
/// exists; 401/403: credentials; 422: an invalid definition, with Marathon's own message); the message includes
/// Marathon's message and details but never the credentials.
/// </summary>
public sealed class MarathonException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MarathonException(string message, int statusCode = 0, string? marathonMessage = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        MarathonMessage = marathonMessage;
    }

    /// <summary>Creates the exception.</summary>
    public MarathonException(string message)
        : this(message, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MarathonException(string message, Exception innerException)
        : this(message, 0, null, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MarathonException()
        : this("Marathon request failed.")
    {
    }

    /// <summary>The HTTP status Marathon answered; 0 when it did not answer.</summary>
    public int StatusCode { get; }

    /// <summary>Marathon's own message (and details) when it gave one.</summary>
    public string? MarathonMessage { get; }
}

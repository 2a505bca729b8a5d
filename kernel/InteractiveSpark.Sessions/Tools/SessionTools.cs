namespace InteractiveSpark.Sessions;

/// <summary>The logs and UI of an <see cref="OpenSparkSession"/>, as its driver offers them.</summary>
public static class SessionTools
{
    /// <summary>The session's logs, or null when this process did not start its server (a <c>--url</c> session).</summary>
    public static ISessionLogs? Logs(this OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Driver.Logs;
    }

    /// <summary>The session's Spark UI, or null when none is known (a server that does not advertise it).</summary>
    public static ISessionUi? Ui(this OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Driver.Ui ?? (session.UiUri is { } uri ? new FixedSessionUi(uri) : null);
    }
}

/// <summary>A UI at a fixed address that needs no login.</summary>
/// <param name="uri">Its address.</param>
internal sealed class FixedSessionUi(Uri uri) : ISessionUi
{
    public Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default) => Task.FromResult(new SessionUiLink(uri, null));
}

/// <summary>A driver that runs without its UI: asking for a link says so.</summary>
/// <param name="reason">The message for people.</param>
internal sealed class UnavailableSessionUi(string reason) : ISessionUi
{
    public Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default) => Task.FromException<SessionUiLink>(new SessionToolException(reason));
}

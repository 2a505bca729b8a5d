namespace InteractiveSpark.Sessions;

/// <summary>A link to a session's Spark UI.</summary>
/// <param name="Uri">Where to open it.</param>
/// <param name="ExpiresIn">How long the link works, when it is a one-time login link; null when it does not expire.</param>
public sealed record SessionUiLink(Uri Uri, TimeSpan? ExpiresIn);

/// <summary>A session's Spark UI, whatever launched it.</summary>
public interface ISessionUi
{
    /// <summary>A link a browser can open (for a gateway, a one-time login link that sets its cookie).</summary>
    Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default);
}

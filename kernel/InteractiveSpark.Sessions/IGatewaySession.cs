namespace InteractiveSpark.Sessions;

/// <summary>
/// A driver behind the InteractiveSpark gateway (a Docker container, a Marathon app): one TLS port with a pinned
/// certificate and the session token. Its logs and UI are read through the gateway (<see cref="GatewayTools"/>);
/// disposing it removes the driver and its executors.
/// </summary>
public interface IGatewaySession : ISparkDriver
{
    /// <summary>The session's name.</summary>
    string Name { get; }

    /// <summary>The SHA-256 fingerprint of the gateway's certificate (64 hex digits): the pin.</summary>
    string CertificateSha256 { get; }

    /// <summary>The gateway's address for browsers and HTTP clients, e.g. <c>https://host:31005</c>.</summary>
    Uri GatewayUri { get; }

    /// <summary>Whether the session has executors outside the driver (Spark standalone workers), whose logs the gateway serves.</summary>
    bool HasExecutors { get; }
}

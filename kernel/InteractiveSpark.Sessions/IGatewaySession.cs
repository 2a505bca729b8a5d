using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

/// <summary>
/// A session whose driver sits behind the InteractiveSpark gateway (a Docker container, a Marathon app): one TLS port
/// with a pinned certificate and the session token. <see cref="SessionTools"/> reads its logs and opens its UI through it;
/// disposing it removes the driver and its executors.
/// </summary>
public interface IGatewaySession : IAsyncDisposable
{
    /// <summary>The session's name.</summary>
    string Name { get; }

    /// <summary>How to reach the gateway, with the session token (its <c>ToString</c> hides the token).</summary>
    SparkConnectionString ConnectionString { get; }

    /// <summary>The SHA-256 fingerprint of the gateway's certificate (64 hex digits): the pin.</summary>
    string CertificateSha256 { get; }

    /// <summary>The gateway's address for browsers and HTTP clients, e.g. <c>https://host:31005</c>.</summary>
    Uri GatewayUri { get; }

    /// <summary>Session options that pin the gateway's certificate, for <see cref="SparkSession.ConnectAsync(SparkConnectionString, SparkSessionOptions?, CancellationToken)"/>.</summary>
    SparkSessionOptions SessionOptions { get; }

    /// <summary>The Spark UI through the gateway (needs the token: a bearer header, or <c>/login</c> first in a browser).</summary>
    Uri UiUri { get; }

    /// <summary>Where the driver runs, in one line for people (container or app, image, executors, gateway); nothing secret.</summary>
    string Description { get; }

    /// <summary>Whether the session has executors outside the driver (Spark standalone workers), whose logs the gateway serves.</summary>
    bool HasExecutors { get; }

    /// <summary>Whether the driver is known to have ended.</summary>
    bool HasExited { get; }
}

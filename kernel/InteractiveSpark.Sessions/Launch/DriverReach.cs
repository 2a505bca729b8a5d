using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions;

/// <summary>
/// What it takes to reach a started driver again, from this or another process: the address with its token, the
/// certificate pin of its gateway, and what its launcher owns (to remove it later). The base for a session record
/// that a front end can store and re-open; <see cref="ToString"/> never shows the token.
/// </summary>
/// <param name="Launcher">Which launcher started the driver.</param>
/// <param name="ConnectionString">The address, with the token when there is one.</param>
/// <param name="CertificateSha256">The gateway certificate's SHA-256 (64 hex digits) to pin; null without a gateway.</param>
/// <param name="Resource">What the launcher owns, in its own terms: the Docker session id (label <c>ispark.session</c>), the Marathon group id, the local process id; null for an existing server.</param>
public sealed record DriverReach(SparkLauncherKind Launcher, SparkConnectionString ConnectionString, string? CertificateSha256, string? Resource)
{
    /// <summary>The session options that connect to it (the pin, when there is one).</summary>
    public SparkSessionOptions SessionOptions =>
        CertificateSha256 is null ? SparkSessionOptions.Default : SparkSessionOptions.Default with { PinnedServerCertificateSha256 = CertificateSha256 };
}

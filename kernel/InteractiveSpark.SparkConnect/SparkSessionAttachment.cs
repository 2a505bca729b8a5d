namespace InteractiveSpark.SparkConnect;

/// <summary>
/// What a later client needs to attach to a session that is still alive on its server: where the server is (with
/// its token), the session's ids, the pinned certificate, and the operations that were in flight. A session gives
/// its current one with <see cref="SparkSession.Attachment"/>; <see cref="SparkSession.AttachAsync(SparkSessionAttachment, SparkSessionOptions?, CancellationToken)"/>
/// takes it back. It holds the session's credential: keep it where only its owner can read it, never print it
/// (its <c>ToString</c> hides the token).
/// </summary>
public record SparkSessionAttachment
{
    /// <summary>The server, with the token, the session id (<c>session_id</c>) and the user id (<c>user_id</c>).</summary>
    public required SparkConnectionString Connection { get; init; }

    /// <summary>The server's own id of the session when it was last seen; a server that replaced the session refuses the attach.</summary>
    public string? ServerSideSessionId { get; init; }

    /// <summary>The SHA-256 thumbprint of the server's certificate to pin (a gateway's self-signed certificate), or null.</summary>
    public string? PinnedServerCertificateSha256 { get; init; }

    /// <summary>The operations that were in flight when this was taken, oldest first.</summary>
    public IReadOnlyList<SparkOperation> Operations { get; init; } = [];

    /// <summary>The session id (from <see cref="Connection"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SessionId => Connection.SessionId ?? throw new InvalidOperationException("The attachment's connection has no session_id.");
}

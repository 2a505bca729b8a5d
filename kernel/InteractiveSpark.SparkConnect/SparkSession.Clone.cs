namespace InteractiveSpark.SparkConnect;

// A fork of a session: what PySpark calls cloneSession.
public sealed partial class SparkSession
{
    /// <summary>
    /// Makes a new session on the same server that starts as a copy of this one: its settings (<see cref="Conf"/>),
    /// temporary views, registered functions and uploaded artifacts (<c>CloneSession</c>). From then on the two
    /// diverge: a view or setting made in one is not seen by the other. Running operations and tags are not copied.
    /// The clone has its own connection; dispose it on its own.
    /// </summary>
    /// <exception cref="SparkException">The server refused or failed the copy (Spark before 4.1 has no CloneSession).</exception>
    public async Task<SparkSession> CloneAsync(CancellationToken cancellationToken = default)
    {
        var newSessionId = Guid.NewGuid().ToString();
        var response = await Client.CloneSessionAsync(newSessionId, cancellationToken).ConfigureAwait(false);
        var client = new SparkConnectClient(Client.Connection with { SessionId = response.NewSessionId, UserId = UserId }, Client.Options);
        if (response.NewServerSideSessionId is { Length: > 0 } serverSide)
        {
            client.AssumeServerSession(serverSide);
        }

        return new SparkSession(client) { _version = _version };
    }
}

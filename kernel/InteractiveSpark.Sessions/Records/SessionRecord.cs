using System.Text.Json.Serialization;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions.Records;

/// <summary>
/// One started session, written down on the PC that started it so that a later kernel (after a restart, a crash or a
/// sleeping laptop) can attach to it again: which launcher, where the driver runs, how to reach it (address, token,
/// pinned gateway certificate, inherited from <see cref="SparkSessionAttachment"/>), the Spark session's ids and the
/// operations in flight. <c>await SparkSession.AttachAsync(record)</c> attaches from plain C#.
/// It holds the session's credential: <see cref="SessionRecordStore"/> keeps it readable by its owner only, it is removed
/// when the session is stopped, and its <see cref="ToString"/> shows no secret.
/// </summary>
public sealed record SessionRecord : SparkSessionAttachment
{
    /// <summary>The session's name (<c>--name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The launcher, in one word: <c>url</c>, <c>local</c>, <c>docker</c>, <c>marathon</c>.</summary>
    public required string Launcher { get; init; }

    /// <summary>Where the driver runs, in one line for people (nothing secret).</summary>
    public required string Where { get; init; }

    /// <summary>What the launcher owns, in its own terms (a process id, a Docker session label, a Marathon group); null for an existing server.</summary>
    public string? Resource { get; init; }

    /// <summary>The Docker engine of a Docker session when it is not the default one (<c>DOCKER_HOST</c>, else the local socket); else null.</summary>
    public string? DockerEndpoint { get; init; }

    /// <summary>
    /// The Marathon that runs a Marathon session's group (its address; the credentials come from the environment, as
    /// when it was launched), so that stopping an attached session removes the group; else null.
    /// </summary>
    public Uri? MarathonUrl { get; init; }

    /// <summary>Whether the session has executors outside its driver whose logs its gateway serves (Docker, Marathon).</summary>
    public bool HasExecutors { get; init; }

    /// <summary>A keep-alive local server's lease (the file naming its owner process, see <see cref="Local.LocalLease"/>); else null.</summary>
    public string? LeaseFile { get; init; }

    /// <summary>The Spark UI, when known.</summary>
    public Uri? UiUri { get; init; }

    /// <summary>The server's Spark version.</summary>
    public string? SparkVersion { get; init; }

    /// <summary>When the session was started.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When a client last used the session through this record's owner (an operation started or ended, an attach).</summary>
    public DateTimeOffset LastUsed { get; init; }

    /// <summary>The process that holds the session now (a kernel); when it is gone the session waits for an attach.</summary>
    public int OwnerProcessId { get; init; }

    /// <summary>How long the driver lives without a client before it removes itself; null when it has no idle timer (an existing server).</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Whether the driver was started to outlive its kernel (<c>--keep-alive</c> of the local launcher; always so behind a gateway).</summary>
    public bool KeepAlive { get; init; }

    /// <summary>Whether the process that holds the session is still running.</summary>
    [JsonIgnore]
    public bool OwnerIsAlive => OwnerProcessId > 0 && ProcessIsAlive(OwnerProcessId);

    /// <inheritdoc />
    public override string ToString() =>
        $"SessionRecord {{ Name = {Name}, Launcher = {Launcher}, SessionId = {Connection.SessionId}, Where = {Where} }}"; // never the token

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}

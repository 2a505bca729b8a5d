using InteractiveSpark.Core;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Sessions;

// Sessions that outlive their kernel (issue 19): a session opened with a record store writes its record down; a later
// kernel attaches to it by name; a keep-alive session is detached, not stopped, when its kernel leaves.
public sealed partial class OpenSparkSession
{
    /// <summary>Whether leaving the front end detaches from the session (<c>--keep-alive</c>, or an attached session started so) instead of stopping it.</summary>
    public bool KeepAlive { get; private init; }

    /// <summary>Whether this session was taken over from an earlier kernel (<see cref="AttachAsync"/>) rather than started here.</summary>
    public bool IsAttached { get; private init; }

    /// <summary>
    /// The operations that were in flight when the kernel that held the session before left (empty unless attached);
    /// <see cref="SparkSession.AttachedOperations"/> says what the server holds of each, and
    /// <see cref="SparkSession.FetchOperationAsync(SparkOperation, CancellationToken)"/> fetches their rows (never re-running them).
    /// </summary>
    public IReadOnlyList<SparkOperation> LeftOperations { get; private init; } = [];

    /// <summary>The session's record, kept true while it is open; null when none is written.</summary>
    public SessionRecord? Record => Keeper?.Record;

    private SessionRecordKeeper? Keeper { get; set; }

    /// <summary>
    /// Takes over the session named <paramref name="name"/> that an earlier kernel on this PC left (its record in
    /// <paramref name="records"/>): attaches by its Spark session id (temp views, settings and cached data are there),
    /// makes this process its owner (a keep-alive local server's lease, the record), and keeps its record from now on.
    /// </summary>
    /// <exception cref="SessionLaunchException">
    /// No such record, the session is held by a running kernel, the session is gone (its record is then removed), or its
    /// server did not answer in time (the record stays: try again); one line, no secret.
    /// </exception>
    public static async Task<OpenSparkSession> AttachAsync(
        string name, SessionRecordStore records, TimeSpan connectTimeout, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(records);
        var record = records.FindByName(name)
            ?? throw new SessionLaunchException(
                $"no session named '{name}' was left on this PC to attach to (#!spark-sessions lists those that were); start one with #!spark-connect --name {name} --launcher ...");
        if (record.OwnerProcessId != Environment.ProcessId && record.OwnerIsAlive)
        {
            throw new SessionLaunchException(
                $"session {record.SessionId} is held by a kernel that still runs (process {record.OwnerProcessId}); stop it there (#!spark-stop) or attach once that kernel has ended.");
        }

        SparkSession? session = null;
        string? gone = null;
        // A keep-alive local server follows whoever holds its lease: taking it first keeps the server from stopping meanwhile.
        if (record.LeaseFile is { } lease && !LocalLease.Take(lease))
        {
            gone = "its local server stopped after its idle timeout (nobody attached in time).";
        }
        else if (RecordedSparkDriver.LocalServerIsGone(record))
        {
            gone = "its local server ended with the kernel that started it (start it with --keep-alive to outlive its kernel).";
        }
        else
        {
            try
            {
                session = await SparkSession.AttachAsync(
                    record, SparkSessionOptions.Default with { ConnectTimeout = connectTimeout, LoggerFactory = loggerFactory }, cancellationToken).ConfigureAwait(false);
            }
            catch (SparkException e) when (e.IsSessionLost || e.Message.StartsWith("Spark Connect session lost", StringComparison.Ordinal))
            {
                gone = OneLine(e.Message);
            }
            catch (SparkException e)
            {
                throw new SessionLaunchException($"{OneLine(e.Message)} The session's record stays: try --attach again when its server answers.", e);
            }
        }

        if (session is null)
        {
            records.Delete(record.SessionId);
            throw new SessionLaunchException(
                $"session {record.SessionId} ({record.Launcher}, last used {AttachableSessionRow.Span(DateTimeOffset.UtcNow - record.LastUsed)} ago) is gone: {gone} "
                + $"Its record was removed; start a new session with #!spark-connect --name {name} --launcher {record.Launcher} ...");
        }

        var driver = new RecordedSparkDriver(record);
        var open = new OpenSparkSession(name, driver, session, record.SparkVersion ?? "?", record.UiUri)
        {
            KeepAlive = record.KeepAlive,
            IsAttached = true,
            LeftOperations = record.Operations,
        };
        open.Keeper = new SessionRecordKeeper(
            records,
            record with { OwnerProcessId = Environment.ProcessId, ServerSideSessionId = session.ServerSideSessionId ?? record.ServerSideSessionId },
            session);
        return open;
    }

    /// <summary>
    /// Closes the connection but leaves the session and its driver running, with its record, for a later
    /// <see cref="AttachAsync"/> (a keep-alive session when its kernel leaves). The driver's idle timer ends it. Its
    /// forks end (they have no record to attach to later).
    /// </summary>
    public async Task DetachAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        Keeper?.Dispose();
        await EndForksAsync().ConfigureAwait(false);
        await Session.DetachAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One line naming the sessions an earlier kernel left on this PC that can be taken over, or null when there are
    /// none: cheap (it reads the records and asks the OS whether their owners live; no network), for a hint when a
    /// notebook starts. <paramref name="open"/> are the names already open here.
    /// </summary>
    public static string? AttachableHint(SessionRecordStore records, IEnumerable<string> open)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(open);
        var taken = open.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<SessionRecord> all;
        try
        {
            all = records.All();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var left = all.Where(r => !taken.Contains(r.Name) && !r.OwnerIsAlive && !RecordedSparkDriver.LocalServerIsGone(r))
            .GroupBy(r => r.Name, StringComparer.Ordinal).Select(g => g.First()).ToArray();
        if (left.Length == 0)
        {
            return null;
        }

        var names = string.Join(", ", left.Select(r => $"{r.Name} ({r.Launcher}, last used {AttachableSessionRow.Span(DateTimeOffset.UtcNow - r.LastUsed)} ago)"));
        return $"An earlier kernel left Spark sessions you can take over: {names}. #!spark-connect --name {left[0].Name} --attach takes one over; #!spark-sessions shows what still runs on them.";
    }

    /// <summary>
    /// The sessions an earlier kernel left on this PC (their owner process is gone), each with what its server says now
    /// (5 s each, in parallel), for <c>#!spark-sessions</c>; the records of sessions their server no longer has are removed
    /// (they are listed once more as gone). <paramref name="open"/> are the names open here, left out.
    /// </summary>
    public static async Task<IReadOnlyList<AttachableSession>> ListAttachableAsync(
        SessionRecordStore records, IEnumerable<string> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(open);
        var taken = open.ToHashSet(StringComparer.Ordinal);
        var probed = await SessionProbe.ProbeAsync(records.All().Where(r => !taken.Contains(r.Name)), cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var gone in probed.Where(p => p.State == AttachableState.Gone))
        {
            records.Delete(gone.Record.SessionId);
        }

        return probed;
    }

    /// <summary>
    /// What a notebook shows after an attach, one line each: the session, and every operation that was in flight when
    /// the earlier kernel left with what the server holds of it and how to fetch its rows (nothing is run again).
    /// </summary>
    public IReadOnlyList<string> AttachedLines()
    {
        var lines = new List<string>
        {
            $"{Name}: attached to session {Session.SessionId} ({Launcher.Word()}, {Where}), Spark {SparkVersion}; its temp views, settings and cached data are there"
            + (UiUri is { } ui ? $"; Spark UI {ui}" : ""),
        };
        foreach (var op in LeftOperations)
        {
            var state = Session.AttachedOperations.TryGetValue(op.OperationId, out var s) ? s : SparkOperationState.Unknown;
            var held = state switch
            {
                SparkOperationState.Running => "still running",
                SparkOperationState.Ending => "finished, its rows held by the server",
                SparkOperationState.Succeeded => "finished, its rows already delivered to the earlier kernel",
                SparkOperationState.Failed => "failed",
                SparkOperationState.Cancelled => "cancelled",
                _ => "unknown to the server now (dropped)",
            };
            var started = op.Started == default
                ? ""
                : $" started {op.Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC,";
            lines.Add($"  in flight when the earlier kernel left:{started} {held}: {op.Description}");
            lines.Add(state is SparkOperationState.Running or SparkOperationState.Ending
                ? $"    its rows (not run again): var rows = await {Name}.FetchOperationAsync(\"{op.OperationId}\");"
                : $"    operation {op.OperationId}: nothing to fetch; it is not run again.");
        }

        return lines;
    }

    private static string OneLine(string message) => SessionToken.Redact(message.Replace('\n', ' ').Replace('\r', ' ').Trim());

    /// <summary>Writes the session's first record and returns its keeper; null when the record cannot be written.</summary>
    private static SessionRecordKeeper? StartRecord(SessionRecordStore records, SessionLaunch launch, OpenSparkSession open)
    {
        var attachment = open.Session.Attachment;
        var reach = open.Driver.Reach;
        var now = DateTimeOffset.UtcNow;
        TimeSpan? idle = launch.Launcher switch
        {
            LocalSparkServerOptions { KeepAlive: true } local => local.IdleTimeout,
            DockerSparkLauncherOptions docker => docker.IdleTimeout,
            MarathonSparkLauncherOptions marathon => marathon.IdleTimeout,
            _ => null,
        };
        try
        {
            return new SessionRecordKeeper(records, new SessionRecord
            {
                Connection = attachment.Connection,
                ServerSideSessionId = attachment.ServerSideSessionId,
                PinnedServerCertificateSha256 = attachment.PinnedServerCertificateSha256 ?? reach.CertificateSha256,
                Name = launch.Name,
                Launcher = open.Launcher.Word(),
                Where = open.Where,
                Resource = reach.Resource,
                LeaseFile = (open.Driver as LocalSparkDriver)?.Server.LeaseFile,
                DockerEndpoint = (launch.Launcher as DockerSparkLauncherOptions)?.DockerEndpoint,
                MarathonUrl = (launch.Launcher as MarathonSparkLauncherOptions)?.Marathon,
                HasExecutors = (open.Driver as IGatewaySession)?.HasExecutors ?? false,
                UiUri = open.UiUri,
                SparkVersion = open.SparkVersion,
                Created = now,
                LastUsed = now,
                IdleTimeout = idle,
                KeepAlive = launch.KeepAlive,
            }, open.Session);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The session works without its record (an unwritable state folder); only a later attach needs it.
            return null;
        }
    }
}

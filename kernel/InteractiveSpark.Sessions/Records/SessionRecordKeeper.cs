using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions.Records;

/// <summary>
/// Keeps one open session's record true while its kernel lives: the operations in flight and the last use are
/// rewritten when an operation starts or ends, and the record is deleted when the session is stopped. A kernel killed
/// with SIGKILL leaves the last record behind: exactly what a new kernel needs to attach.
/// </summary>
public sealed class SessionRecordKeeper : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SessionRecordStore _store;
    private readonly SparkSession _session;
    private SessionRecord _record;
    private bool _closed;

    /// <summary>
    /// Writes <paramref name="record"/> now and keeps it up to date with <paramref name="session"/>'s operations. Its owner is
    /// this process unless the record names one.
    /// </summary>
    public SessionRecordKeeper(SessionRecordStore store, SessionRecord record, SparkSession session)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(session);
        _store = store;
        _session = session;
        _record = record with
        {
            Operations = session.RunningOperations,
            OwnerProcessId = record.OwnerProcessId > 0 ? record.OwnerProcessId : Environment.ProcessId,
            LastUsed = DateTimeOffset.UtcNow,
        };
        _store.Save(_record);
        session.OperationsChanged += OnOperationsChanged;
    }

    /// <summary>The record as last written.</summary>
    public SessionRecord Record
    {
        get
        {
            lock (_lock)
            {
                return _record;
            }
        }
    }

    /// <summary>Deletes the record (the session was stopped: nobody can attach to it any more) and stops following the session.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _closed = true;
            _store.Delete(_record.SessionId);
        }

        Dispose();
    }

    /// <summary>Stops following the session; the record stays (the session lives on for a later attach).</summary>
    public void Dispose() => _session.OperationsChanged -= OnOperationsChanged;

    private void OnOperationsChanged()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _record = _record with
            {
                Operations = _session.RunningOperations,
                ServerSideSessionId = _session.ServerSideSessionId ?? _record.ServerSideSessionId,
                LastUsed = DateTimeOffset.UtcNow,
            };
            _store.Save(_record);
        }
    }
}

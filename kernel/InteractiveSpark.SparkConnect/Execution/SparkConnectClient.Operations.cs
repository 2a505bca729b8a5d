using System.Collections.Concurrent;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// The operations this client has in flight, so that a front end can write them down (a session record) and a later
// client can fetch their results by id after this one is gone.
internal sealed partial class SparkConnectClient
{
    /// <summary>How much of a SQL text describes an operation: enough to recognise it, not a whole script.</summary>
    private const int DescriptionLength = 120;

    private readonly ConcurrentDictionary<string, SparkOperation> _running = new(StringComparer.Ordinal);

    /// <summary>Raised after an operation starts or ends (on the thread that started or ended it).</summary>
    internal event Action? OperationsChanged;

    /// <summary>The operations in flight, oldest first.</summary>
    internal IReadOnlyList<SparkOperation> RunningOperations => _running.Values.OrderBy(o => o.Started).ToArray();

    private void OnOperationStarted(ExecutePlanRequest request)
    {
        _running[request.OperationId] = new SparkOperation(request.OperationId, DateTimeOffset.UtcNow, Describe(request.Plan));
        RaiseOperationsChanged();
    }

    /// <summary>
    /// Counts an operation that an earlier client started and left (attached by its id) as in flight here, until it is
    /// fetched or known gone: a record written by this client keeps it, so a client that dies before fetching it does
    /// not lose it for the next one.
    /// </summary>
    internal void AdoptOperation(SparkOperation operation)
    {
        if (_running.TryAdd(operation.OperationId, operation))
        {
            RaiseOperationsChanged();
        }
    }

    internal void OnOperationEnded(string operationId)
    {
        if (_running.TryRemove(operationId, out _))
        {
            RaiseOperationsChanged();
        }
    }

    private void RaiseOperationsChanged()
    {
        try
        {
            OperationsChanged?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A listener that cannot write its record must not fail the query.
        }
    }

    /// <summary>A short description of a plan for people: its SQL text (clipped), else the kind of relation or command.</summary>
    internal static string Describe(Plan plan)
    {
        var sql = plan.Root?.Sql?.Query ?? plan.Command?.SqlCommand?.Input?.Sql?.Query;
        if (!string.IsNullOrWhiteSpace(sql))
        {
            var oneLine = string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return oneLine.Length <= DescriptionLength ? oneLine : oneLine[..(DescriptionLength - 1)] + "…";
        }

        return plan.OpTypeCase switch
        {
            Plan.OpTypeOneofCase.Root => $"DataFrame ({plan.Root!.RelTypeCase})",
            Plan.OpTypeOneofCase.Command => $"command ({plan.Command!.CommandTypeCase})",
            _ => "operation",
        };
    }
}

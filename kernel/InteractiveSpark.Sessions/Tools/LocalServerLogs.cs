using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.Sessions;

/// <summary>A local server's log, kept in memory (its last 10,000 lines); executors run inside the driver.</summary>
internal sealed class LocalServerLogs(LocalSparkServer server) : ISessionLogs
{
    public bool HasExecutors => false;

    public Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default)
    {
        var grep = Check(request);
        return Task.FromResult<IReadOnlyList<string>>(Last(server.LogSnapshot().Lines, grep, request.Tail));
    }

    public async IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var grep = Check(request);
        var (seen, lines) = server.LogSnapshot();
        foreach (var line in Last(lines, grep, request.Tail))
        {
            yield return line;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var exited = server.HasExited;
            try
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            var (total, now) = server.LogSnapshot();
            var fresh = (int)Math.Min(total - seen, now.Length);
            seen = total;
            foreach (var line in now.Skip(now.Length - fresh).Where(l => SessionLogRequest.Matches(grep, l)))
            {
                yield return line;
            }

            if (exited)
            {
                yield break;
            }
        }
    }

    private static Regex? Check(SessionLogRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grep = request.Validate();
        if (request.Executor is not null)
        {
            throw new SessionToolException(
                "A local session runs its executors inside the driver process (master local[...]): there are no executor logs; the driver's log (--driver) has everything.");
        }

        return grep;
    }

    private static List<string> Last(string[] lines, Regex? grep, int tail)
    {
        var matching = lines.Where(l => SessionLogRequest.Matches(grep, l)).ToList();
        return matching.Count > tail ? matching.GetRange(matching.Count - tail, tail) : matching;
    }
}

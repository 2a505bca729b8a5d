using System.Runtime.CompilerServices;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Magics;

/// <summary>
/// Completion in a <c>#!N</c> SQL cell from what the session's catalog holds: after <c>table.</c> its columns, after
/// <c>database.</c> its tables; otherwise the tables and views of the current database, the databases, the columns of
/// the tables the cell already names, the functions (built-in and registered) and SQL's keywords.
/// </summary>
public sealed class SqlCompletion
{
    // Functions change rarely (a UDF registration) and their list is long (~500 built-ins): kept briefly per session.
    private static readonly TimeSpan FunctionsKeptFor = TimeSpan.FromSeconds(30);

    // A completion is asked while typing: a slow catalog must not hold the editor for long. What arrived in time is used.
    private static readonly TimeSpan CatalogTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Keywords =
    [
        "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN",
        "CROSS JOIN", "ON", "USING", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN",
        "ELSE", "END", "DISTINCT", "UNION", "UNION ALL", "INTERSECT", "EXCEPT", "WITH", "INSERT INTO", "OVERWRITE", "VALUES",
        "CREATE", "TABLE", "VIEW", "TEMPORARY", "OR REPLACE", "DROP", "ALTER", "DESCRIBE", "SHOW", "CACHE", "UNCACHE",
        "EXPLAIN", "ASC", "DESC", "OVER", "PARTITION BY", "WINDOW", "TRUE", "FALSE", "CAST", "EXISTS",
    ];

    // Weak: a stopped session's list goes with it.
    private readonly ConditionalWeakTable<SparkSession, Tuple<DateTimeOffset, IReadOnlyList<string>>> _functions = new();

    /// <summary>
    /// The completions at <paramref name="cursor"/> of <paramref name="sql"/> on <paramref name="session"/>, and the span
    /// of <paramref name="sql"/> they replace. What the catalog has not answered within 10 s is left out (keywords always come).
    /// </summary>
    public async Task<(IReadOnlyList<string> Matches, int Start, int End)> CompleteAsync(
        SparkSession session, string sql, int cursor, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(sql);
        cursor = Math.Clamp(cursor, 0, sql.Length);
        var start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(sql[start - 1]) || sql[start - 1] is '_' or '.' or '`'))
        {
            start--;
        }

        var end = cursor;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        var typed = sql[start..cursor].Replace("`", "", StringComparison.Ordinal);
        var dot = typed.LastIndexOf('.');
        var qualifier = dot < 0 ? null : typed[..dot];
        var word = dot < 0 ? typed : typed[(dot + 1)..];
        IEnumerable<string> candidates;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(CatalogTimeout);
        try
        {
            candidates = qualifier is null
                ? await EverythingAsync(session, sql, limit.Token).ConfigureAwait(false)
                : await QualifiedAsync(session, qualifier, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            candidates = qualifier is null ? Keywords : [];
        }

        cancellation.ThrowIfCancellationRequested();
        var matches = candidates
            .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return (matches, dot < 0 ? start : cursor - word.Length, end);
    }

    private async Task<IEnumerable<string>> EverythingAsync(SparkSession session, string sql, CancellationToken cancellation)
    {
        // Each part on its own: the tables (what is typed most) are not lost to a slow function list.
        var names = new List<string>();
        async Task Add(Func<Task<IEnumerable<string>>> part)
        {
            try
            {
                names.AddRange(await part().ConfigureAwait(false));
            }
            catch (Exception e) when (e is SparkException or OperationCanceledException)
            {
                // Left out (a refusal, or the time for completion is up); the others still count.
            }
        }

        await Add(async () =>
        {
            var tables = await session.Catalog.ListTablesAsync(cancellationToken: cancellation).ConfigureAwait(false);
            var columns = new List<string>();
            foreach (var table in tables.Where(t => sql.Contains(t.Name, StringComparison.OrdinalIgnoreCase)))
            {
                columns.AddRange((await session.Catalog.ListColumnsAsync(table.Name, cancellationToken: cancellation).ConfigureAwait(false)).Select(c => c.Name));
            }

            return columns.Concat(tables.Select(t => t.Name));
        }).ConfigureAwait(false);
        await Add(async () => (await session.Catalog.ListDatabasesAsync(cancellationToken: cancellation).ConfigureAwait(false)).Select(d => d.Name)).ConfigureAwait(false);
        await Add(async () => await FunctionsAsync(session, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        return names.Concat(Keywords);
    }

    private static async Task<IEnumerable<string>> QualifiedAsync(SparkSession session, string qualifier, CancellationToken cancellation)
    {
        var databases = await session.Catalog.ListDatabasesAsync(cancellationToken: cancellation).ConfigureAwait(false);
        if (databases.Any(d => string.Equals(d.Name, qualifier, StringComparison.OrdinalIgnoreCase)))
        {
            return (await session.Catalog.ListTablesAsync(qualifier, cancellationToken: cancellation).ConfigureAwait(false)).Select(t => t.Name);
        }

        var table = qualifier[(qualifier.LastIndexOf('.') + 1)..];
        var database = qualifier.Contains('.', StringComparison.Ordinal) ? qualifier[..qualifier.LastIndexOf('.')] : null;
        return await session.Catalog.TableExistsAsync(table, database, cancellation).ConfigureAwait(false)
            ? (await session.Catalog.ListColumnsAsync(table, database, cancellation).ConfigureAwait(false)).Select(c => c.Name)
            : [];
    }

    private async Task<IReadOnlyList<string>> FunctionsAsync(SparkSession session, CancellationToken cancellation)
    {
        if (_functions.TryGetValue(session, out var kept) && DateTimeOffset.UtcNow - kept.Item1 < FunctionsKeptFor)
        {
            return kept.Item2;
        }

        var names = (await session.Catalog.ListFunctionsAsync(cancellationToken: cancellation).ConfigureAwait(false))
            .Select(f => f.Name)
            .Where(n => n.Length > 0 && (char.IsLetter(n[0]) || n[0] == '_'))
            .ToList();
        _functions.AddOrUpdate(session, Tuple.Create(DateTimeOffset.UtcNow, (IReadOnlyList<string>)names));
        return names;
    }
}

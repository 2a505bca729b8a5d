namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Named metrics computed while a query runs, as PySpark's <c>Observation</c>: pass it to
/// <see cref="DataFrame.Observe(Observation, Column, Column[])"/>, run an action on the DataFrame it returns (or on one
/// built from it), then read <see cref="Values"/>. The metrics come with the action's results, so no second query runs.
/// </summary>
/// <example>
/// <code>
/// var stats = new Observation("stats");
/// var rows = await df.Observe(stats, Functions.Count(Functions.Lit(1)).Alias("rows"), Functions.Max("id").Alias("top")).CollectAsync();
/// long n = (long)stats.Values["rows"]!;
/// </code>
/// </example>
public sealed class Observation
{
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, object?>? _values;
    private int _used;

    /// <summary>An observation with a generated name.</summary>
    public Observation() : this("observation_" + Guid.NewGuid().ToString("N"))
    {
    }

    /// <summary>An observation named <paramref name="name"/> (unique among the session's observed DataFrames).</summary>
    public Observation(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The name the metrics carry on the server.</summary>
    public string Name { get; }

    /// <summary>True once an action on the observed DataFrame has finished and brought the metrics.</summary>
    public bool HasValues
    {
        get
        {
            lock (_lock)
            {
                return _values is not null;
            }
        }
    }

    /// <summary>
    /// The metrics by the names of their columns (values as <see cref="Row"/> gives them), from the last action that ran
    /// the observed DataFrame (PySpark's <c>observation.get</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No action on the observed DataFrame has finished yet.</exception>
    public IReadOnlyDictionary<string, object?> Values
    {
        get
        {
            lock (_lock)
            {
                return _values ?? throw new InvalidOperationException(
                    $"Observation '{Name}' has no values yet: run an action (CollectAsync, CountAsync, ...) on the DataFrame Observe returned first.");
            }
        }
    }

    /// <summary>Marks the observation as used by one DataFrame (PySpark allows one, so that its values are unambiguous).</summary>
    internal void Attach()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
        {
            throw new InvalidOperationException($"Observation '{Name}' is already used by a DataFrame; make a new Observation for each Observe.");
        }
    }

    internal void SetValues(IReadOnlyDictionary<string, object?> values)
    {
        lock (_lock)
        {
            _values = values;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Observation {Name}";
}

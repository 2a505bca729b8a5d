using System.Collections.Concurrent;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

// Observed metrics (df.Observe): the server sends them with the results of the action that ran the observed plan; the
// session hands them to the Observation of the same name, whichever action or reader consumed the responses.
public sealed partial class SparkSession
{
    private readonly ConcurrentDictionary<string, Observation> _observations = new(StringComparer.Ordinal);

    internal void RegisterObservation(Observation observation)
    {
        if (!_observations.TryAdd(observation.Name, observation))
        {
            throw new InvalidOperationException(
                $"An observation named '{observation.Name}' is already used in this session; give each Observation its own name.");
        }
    }

    private void OnObservedMetrics(IReadOnlyList<P.ExecutePlanResponse.Types.ObservedMetrics> metrics)
    {
        foreach (var m in metrics)
        {
            if (!_observations.TryGetValue(m.Name, out var observation))
            {
                continue;
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < m.Values.Count; i++)
            {
                // Servers before 4.0 sent no keys; their metrics are then known by position.
                var key = i < m.Keys.Count ? m.Keys[i] : $"metric_{i}";
                values[key] = LiteralValues.ToValue(m.Values[i]);
            }

            observation.SetValues(values);
        }
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Jupyter;

/// <summary>The cells this kernel ran (input and result text), answered to history_request: tail, range and search.</summary>
internal sealed class KernelHistory
{
    // This kernel keeps one session of history (no database across restarts): session number 1.
    private const int Session = 1;
    private readonly Lock _gate = new();
    private readonly List<(int Line, string Input, string? Output)> _entries = [];

    public void Add(int line, string input, string? output)
    {
        lock (_gate)
        {
            _entries.Add((line, input, output));
        }
    }

    public JsonArray Answer(JsonObject request)
    {
        var output = (bool?)request["output"] ?? false;
        var n = (int?)request["n"];
        IEnumerable<(int Line, string Input, string? Output)> chosen;
        lock (_gate)
        {
            chosen = [.. _entries];
        }

        switch ((string?)request["hist_access_type"])
        {
            case "tail":
                chosen = chosen.TakeLast(n ?? 10);
                break;
            case "range":
                var start = (int?)request["start"] ?? 0;
                var stop = (int?)request["stop"];
                chosen = (int?)request["session"] is null or Session or 0
                    ? chosen.Where(e => e.Line >= start && (stop is null || e.Line < stop))
                    : [];
                break;
            case "search":
                var pattern = "^" + Regex.Escape((string?)request["pattern"] ?? "*").Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";
                var regex = new Regex(pattern, RegexOptions.Singleline, TimeSpan.FromSeconds(1));
                chosen = chosen.Where(e => regex.IsMatch(e.Input));
                if ((bool?)request["unique"] ?? false)
                {
                    chosen = chosen.Reverse().DistinctBy(e => e.Input).Reverse();
                }

                if (n is not null)
                {
                    chosen = chosen.TakeLast(n.Value);
                }

                break;
            default:
                chosen = [];
                break;
        }

        return new JsonArray([.. chosen.Select(e => (JsonNode?)new JsonArray(
            Session,
            e.Line,
            output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input)))]);
    }
}

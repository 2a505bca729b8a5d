using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The Spark UI's Executors page links each executor's stdout and stderr straight to its worker's own web UI
/// (<c>http://WORKER:PORT/logPage/?appId=...&amp;executorId=N&amp;logType=stderr</c>): an address inside the cluster, out
/// of reach of a browser outside it, and a UI that asks for a secret the browser does not have. The page builds those
/// links from the REST API's <c>executorLogs</c>; this rewrites them, in that API's answers, to the gateway's own
/// <c>/logs/executor/N?stream=...&amp;app=...</c>, served behind the session credential.
/// </summary>
internal static partial class ExecutorLogLinks
{
    /// <summary>Whether a path under <c>/ui</c> is one of the REST answers that carry executor log links.</summary>
    public static bool Carries(PathString path) => ExecutorsApi().IsMatch(path.Value ?? "");

    /// <summary>The JSON answer with every <c>executorLogs</c> link moved under the gateway's <c>/logs/executor/</c>; other text unchanged.</summary>
    public static string Rewrite(string json)
    {
        if (JsonNode.Parse(json) is not JsonArray executors)
        {
            return json;
        }

        foreach (var executor in executors.OfType<JsonObject>())
        {
            if (executor["executorLogs"] is not JsonObject logs || executor["id"]?.GetValue<string>() is not { } id)
            {
                continue;
            }

            foreach (var (stream, value) in logs.ToArray())
            {
                if (stream is not ("stdout" or "stderr") || value?.GetValue<string>() is not { } link || !Uri.TryCreate(link, UriKind.Absolute, out var uri))
                {
                    continue;
                }

                var app = System.Web.HttpUtility.ParseQueryString(uri.Query)["appId"];
                logs[stream] = "/logs/executor/" + Uri.EscapeDataString(id) + "?stream=" + stream
                    + (app is { Length: > 0 } ? "&app=" + Uri.EscapeDataString(app) : "") + "&tail=1000";
            }
        }

        return executors.ToJsonString();
    }

    [GeneratedRegex("^/ui/api/v1/applications/[^/]+/(all)?executors$", RegexOptions.CultureInvariant)]
    private static partial Regex ExecutorsApi();
}

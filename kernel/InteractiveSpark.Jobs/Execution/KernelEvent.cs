using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Execution;

/// <summary>
/// One event of the dotnet-interactive stdio protocol: <c>{"eventType": "...", "event": {...}, "command": {"token": ...}}</c>.
/// </summary>
/// <param name="Type">The event type (DisplayedValueProduced, CommandSucceeded, ...).</param>
/// <param name="Body">The event's own fields.</param>
/// <param name="CommandToken">The token of the command it belongs to (a child command's token is the parent's plus ".N").</param>
public sealed record KernelEvent(string Type, JsonObject Body, string? CommandToken)
{
    /// <summary>The values of a *ValueProduced event: MIME type to text.</summary>
    public IReadOnlyList<(string MimeType, string Value)> FormattedValues =>
        (Body["formattedValues"] as JsonArray ?? [])
            .Select(v => ((string?)v?["mimeType"] ?? "text/plain", (string?)v?["value"] ?? ""))
            .ToArray();

    /// <summary>The message of CommandFailed and ErrorProduced.</summary>
    public string? Message => (string?)Body["message"];

    /// <summary>The display id of DisplayedValueProduced/Updated.</summary>
    public string? ValueId => (string?)Body["valueId"];

    /// <summary>Parses one line of the kernel's output; null when it is not an event.</summary>
    internal static KernelEvent? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(line) is JsonObject envelope && (string?)envelope["eventType"] is { } type)
            {
                return new KernelEvent(type, envelope["event"] as JsonObject ?? [], (string?)envelope["command"]?["token"]);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not ours: the kernel writes only envelopes to stdout, but a package could print; it goes to the log only.
        }

        return null;
    }
}

/// <summary>How a submitted command ended.</summary>
/// <param name="Succeeded">CommandSucceeded (true) or CommandFailed (false).</param>
/// <param name="Error">CommandFailed's message.</param>
public sealed record KernelCommandResult(bool Succeeded, string? Error);

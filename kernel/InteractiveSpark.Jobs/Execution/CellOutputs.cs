using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InteractiveSpark.Jobs.Notebooks;

namespace InteractiveSpark.Jobs.Execution;

/// <summary>
/// Turns a cell's kernel events into nbformat outputs, as Jupyter's dotnet-interactive kernel does: standard output and
/// error become <c>stream</c> outputs (consecutive writes merged), displays <c>display_data</c> (updated in place by
/// DisplayedValueUpdated, matched by value id), the cell's value <c>execute_result</c>, a failure an <c>error</c> output.
/// </summary>
internal sealed partial class CellOutputs(NotebookCell cell, int executionCount)
{
    private readonly Dictionary<string, JsonObject> _displays = new(StringComparer.Ordinal);

    public void Add(KernelEvent e)
    {
        switch (e.Type)
        {
            case "StandardOutputValueProduced":
                Stream("stdout", Text(e));
                break;
            case "StandardErrorValueProduced":
                Stream("stderr", Text(e));
                break;
            case "ErrorProduced":
                // Reported by a command the cell started (it may still succeed): shown, not an nbformat error.
                Stream("stderr", (e.Message ?? Text(e)).TrimEnd('\n') + "\n");
                break;
            case "DisplayedValueProduced":
                Display(e, "display_data");
                break;
            case "DisplayedValueUpdated":
                if (e.ValueId is { } id && _displays.TryGetValue(id, out var shown))
                {
                    shown["data"] = Data(e);
                }
                else
                {
                    Display(e, "display_data");
                }

                break;
            case "ReturnValueProduced":
                Display(e, "execute_result");
                break;
        }
    }

    /// <summary>Adds the error output of a failed cell.</summary>
    public void Fail(string message)
    {
        var (name, value) = Split(message);
        cell.Outputs.Add(new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = name,
            ["evalue"] = value,
            ["traceback"] = new JsonArray(message.Split('\n').Select(l => (JsonNode)l.TrimEnd('\r')).ToArray()),
        });
    }

    /// <summary>The short form of a kernel error: its first lines, without the stack trace.</summary>
    public static string Summary(string message)
    {
        var lines = message.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .TakeWhile(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("--- End of", StringComparison.Ordinal))
            .Where(l => l.Trim().Length > 0)
            .Take(8);
        var summary = string.Join('\n', lines);
        return summary.Length > 0 ? summary : message.Trim();
    }

    /// <summary>
    /// The failure line <c>ispark run</c> prints: the summary without a .NET type name in front. The product's own
    /// exceptions (a Spark error: its error class and message) lose the type; others keep their short name
    /// (<c>InvalidOperationException: ...</c>), which says what happened where the namespace only adds noise.
    /// </summary>
    public static string ForPeople(string message)
    {
        var summary = Summary(message);
        var match = ExceptionLine().Match(summary);
        if (!match.Success)
        {
            return summary;
        }

        var type = match.Groups["type"].Value;
        var text = match.Groups["message"].Value.Trim();
        if (type.StartsWith("InteractiveSpark.", StringComparison.Ordinal) && text.Length > 0)
        {
            return text;
        }

        var dot = type.LastIndexOf('.');
        return dot < 0 ? summary : $"{type[(dot + 1)..]}: {text}";
    }

    /// <summary>Exception type and message: "System.Exception: boom" gives ("System.Exception", "boom"); a compile error ("Error", the diagnostics).</summary>
    internal static (string Name, string Value) Split(string message)
    {
        var summary = Summary(message);
        var match = ExceptionLine().Match(summary);
        return match.Success ? (match.Groups["type"].Value, match.Groups["message"].Value.Trim()) : ("Error", summary);
    }

    private void Stream(string name, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (cell.Outputs.Count > 0 && cell.Outputs[^1] is { } last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
        {
            last["text"] = IpynbFormat.ToLines(IpynbFormat.Lines(last["text"]) + text);
            return;
        }

        cell.Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = IpynbFormat.ToLines(text) });
    }

    private void Display(KernelEvent e, string type)
    {
        if (e.FormattedValues.Count == 0)
        {
            return;
        }

        var output = new JsonObject { ["output_type"] = type, ["data"] = Data(e), ["metadata"] = new JsonObject() };
        if (type == "execute_result")
        {
            output["execution_count"] = executionCount;
        }

        cell.Outputs.Add(output);
        if (e.ValueId is { } id)
        {
            _displays[id] = output;
        }
    }

    private static JsonObject Data(KernelEvent e)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in e.FormattedValues)
        {
            // nbformat keeps JSON MIME types as JSON, the rest as multi-line text.
            if (mime.EndsWith("json", StringComparison.Ordinal))
            {
                try
                {
                    data[mime] = JsonNode.Parse(value);
                    continue;
                }
                catch (JsonException)
                {
                }
            }

            data[mime] = IpynbFormat.ToLines(value);
        }

        return data;
    }

    private static string Text(KernelEvent e) =>
        string.Concat(e.FormattedValues.Where(v => v.MimeType == "text/plain").Select(v => v.Value));

    [GeneratedRegex(@"^(?<type>[A-Za-z_][\w.]*(Exception|Error)):\s?(?<message>[\s\S]*)$")]
    private static partial Regex ExceptionLine();
}

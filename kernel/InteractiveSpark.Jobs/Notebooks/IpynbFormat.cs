using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Notebooks;

/// <summary>
/// nbformat 4 (.ipynb) reading and writing. Reads what Jupyter, VS Code and nbconvert write (source as one string or
/// as lines); writes as Jupyter does (one-space indent, multi-line strings as arrays of lines, keys nbformat expects).
/// </summary>
internal static class IpynbFormat
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        // Jupyter writes non-ASCII text as is; HTML in outputs stays readable (no \u003C).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Notebook Parse(string text, string path)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(text) as JsonObject ?? throw new NotebookFormatException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{path}: not valid JSON ({e.Message}).");
        }

        if (Int(document["nbformat"]) is not 4)
        {
            throw new NotebookFormatException($"{path}: nbformat {InputText.Clip(document["nbformat"]?.ToJsonString() ?? "(missing)")}; ispark reads nbformat 4 (convert older notebooks with `jupyter nbconvert --to notebook`).");
        }

        var metadata = document["metadata"] as JsonObject ?? [];
        var notebook = new Notebook(metadata: (JsonObject)metadata.DeepClone())
        {
            FormatMinor = Int(document["nbformat_minor"]) ?? 4,
        };
        if (document["cells"] is not JsonArray cells)
        {
            throw new NotebookFormatException($"{path}: no 'cells' list (an nbformat 4 notebook has one).");
        }

        var index = 0;
        foreach (var node in cells)
        {
            index++;
            if (node is not JsonObject cell)
            {
                throw new NotebookFormatException($"{path}: cell {index} is not a JSON object.");
            }

            // A field of the wrong JSON kind (a number for a source, a string for an execution count) throws while it is
            // read: said as what it is, a notebook this reader cannot use.
            NotebookCell parsed;
            try
            {
                var type = (string?)cell["cell_type"] switch
                {
                    "code" => CellType.Code,
                    "markdown" => CellType.Markdown,
                    "raw" => CellType.Raw,
                    var other => throw new NotebookFormatException($"{path}: cell {index} has cell_type '{InputText.Clip(other)}' (code, markdown or raw)."),
                };
                var source = cell["source"] is null or JsonArray || cell["source"]!.GetValueKind() == JsonValueKind.String
                    ? Lines(cell["source"])
                    : throw new NotebookFormatException($"{path}: cell {index}'s source is {cell["source"]!.GetValueKind()}, not text or a list of lines.");
                var cellMetadata = (JsonObject)(cell["metadata"] as JsonObject ?? []).DeepClone();
                parsed = new NotebookCell(type, source, KernelOf(cellMetadata), cellMetadata, (string?)cell["id"])
                {
                    ExecutionCount = (int?)cell["execution_count"],
                };
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new NotebookFormatException($"{path}: cell {index} is not an nbformat 4 cell ({e.Message}).");
            }

            foreach (var output in cell["outputs"] as JsonArray ?? [])
            {
                if (output is JsonObject o)
                {
                    parsed.Outputs.Add((JsonObject)o.DeepClone());
                }
            }

            notebook.Cells.Add(parsed);
        }

        return notebook;
    }

    public static string Write(Notebook notebook)
    {
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells)
        {
            var json = new JsonObject
            {
                ["cell_type"] = cell.Type switch { CellType.Code => "code", CellType.Markdown => "markdown", _ => "raw" },
            };
            if (notebook.FormatMinor >= 5)
            {
                json["id"] = cell.Id;
            }

            json["metadata"] = cell.Metadata.DeepClone();
            if (cell.IsCode)
            {
                json["execution_count"] = cell.ExecutionCount;
                json["outputs"] = new JsonArray(cell.Outputs.Select(o => (JsonNode)o.DeepClone()).ToArray());
            }

            json["source"] = ToLines(cell.Source);
            cells.Add(json);
        }

        var document = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = notebook.Metadata.DeepClone(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = notebook.FormatMinor,
        };
        return document.ToJsonString(Indented) + "\n";
    }

    /// <summary>A Jupyter multi-line string: one string, or an array of lines.</summary>
    public static string Lines(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => node.GetValueKind() == JsonValueKind.String ? (string?)node ?? "" : node.ToJsonString(),
    };

    /// <summary>Text as Jupyter stores it: an array of lines, each but the last keeping its newline.</summary>
    public static JsonArray ToLines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                lines.Add(text[start..]);
                break;
            }

            lines.Add(text[start..(end + 1)]);
            start = end + 1;
        }

        return lines;
    }

    /// <summary>The kernel a cell's metadata names: Polyglot Notebooks' <c>polyglot_notebook.kernelName</c>, or the older <c>dotnet_interactive.language</c>.</summary>
    /// <summary>A JSON number as an int; null for anything else (a string "4", a list), which the caller refuses or defaults.</summary>
    private static int? Int(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var i) ? i : null;

    private static string? KernelOf(JsonObject metadata) =>
        (string?)metadata["polyglot_notebook"]?["kernelName"]
        ?? ((string?)metadata["dotnet_interactive"]?["language"] is { } language ? Notebook.KernelNameOf(language) : null);
}

using System.Text;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Testing.Notebooks;

/// <summary>A notebook as Jupyter wrote it back after executing it: the parsed .ipynb, cell by cell.</summary>
public sealed class ExecutedNotebook
{
    internal ExecutedNotebook(JsonObject document, string path, TimeSpan duration, string log)
    {
        Document = document;
        Path = path;
        Duration = duration;
        Log = log;
        Cells = (document["cells"] as JsonArray ?? [])
            .Select((cell, i) => new ExecutedCell(i, cell!.AsObject()))
            .ToArray();
    }

    /// <summary>The whole executed .ipynb.</summary>
    public JsonObject Document { get; }

    /// <summary>Where the executed notebook was written.</summary>
    public string Path { get; }

    /// <summary>How long nbconvert took, kernel start and shutdown included.</summary>
    public TimeSpan Duration { get; }

    /// <summary>What nbconvert and the kernel wrote to stdout and stderr.</summary>
    public string Log { get; }

    /// <summary>All cells, markdown ones included, in order.</summary>
    public IReadOnlyList<ExecutedCell> Cells { get; }

    /// <summary>The code cells, in order.</summary>
    public IReadOnlyList<ExecutedCell> CodeCells => Cells.Where(c => c.IsCode).ToArray();

    /// <summary>The text of every output of every cell.</summary>
    public string AllText => string.Join("\n", Cells.Select(c => c.Text).Where(t => t.Length > 0));

    /// <summary>The error outputs of all cells.</summary>
    public IReadOnlyList<string> Errors => Cells.SelectMany(c => c.Errors).ToArray();
}

/// <summary>One cell of an executed notebook.</summary>
public sealed class ExecutedCell
{
    internal ExecutedCell(int index, JsonObject cell)
    {
        Index = index;
        Json = cell;
        IsCode = (string?)cell["cell_type"] == "code";
        Source = Lines(cell["source"]);
        Outputs = (cell["outputs"] as JsonArray ?? []).Select(o => o!.AsObject()).ToArray();
    }

    /// <summary>The cell's position in the notebook (markdown cells count).</summary>
    public int Index { get; }

    /// <summary>The cell as JSON.</summary>
    public JsonObject Json { get; }

    /// <summary>Whether it is a code cell.</summary>
    public bool IsCode { get; }

    /// <summary>The cell's source.</summary>
    public string Source { get; }

    /// <summary>The outputs (display_data, execute_result, stream, error).</summary>
    public IReadOnlyList<JsonObject> Outputs { get; }

    /// <summary>The cell's tags (metadata.tags).</summary>
    public IReadOnlyList<string> Tags =>
        (Json["metadata"]?["tags"] as JsonArray)?.Select(t => (string?)t ?? "").ToArray() ?? [];

    /// <summary>The text/plain data of each display and result, the stream text, and each error, joined by newlines.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            foreach (var output in Outputs)
            {
                var piece = (string?)output["output_type"] switch
                {
                    "stream" => Lines(output["text"]),
                    "error" => $"{(string?)output["ename"]}: {(string?)output["evalue"]}",
                    _ => Lines(output["data"]?["text/plain"]),
                };
                if (piece.Length > 0)
                {
                    text.Append(text.Length > 0 ? "\n" : "").Append(piece.TrimEnd('\n'));
                }
            }

            return text.ToString();
        }
    }

    /// <summary>The data of one MIME type from each output that has it.</summary>
    public IReadOnlyList<string> Data(string mimeType) =>
        Outputs.Select(o => o["data"]?[mimeType]).Where(d => d is not null).Select(Lines).ToArray();

    /// <summary>Each error output as "ename: evalue".</summary>
    public IReadOnlyList<string> Errors =>
        Outputs.Where(o => (string?)o["output_type"] == "error")
            .Select(o => $"{(string?)o["ename"]}: {(string?)o["evalue"]}")
            .ToArray();

    /// <inheritdoc />
    public override string ToString() => $"cell {Index}: {Source.Split('\n')[0]}";

    /// <summary>A Jupyter multi-line string: one string, or an array of lines.</summary>
    internal static string Lines(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => node.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)node ?? "" : node.ToJsonString(),
    };
}

using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>An executed .ipynb read as plain JSON (not through the code under test).</summary>
public sealed class OutputNotebook(JsonObject document)
{
    /// <summary>The whole document.</summary>
    public JsonObject Document { get; } = document;

    /// <summary>Reads a file.</summary>
    public static OutputNotebook Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!.AsObject());

    /// <summary>All cells.</summary>
    public IReadOnlyList<JsonObject> Cells => Document["cells"]!.AsArray().Select(c => c!.AsObject()).ToArray();

    /// <summary>The cell with this id.</summary>
    public JsonObject Cell(string id) => Cells.Single(c => (string?)c["id"] == id);

    /// <summary>A cell's source.</summary>
    public static string Source(JsonObject cell) => Text(cell["source"]);

    /// <summary>A cell's tags.</summary>
    public static IReadOnlyList<string> Tags(JsonObject cell) =>
        (cell["metadata"]?["tags"] as JsonArray)?.Select(t => (string)t!).ToArray() ?? [];

    /// <summary>The text of a cell's outputs: stream text, text/plain data, and errors as "ename: evalue".</summary>
    public static string OutputText(JsonObject cell) => string.Join("\n",
        (cell["outputs"] as JsonArray ?? []).Select(o => (string?)o!["output_type"] switch
        {
            "stream" => Text(o["text"]),
            "error" => $"{(string?)o["ename"]}: {(string?)o["evalue"]}",
            _ => Text(o["data"]?["text/plain"]),
        }));

    /// <summary>The output types of a cell, in order.</summary>
    public static IReadOnlyList<string> OutputTypes(JsonObject cell) =>
        (cell["outputs"] as JsonArray ?? []).Select(o => (string)o!["output_type"]!).ToArray();

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => (string?)node ?? "",
    };
}

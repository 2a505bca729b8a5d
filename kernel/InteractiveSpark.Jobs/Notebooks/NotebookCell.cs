using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Notebooks;

/// <summary>The kinds of nbformat cells.</summary>
public enum CellType
{
    /// <summary>Code that a kernel runs.</summary>
    Code,

    /// <summary>Markdown text (not run).</summary>
    Markdown,

    /// <summary>Raw text (not run).</summary>
    Raw,
}

/// <summary>One cell: its source, its tags and metadata, and (after a run) its outputs as nbformat JSON.</summary>
public sealed class NotebookCell
{
    /// <summary>A cell of this type and source.</summary>
    public NotebookCell(CellType type, string source, string? kernelName = null, JsonObject? metadata = null, string? id = null)
    {
        Type = type;
        Source = source;
        KernelName = kernelName;
        Metadata = metadata ?? [];
        Id = id ?? Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>The cell's id (nbformat 4.5).</summary>
    public string Id { get; set; }

    /// <summary>Code, markdown or raw.</summary>
    public CellType Type { get; }

    /// <summary>Whether a kernel runs it.</summary>
    public bool IsCode => Type == CellType.Code;

    /// <summary>The cell's text.</summary>
    public string Source { get; set; }

    /// <summary>The kernel the cell names (Polyglot metadata, or the .dib's <c>#!name</c> line); null: the notebook's default.</summary>
    public string? KernelName { get; set; }

    /// <summary>The cell's metadata (tags, polyglot_notebook, ispark timings), kept as read.</summary>
    public JsonObject Metadata { get; }

    /// <summary>The outputs, as nbformat JSON objects (stream, display_data, execute_result, error).</summary>
    public List<JsonObject> Outputs { get; } = [];

    /// <summary>The execution count (nbformat's <c>execution_count</c>); null when the cell did not run.</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>The cell's tags (<c>metadata.tags</c>).</summary>
    public IReadOnlyList<string> Tags =>
        (Metadata["tags"] as JsonArray)?.Select(t => (string?)t ?? "").Where(t => t.Length > 0).ToArray() ?? [];

    /// <summary>Whether the cell carries this tag.</summary>
    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);

    /// <summary>Adds a tag (once).</summary>
    public void AddTag(string tag)
    {
        if (HasTag(tag))
        {
            return;
        }

        if (Metadata["tags"] is not JsonArray tags)
        {
            Metadata["tags"] = tags = [];
        }

        tags.Add(tag);
    }

    /// <summary>A short name for messages: the id and the first line of the source.</summary>
    public string Describe(int index)
    {
        var first = Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        if (first.Length > 60)
        {
            first = first[..57] + "...";
        }

        return $"cell {index + 1} (id '{Id}': {first})";
    }
}

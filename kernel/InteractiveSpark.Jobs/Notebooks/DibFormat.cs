using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Notebooks;

/// <summary>
/// Polyglot Notebooks' .dib format: plain text where a line that is exactly <c>#!name</c> (a kernel name: csharp, fsharp,
/// pwsh, markdown, ..., or one the <c>#!meta</c> cell declares) starts a new cell; the optional first <c>#!meta</c> cell
/// holds JSON metadata (kernelInfo). A .dib has no outputs and no cell tags: the cell whose first line is the comment
/// <c>// parameters</c> is the parameters cell (the counterpart of the <c>parameters</c> tag).
/// </summary>
internal static class DibFormat
{
    /// <summary>The kernel names that start a cell even when the #!meta cell does not list them.</summary>
    private static readonly string[] WellKnownKernels =
        ["csharp", "fsharp", "pwsh", "markdown", "md", "html", "javascript", "js", "mermaid", "sql", "kql", "http", "value", "meta"];

    public static Notebook Parse(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kernels = new HashSet<string>(WellKnownKernels, StringComparer.Ordinal);
        JsonObject? meta = null;

        // The #!meta cell first (it may name more kernels).
        var raw = Split(lines, kernels);
        if (raw.FirstOrDefault() is ("meta", var metaText))
        {
            try
            {
                meta = JsonNode.Parse(metaText) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new NotebookFormatException($"{path}: the #!meta cell is not JSON ({e.Message}).");
            }

            foreach (var item in meta?["kernelInfo"]?["items"] as JsonArray ?? [])
            {
                if ((string?)item?["name"] is { Length: > 0 } name)
                {
                    kernels.Add(name);
                }

                foreach (var alias in item?["aliases"] as JsonArray ?? [])
                {
                    if ((string?)alias is { Length: > 0 } a)
                    {
                        kernels.Add(a);
                    }
                }
            }

            raw = Split(lines, kernels);
        }

        var metadata = new JsonObject();
        if (meta?["kernelInfo"] is JsonObject kernelInfo)
        {
            metadata["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = kernelInfo.DeepClone() };
        }

        var notebook = new Notebook(metadata: metadata) { FormatMinor = 5 };
        foreach (var (kernel, source) in raw.Where(c => c.Kernel != "meta"))
        {
            if (kernel is "markdown" or "md")
            {
                notebook.Cells.Add(new NotebookCell(CellType.Markdown, source));
                continue;
            }

            var cell = new NotebookCell(CellType.Code, source, kernel);
            cell.Metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel };
            var first = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            if (string.Equals(first, "// parameters", StringComparison.OrdinalIgnoreCase))
            {
                cell.AddTag(NotebookParameters.ParametersTag);
            }

            notebook.Cells.Add(cell);
        }

        return notebook;
    }

    /// <summary>The cells: (kernel, text without the blank lines around it). Text before the first #! line is a C# cell.</summary>
    private static List<(string Kernel, string Source)> Split(string[] lines, HashSet<string> kernels)
    {
        var cells = new List<(string, string)>();
        string? kernel = null;
        var current = new StringBuilder();
        void Flush()
        {
            var source = current.ToString().Trim('\n');
            if (kernel is not null || source.Trim().Length > 0)
            {
                cells.Add((kernel ?? Notebook.DefaultKernelName, source));
            }

            current.Clear();
        }

        foreach (var line in lines)
        {
            var trimmed = line.TrimEnd();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && kernels.Contains(trimmed[2..]))
            {
                Flush();
                kernel = trimmed[2..];
                continue;
            }

            current.Append(line).Append('\n');
        }

        Flush();
        return cells;
    }
}

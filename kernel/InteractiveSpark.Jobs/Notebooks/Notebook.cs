using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Notebooks;

/// <summary>
/// A notebook in memory: its cells and metadata, read from an .ipynb (nbformat 4) or a .dib (Polyglot Notebooks) and
/// written back as .ipynb with outputs.
/// </summary>
/// <remarks>
/// Hand-written on purpose: kernel/ must not depend on the .NET Interactive packages (deprecated upstream; their
/// <c>Microsoft.DotNet.Interactive.Documents</c> holds the only .NET parser of these formats), and both formats are small:
/// nbformat 4 is a JSON object with a <c>cells</c> array, a .dib is text split at <c>#!kernel</c> lines. Unknown
/// metadata is kept as JSON, so a notebook read and written again loses nothing it had.
/// </remarks>
public sealed class Notebook
{
    /// <summary>The kernel a cell runs in when neither the cell nor the notebook says otherwise.</summary>
    public const string DefaultKernelName = "csharp";

    /// <summary>A notebook with these cells.</summary>
    public Notebook(IEnumerable<NotebookCell>? cells = null, JsonObject? metadata = null)
    {
        Cells = [.. cells ?? []];
        Metadata = metadata ?? [];
    }

    /// <summary>The cells, in order (markdown and raw cells included).</summary>
    public List<NotebookCell> Cells { get; }

    /// <summary>The notebook's metadata (kernelspec, language_info, polyglot_notebook, ...), kept as read.</summary>
    public JsonObject Metadata { get; }

    /// <summary>nbformat's minor version (written as read; 5 when the notebook came from a .dib).</summary>
    public int FormatMinor { get; set; } = 5;

    /// <summary>The kernel cells run in unless they name their own: the notebook's default (Polyglot metadata), else C#.</summary>
    public string DefaultKernel =>
        (string?)Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]
        ?? ((string?)Metadata["kernelspec"]?["language"] is { } language ? KernelNameOf(language) : null)
        ?? DefaultKernelName;

    /// <summary>The kernel one cell runs in.</summary>
    public string KernelOf(NotebookCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.KernelName ?? DefaultKernel;
    }

    /// <summary>The largest notebook file <see cref="LoadAsync"/> reads (outputs included).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads an .ipynb or a .dib, by its extension.</summary>
    /// <exception cref="NotebookFormatException">The file is not a notebook this reader understands; the message says why.</exception>
    public static async Task<Notebook> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No notebook at {Path.GetFullPath(path)}.", path);
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".ipynb" or ".dib"))
        {
            throw new NotebookFormatException($"{path}: '{InputText.Clip(extension)}' is not a notebook format ispark reads (.ipynb or .dib).");
        }

        var size = new FileInfo(path).Length;
        if (size > MaxBytes)
        {
            throw new NotebookFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {size / (1024 * 1024)} MB; a notebook ispark reads is at most {MaxBytes / (1024 * 1024)} MB (clear its outputs first)."));
        }

        // Strict UTF-8: a binary file or another encoding is refused here, not sent to a kernel as code.
        string text;
        try
        {
            text = Strict.GetString(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new NotebookFormatException($"{path}: not UTF-8 text (a binary file, or another encoding); a notebook is UTF-8 JSON (.ipynb) or text (.dib).");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new NotebookFormatException($"{path}: holds NUL bytes, so it is a binary file, not a notebook.");
        }

        return extension switch
        {
            ".ipynb" => IpynbFormat.Parse(text, path),
            ".dib" => DibFormat.Parse(text, path),
            var other => throw new NotebookFormatException($"{path}: '{other}' is not a notebook format ispark reads (.ipynb or .dib)."),
        };
    }

    /// <summary>Writes the notebook as nbformat 4 JSON (.ipynb), outputs included.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        // Written to a temporary file and moved: a reader (or a killed run) never sees half a notebook.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, IpynbFormat.Write(this), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The .NET Interactive kernel name of a language name (C# → csharp).</summary>
    internal static string? KernelNameOf(string language) => language.Trim().ToLowerInvariant() switch
    {
        "c#" or "csharp" => "csharp",
        "f#" or "fsharp" => "fsharp",
        "powershell" or "pwsh" => "pwsh",
        "" => null,
        var other => other,
    };
}

/// <summary>A notebook file that cannot be read: not JSON, not nbformat 4, or not a .dib.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);

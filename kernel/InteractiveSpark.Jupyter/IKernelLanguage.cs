namespace InteractiveSpark.Jupyter;

/// <summary>
/// What a Jupyter kernel runs: cells, completion, inspection, completeness. <see cref="JupyterKernelServer"/> speaks the
/// protocol and calls this; <see cref="CSharp.CSharpCells"/> is the C# one.
/// </summary>
public interface IKernelLanguage
{
    /// <summary>The language_info of kernel_info_reply.</summary>
    LanguageInfo Info { get; }

    /// <summary>Runs one cell; outputs go to <paramref name="output"/>; <paramref name="cancellation"/> is an interrupt.</summary>
    Task<CellOutcome> ExecuteAsync(string code, ICellOutput output, CancellationToken cancellation);

    /// <summary>Completions at <paramref name="cursor"/> (a UTF-16 offset into <paramref name="code"/>).</summary>
    Task<CompletionSet> CompleteAsync(string code, int cursor, CancellationToken cancellation);

    /// <summary>What the symbol at <paramref name="cursor"/> is, as a MIME bundle; null when there is none.</summary>
    Task<MimeBundle?> InspectAsync(string code, int cursor, int detailLevel, CancellationToken cancellation);

    /// <summary>Whether <paramref name="code"/> is a complete cell, an incomplete one (more lines to come) or invalid.</summary>
    CodeCompleteness IsComplete(string code);

    /// <summary>An interrupt arrived (interrupt_request or SIGINT): stop what runs on servers (Spark operations) too.</summary>
    Task InterruptAsync();

    /// <summary>The kernel shuts down (or restarts): close what the cells opened.</summary>
    Task ShutdownAsync(bool restart);
}

/// <summary>The language_info of kernel_info_reply.</summary>
/// <param name="Name">The language (csharp).</param>
/// <param name="Version">Its version.</param>
/// <param name="MimeType">The MIME type of a script file.</param>
/// <param name="FileExtension">The extension of a script file, with its dot.</param>
/// <param name="PygmentsLexer">The lexer nbconvert highlights with.</param>
/// <param name="CodeMirrorMode">The editor mode of the notebook front end.</param>
public sealed record LanguageInfo(string Name, string Version, string MimeType, string FileExtension, string PygmentsLexer, string CodeMirrorMode);

/// <summary>Completion candidates and the span of the cell they replace (UTF-16 offsets).</summary>
/// <param name="Matches">The candidates.</param>
/// <param name="Start">Where the replaced text starts.</param>
/// <param name="End">Where it ends.</param>
public sealed record CompletionSet(IReadOnlyList<string> Matches, int Start, int End);

/// <summary>is_complete_reply's status.</summary>
public enum CodeCompleteness
{
    /// <summary>Ready to run.</summary>
    Complete,

    /// <summary>More lines are expected (an open brace).</summary>
    Incomplete,

    /// <summary>Will not compile whatever follows.</summary>
    Invalid,

    /// <summary>Cannot tell.</summary>
    Unknown,
}

/// <summary>How a cell ended.</summary>
public sealed record CellOutcome
{
    /// <summary>The cell ran to its end.</summary>
    public static CellOutcome Ok { get; } = new();

    /// <summary>Null: success; else the error's name (execute_reply's ename).</summary>
    public string? ErrorName { get; init; }

    /// <summary>The error's one-line message.</summary>
    public string ErrorValue { get; init; } = "";

    /// <summary>The lines the front end shows for the error.</summary>
    public IReadOnlyList<string> Traceback { get; init; } = [];

    /// <summary>A failed cell.</summary>
    public static CellOutcome Error(string name, string value, IReadOnlyList<string>? traceback = null) =>
        new() { ErrorName = name, ErrorValue = value, Traceback = traceback ?? [value] };
}

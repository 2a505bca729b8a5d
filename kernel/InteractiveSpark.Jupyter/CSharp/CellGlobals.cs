using InteractiveSpark.Jupyter.Display;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// What every C# cell sees without a prefix: <c>display(x)</c>, <c>html(...)</c>, the cell's cancellation (an interrupt),
/// <c>input(...)</c>, the pager. The names are lower case as in every .NET notebook (.NET Interactive's <c>display</c>),
/// so cells written for the extension run unchanged.
/// </summary>
public sealed class CellGlobals
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object?> _shared = new(StringComparer.Ordinal);
    private ICellOutput? _output;

    /// <summary>Cancelled when the user interrupts the running cell: pass it to long operations.</summary>
    public CancellationToken Cancellation { get; internal set; }

    /// <summary>The globals of the cell running in this flow (for helpers a cell calls, such as <c>df.DisplayAsync()</c>).</summary>
    internal static AsyncLocal<CellGlobals?> Current { get; } = new();

    internal ICellOutput Output => _output ?? throw new InvalidOperationException("no cell is running");

    internal void Enter(ICellOutput output, CancellationToken cancellation)
    {
        _output = output;
        Cancellation = cancellation;
        Current.Value = this;
    }

    /// <summary>A value a magic hands to the cells (the session of <c>#!spark-connect</c>) while it declares its variable.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public object? SharedValue(string name) => _shared.TryGetValue(name, out var value) ? value : null;

    internal void Share(string name, object? value)
    {
        if (value is null)
        {
            _shared.TryRemove(name, out _);
        }
        else
        {
            _shared[name] = value;
        }
    }

    /// <summary>Shows <paramref name="value"/> through the product's formatters; the handle updates it in place later.</summary>
#pragma warning disable IDE1006 // Notebook convention: display, html, input are lower case in every .NET notebook.
    public DisplayHandle display(object? value)
    {
        var handle = new DisplayHandle(Output, Cancellation);
        Output.Display(DisplayFormatters.Format(value, Cancellation), handle.DisplayId);
        return handle;
    }

    /// <summary>Shows <paramref name="value"/> as <paramref name="mimeType"/> only (its text, or its formatted form of that type).</summary>
    public DisplayHandle display(object? value, string mimeType)
    {
        var handle = new DisplayHandle(Output, Cancellation);
        var formatted = DisplayFormatters.Format(value, Cancellation);
        var text = value is string s ? s : formatted[mimeType] ?? formatted["text/plain"] ?? "";
        Output.Display(new MimeBundle().With(mimeType, text), handle.DisplayId);
        return handle;
    }

    /// <summary>HTML to display as it is.</summary>
    public HtmlString html(string markup) => new(markup);

    /// <summary>Shows <paramref name="value"/> in the front end's pager.</summary>
    public void page(object? value) => Output.Page(DisplayFormatters.Format(value, Cancellation));

    /// <summary>Clears this cell's output (when the next output arrives, if <paramref name="wait"/>).</summary>
    public void clearOutput(bool wait = false) => Output.ClearOutput(wait);

    /// <summary>Asks the user for a line (the front end shows a prompt).</summary>
    public Task<string> input(string prompt = "", bool password = false) => Output.InputAsync(prompt, password, Cancellation);
#pragma warning restore IDE1006
}

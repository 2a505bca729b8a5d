namespace InteractiveSpark.Jupyter;

/// <summary>
/// Where a running cell sends what it shows: streams, displays (which can be updated later, even after the cell ended),
/// the pager, and input requests. Thread-safe.
/// </summary>
public interface ICellOutput
{
    /// <summary>Text on stdout or stderr.</summary>
    void Stream(string name, string text);

    /// <summary>Shows <paramref name="bundle"/> (display_data); with <paramref name="displayId"/> it can be updated later.</summary>
    void Display(MimeBundle bundle, string? displayId = null);

    /// <summary>Replaces the display <paramref name="displayId"/> wherever it is shown (update_display_data).</summary>
    void UpdateDisplay(MimeBundle bundle, string displayId);

    /// <summary>Shows the cell's result (execute_result, with the execution count).</summary>
    void Result(MimeBundle bundle);

    /// <summary>Clears the cell's output (at once, or when the next output arrives if <paramref name="wait"/>).</summary>
    void ClearOutput(bool wait);

    /// <summary>Shows <paramref name="bundle"/> in the front end's pager (an execute_reply payload).</summary>
    void Page(MimeBundle bundle);

    /// <summary>Asks the user for a line of input (when the front end allows it).</summary>
    Task<string> InputAsync(string prompt, bool password, CancellationToken cancellation);
}

using InteractiveSpark.Jupyter.CSharp;
using InteractiveSpark.Jupyter.Display;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;

#pragma warning disable CA1050 // In the global namespace on purpose: cells call it without a using, as on the extension.
/// <summary><c>await df.DisplayAsync()</c> on the InteractiveSpark kernel, as the extension has it: the first rows of a DataFrame with a progress line, cancelled on the server by an interrupt.</summary>
public static class SparkDisplayExtensions
{
    /// <summary>
    /// Fetches the first <paramref name="rows"/> rows of <paramref name="dataFrame"/> (a limit: nothing more travels) with a
    /// progress line in the cell, and displays them as a table with the schema. Outside a cell it returns them undisplayed.
    /// </summary>
    /// <param name="dataFrame">The DataFrame.</param>
    /// <param name="rows">How many rows to show (default <see cref="DisplayFormatters.DataFrameRows"/>).</param>
    public static async Task<TablePreview?> DisplayAsync(this DataFrame dataFrame, int? rows = null)
    {
        ArgumentNullException.ThrowIfNull(dataFrame);
        var n = rows ?? DisplayFormatters.DataFrameRows;
        if (CellGlobals.Current.Value is not { } cell)
        {
            return await TablePreview.FetchAsync(dataFrame, n).ConfigureAwait(false);
        }

        using var progress = new CellProgress(cell.Output, "spark", TimeSpan.FromSeconds(1));
        TablePreview preview;
        try
        {
            preview = await TablePreview.FetchAsync(dataFrame, n, new ExecutionOptions { Progress = progress }, cell.Cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cell.Cancellation.IsCancellationRequested)
        {
            progress.Finish($"spark: interrupted after {progress.Elapsed}", always: false);
            throw;
        }

        progress.Finish($"spark: done in {progress.Elapsed}", always: false);
        cell.Output.Display(DisplayFormatters.Format(preview, cell.Cancellation));
        return preview;
    }
}

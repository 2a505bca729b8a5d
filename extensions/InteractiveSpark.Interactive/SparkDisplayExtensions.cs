using InteractiveSpark.Interactive;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;

#pragma warning disable CA1050 // In the global namespace on purpose: notebook cells call it without a using.
/// <summary><c>await df.DisplayAsync()</c> (global namespace, so a notebook cell needs no using): displays a DataFrame's first rows with a progress bar, cancellable by an interrupt.</summary>
public static class SparkDisplayExtensions
{
    /// <summary>
    /// Fetches the first <paramref name="rows"/> rows of <paramref name="dataFrame"/> (a limit: nothing more travels) with a
    /// progress bar in the cell, and displays them as a paged table with the schema. Interrupting the kernel cancels the
    /// query on the server. Outside a notebook cell it returns the preview without displaying it.
    /// </summary>
    /// <param name="dataFrame">The DataFrame.</param>
    /// <param name="rows">How many rows to show (default <see cref="SparkFormatters.DisplayRows"/>).</param>
    public static async Task<TablePreview?> DisplayAsync(this DataFrame dataFrame, int? rows = null)
    {
        ArgumentNullException.ThrowIfNull(dataFrame);
        var n = rows ?? SparkFormatters.DisplayRows;
        var context = KernelInvocationContext.Current;
        if (context is null)
        {
            return await TablePreview.FetchAsync(dataFrame, n).ConfigureAwait(false);
        }

        var open = SparkKernelExtension.SessionsOf(context.HandlingKernel ?? Kernel.Root)?.All.FirstOrDefault(s => ReferenceEquals(s.Session, dataFrame.Session));
        var result = await SparkActions.RunAsync(
            context, context.Command, open?.Name ?? "spark", open,
            (options, ct) => TablePreview.FetchAsync(dataFrame, n, options, ct)).ConfigureAwait(false);
        if (result.Value is { } preview)
        {
            context.Display(preview);
        }

        return result.Value;
    }
}

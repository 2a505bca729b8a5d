using System.Runtime.CompilerServices;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The formatters: DataFrames, collected rows, a row, a table preview, the sessions table and progress views render
/// as HTML and text through <see cref="TableRenderer"/>, <see cref="SessionsTable"/> and <see cref="ProgressText"/>.
/// A DataFrame is fetched here (its first <see cref="DisplayRows"/> rows, through a limit), once per cell even though
/// two MIME types are written.
/// </summary>
public static class SparkFormatters
{
    private static readonly Lock Gate = new();
    private static readonly ConditionalWeakTable<DataFrame, FetchedPreview> Previews = new();
    private static bool s_registered;

    /// <summary>How many rows <c>display(df)</c> fetches and shows (default 100).</summary>
    public static int DisplayRows { get; set; } = TablePreview.DefaultRows;

    /// <summary>How tables render (page size, cell width).</summary>
    public static TableRenderOptions Options { get; set; } = TableRenderOptions.Default;

    /// <summary>Registers the formatters (once per process; .NET Interactive's formatters are global).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (s_registered)
            {
                return;
            }

            s_registered = true;
        }

        Both<TablePreview>(p => TableRenderer.ToHtml(p, Options), p => TableRenderer.ToText(p, Options));
        Both<DataFrame>(df => Fetch(df, TableRenderer.ToHtml, html: true), df => Fetch(df, TableRenderer.ToText, html: false));
        Both<Row>(r => TableRenderer.ToHtml(TablePreview.FromRows([r]), Options), r => TableRenderer.ToText(TablePreview.FromRows([r]), Options));
        Both<IReadOnlyList<Row>>(Html, Text);
        Both<List<Row>>(Html, Text);
        Both<Row[]>(Html, Text);
        Both<SparkSessionsView>(v => SessionsTable.ToHtml(v.Sessions, v.Now), v => SessionsTable.ToText(v.Sessions, v.Now));
        Both<SparkProgressView>(
            v => v.Final is null ? ProgressText.ToHtml(v.Label, v.Progress, v.Elapsed) : $"<div style=\"font-size:12px\">{Rendering.Html.Escape(v.Final)}</div>",
            v => v.ToString());

        static string Html(IReadOnlyList<Row> rows) => TableRenderer.ToHtml(TablePreview.FromRows(rows), Options);
        static string Text(IReadOnlyList<Row> rows) => TableRenderer.ToText(TablePreview.FromRows(rows), Options);
    }

    private static void Both<T>(Func<T, string> html, Func<T, string> text)
    {
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), HtmlFormatter.MimeType);
        Formatter.Register<T>((value, writer) => writer.Write(text(value)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    /// <summary>The DataFrame's preview, fetched once per command (the HTML and the text of one display share it).</summary>
    private static string Fetch(DataFrame df, Func<TablePreview, TableRenderOptions?, string> render, bool html)
    {
        var context = KernelInvocationContext.Current;
        var command = context?.Command;
        if (Previews.TryGetValue(df, out var cached) && cached.Command is not null && ReferenceEquals(cached.Command, command))
        {
            return cached.Render(render, html);
        }

        FetchedPreview fetched;
        try
        {
            var preview = Task.Run(() => TablePreview.FetchAsync(df, DisplayRows, null, context?.CancellationToken ?? default)).GetAwaiter().GetResult();
            fetched = new FetchedPreview(command, preview, null);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException)
        {
            fetched = new FetchedPreview(command, null, e is SparkException s ? SparkErrorText.Describe(s) : "cancelled: the Spark operation was interrupted.");
        }

        Previews.AddOrUpdate(df, fetched);
        return fetched.Render(render, html);
    }

    private sealed record FetchedPreview(KernelCommand? Command, TablePreview? Preview, string? Error)
    {
        public string Render(Func<TablePreview, TableRenderOptions?, string> render, bool html) =>
            Preview is not null ? render(Preview, Options) : html ? $"<div>{Rendering.Html.Escape(Error)}</div>" : Error ?? "";
    }
}

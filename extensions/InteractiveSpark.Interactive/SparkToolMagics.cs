using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// <c>#!spark-ui</c> and <c>#!spark-logs</c> on .NET Interactive: declared, parsed and run by kernel/InteractiveSpark.Magics
/// (<see cref="SparkUiMagic"/>, <see cref="SparkLogsMagic"/>); here only how their output reaches the cell.
/// </summary>
internal static class SparkToolMagics
{
    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        IEnumerable<string> Names() => sessions.All.Select(s => s.Name);
        root.AddDirective<SparkUiCommand>(
            MagicDirectives.Create(SparkUiMagic.Name, SparkUiMagic.Description, SparkUiMagic.Options, Names),
            (command, context) => UiAsync(command, context, sessions));
        root.AddDirective<SparkLogsCommand>(
            MagicDirectives.Create(SparkLogsMagic.Name, SparkLogsMagic.Description, SparkLogsMagic.Options, Names),
            (command, context) => LogsAsync(command, context, sessions));
    }

    private static async Task UiAsync(SparkUiCommand command, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        var name = command.Values().Value("--name")?.Trim() ?? "";
        if (sessions.Registry.Find(name) is not { } open)
        {
            context.Fail(command, message: MagicText.NoSuchSession(name, sessions.All.Select(s => s.Name)));
            return;
        }

        try
        {
            var link = await SparkUiMagic.LinkAsync(open, context.CancellationToken).ConfigureAwait(false);
            context.Publish(new DisplayedValueProduced(null, command,
                [new FormattedValue(HtmlFormatter.MimeType, link.Html), new FormattedValue(PlainTextFormatter.MimeType, link.Text)]));
        }
        catch (SparkMagicException e)
        {
            context.Fail(command, message: e.Message);
        }
    }

    private static async Task LogsAsync(SparkLogsCommand command, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        try
        {
            var magic = SparkLogsMagic.Parse(command.Values());
            if (sessions.Registry.Find(magic.Session) is not { } open)
            {
                context.Fail(command, message: MagicText.NoSuchSession(magic.Session, sessions.All.Select(s => s.Name)));
                return;
            }

            var logs = SparkLogsMagic.LogsOf(open);
            if (!magic.Follow)
            {
                var text = await magic.ReadAsync(logs, context.CancellationToken).ConfigureAwait(false);
                context.Publish(new DisplayedValueProduced(null, command, [new FormattedValue(PlainTextFormatter.MimeType, text)]));
                return;
            }

            DisplayedValue? displayed = null;
            await magic.FollowAsync(
                logs,
                text =>
                {
                    if (displayed is null)
                    {
                        displayed = KernelInvocationContextExtensions.Display(context, text, PlainTextFormatter.MimeType);
                    }
                    else
                    {
                        displayed.Update(text);
                    }
                },
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (SparkMagicException e)
        {
            context.Fail(command, message: e.Message);
        }
    }
}

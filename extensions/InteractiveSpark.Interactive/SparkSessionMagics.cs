using InteractiveSpark.Magics;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Records;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary><c>#!spark-stop --name N</c>, bound by .NET Interactive.</summary>
public sealed class SparkStopCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>.</summary>
    public string? Name { get; set; }
}

/// <summary><c>#!spark-sessions [--name N]</c>, bound by .NET Interactive.</summary>
public sealed class SparkSessionsCommand : KernelDirectiveCommand
{
    /// <summary><c>--name</c>: only this session (also the directive's first word: <c>#!spark-sessions dev</c>).</summary>
    public string? Name { get; set; }
}

/// <summary><c>#!spark-sessions</c> and <c>#!spark-stop</c>: declared here, rendered by the formatters.</summary>
internal static class SparkSessionMagics
{
    public const string SessionsName = "#!spark-sessions";
    public const string StopName = "#!spark-stop";

    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        var list = new KernelActionDirective(SessionsName) { Description = "Shows the Spark sessions this notebook opened (name, launcher, where, Spark version, started, idle for, state), and those an earlier kernel left that --attach can take over" };
        // The name is also implicit, so that `#!spark-sessions dev` works and a stray word is an error, not ignored.
        list.Parameters.Add(new KernelDirectiveParameter("--name", "Only this session") { AllowImplicitName = true }.AddCompletions(() => sessions.All.Select(s => s.Name)));
        root.AddDirective<SparkSessionsCommand>(list, async (command, context) =>
        {
            var name = command.Name?.Trim();
            var left = await OpenSparkSession.ListAttachableAsync(SessionRecordStore.Default, sessions.All.Select(s => s.Name), context.CancellationToken)
                .ConfigureAwait(false);
            IReadOnlyList<OpenSparkSession> shown = sessions.All;
            if (!string.IsNullOrEmpty(name))
            {
                left = [.. left.Where(s => s.Record.Name == name)];
                shown = sessions.Registry.Find(name) is { } one ? [one] : [];
                if (shown.Count == 0 && left.Count == 0)
                {
                    context.Fail(command, message: MagicText.NoSuchSession(name, sessions.All.Select(s => s.Name)));
                    return;
                }
            }

            if (shown.Count > 0 || left.Count == 0)
            {
                context.Display(new SparkSessionsView(shown, DateTimeOffset.Now));
            }

            if (left.Count > 0)
            {
                context.Publish(new DisplayedValueProduced(left, command,
                    [new FormattedValue("text/html", AttachableSessionsTable.ToHtml(left)), new FormattedValue("text/plain", AttachableSessionsTable.ToText(left))]));
            }
        });

        var stop = new KernelActionDirective(StopName) { Description = "Stops a Spark session this notebook opened, the server it started for it, and its forks (stopping a fork releases only the fork)" };
        stop.Parameters.Add(new KernelDirectiveParameter("--name", "The session to stop") { Required = true }.AddCompletions(() => sessions.All.Select(s => s.Name)));
        root.AddDirective<SparkStopCommand>(stop, (command, context) => StopAsync(command, context, sessions));
    }

    private static async Task StopAsync(SparkStopCommand command, KernelInvocationContext context, NotebookSparkSessions sessions)
    {
        var name = command.Name?.Trim() ?? "";
        var open = sessions.Registry.Remove(name);
        if (open is null)
        {
            context.Fail(command, message: MagicText.NoSuchSession(name, sessions.All.Select(s => s.Name)));
            return;
        }

        // Its forks run on its driver: they end with it.
        var forks = sessions.Registry.RemoveForks(open);
        var stopped = MagicText.Stopped(open, forks); // before the stop: what the driver owns is read from it
        try
        {
            await open.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Fail(command, message: $"{name}: stopping failed ({e.GetType().Name}: {e.Message}); the server, if any, was killed.");
            return;
        }

        KernelInvocationContextExtensions.Display(context, stopped, "text/plain");
    }
}

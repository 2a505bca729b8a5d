using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;

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
        var list = new KernelActionDirective(SessionsName) { Description = "Shows the Spark sessions this notebook opened: name, launcher, where, Spark version, started, idle for, state" };
        // The name is also implicit, so that `#!spark-sessions dev` works and a stray word is an error, not ignored.
        list.Parameters.Add(new KernelDirectiveParameter("--name", "Only this session") { AllowImplicitName = true }.AddCompletions(() => sessions.All.Select(s => s.Name)));
        root.AddDirective<SparkSessionsCommand>(list, (command, context) =>
        {
            var name = command.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                context.Display(new SparkSessionsView(sessions.All, DateTimeOffset.Now));
            }
            else if (sessions.Registry.Find(name) is { } one)
            {
                context.Display(new SparkSessionsView([one], DateTimeOffset.Now));
            }
            else
            {
                context.Fail(command, message: MagicText.NoSuchSession(name, sessions.All.Select(s => s.Name)));
            }

            return Task.CompletedTask;
        });

        var stop = new KernelActionDirective(StopName) { Description = "Stops a Spark session this notebook opened, and the server it started for it" };
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

        var server = open.Driver.Owned is { } owned ? $"; {owned} stopped" : "";
        try
        {
            await open.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Fail(command, message: $"{name}: stopping failed ({e.GetType().Name}: {e.Message}); the server, if any, was killed.");
            return;
        }

        KernelInvocationContextExtensions.Display(context, $"{name}: stopped (session {open.Session.SessionId} closed{server}).", "text/plain");
    }
}

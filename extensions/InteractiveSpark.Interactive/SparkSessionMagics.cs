using System.Globalization;
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

/// <summary><c>#!spark-sessions</c> (no options).</summary>
public sealed class SparkSessionsCommand : KernelDirectiveCommand;

/// <summary><c>#!spark-sessions</c> and <c>#!spark-stop</c>: declared here, rendered by the formatters.</summary>
internal static class SparkSessionMagics
{
    public const string SessionsName = "#!spark-sessions";
    public const string StopName = "#!spark-stop";

    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        root.AddDirective<SparkSessionsCommand>(
            new KernelActionDirective(SessionsName) { Description = "Shows the Spark sessions this notebook opened: name, launcher, where, Spark version, started, idle for, state" },
            (_, context) =>
            {
                context.Display(new SparkSessionsView(sessions.All, DateTimeOffset.Now));
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
            var names = sessions.All.Select(s => s.Name).ToArray();
            context.Fail(command, message: names.Length == 0
                ? $"No Spark session named '{name}' is open in this notebook (none is open)."
                : $"No Spark session named '{name}' is open in this notebook; open: {string.Join(", ", names)} (see #!spark-sessions).");
            return;
        }

        var server = open.Server is { } s ? $"; local server (process {s.ProcessId.ToString(CultureInfo.InvariantCulture)}) stopped" : "";
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

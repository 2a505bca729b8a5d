using System.CommandLine;
using InteractiveSpark.Sessions.Docker;

namespace InteractiveSpark.Cli;

/// <summary><c>ispark sessions [--stop NAME|ID]</c>: the interactive Docker sessions on this engine, seen from a terminal.</summary>
/// <remarks>Local sessions live inside their notebook kernel (no registry on disk), so only container sessions are listed.</remarks>
internal static class SessionsCommand
{
    public static Command Create()
    {
        var stop = new Option<string?>("--stop") { Description = "Stop a session: remove its driver and worker containers (by session name or id)." };
        var command = new Command("sessions", "List the interactive Spark sessions started by notebooks with --launcher docker (containers labelled ispark.session), or stop one.")
        {
            stop,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var containers = await DockerSparkContainers.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var sessions = containers.GroupBy(c => c.SessionId).Select(g => new
                {
                    Id = g.Key,
                    Name = g.First().SessionName,
                    Driver = g.FirstOrDefault(c => c.Role == "driver"),
                    Workers = g.Count(c => c.Role == "worker"),
                    Owner = g.First().Owner,
                    Created = g.Min(c => c.Created),
                }).OrderByDescending(s => s.Created).ToList();
                if (parse.GetValue(stop) is { } target)
                {
                    var matches = sessions.Where(s => s.Id == target || s.Name == target).ToList();
                    if (matches.Count != 1)
                    {
                        Console.Error.WriteLine(matches.Count == 0
                            ? $"ispark sessions: no session '{target}' (ispark sessions lists them)."
                            : $"ispark sessions: '{target}' names {matches.Count} sessions ({string.Join(", ", matches.Select(m => m.Id))}): give the id.");
                        return ExitCodes.BadInput;
                    }

                    var removed = await DockerSparkContainers.RemoveAsync(
                        new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = matches[0].Id }, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"ispark sessions: stopped session {matches[0].Name} ({matches[0].Id}): removed {removed} container(s).");
                    return ExitCodes.Ok;
                }

                if (sessions.Count == 0)
                {
                    Console.Out.WriteLine("No sessions.");
                    return ExitCodes.Ok;
                }

                Console.Out.Write(TextTable.Render(
                    ["NAME", "SESSION", "STATE", "WORKERS", "STARTED", "OWNER", "DRIVER CONTAINER"],
                    sessions.Select(s => (IReadOnlyList<string>)[s.Name, s.Id, s.Driver?.State ?? "(no driver)", s.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture), TextTable.Ago(s.Created), s.Owner, s.Driver?.Name ?? ""])));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or Docker.DotNet.DockerApiException or IOException or TimeoutException)
            {
                Console.Error.WriteLine($"ispark sessions: cannot reach the Docker engine: {e.Message}. Is dockerd running? Set DOCKER_HOST for another engine.");
                return ExitCodes.KernelFailed;
            }
        });
        return command;
    }
}

using System.CommandLine;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Cli;

/// <summary>
/// <c>ispark sessions [--stop NAME|ID] [--prune [--marathon URL --group G --all-owners]]</c>: the interactive Docker
/// sessions on this engine, seen from a terminal, and the broom for sessions whose driver has ended.
/// </summary>
/// <remarks>
/// First the sessions recorded on this PC whose kernel is gone (any launcher: what a new kernel can attach to), then
/// the Docker engine's session containers.
/// </remarks>
internal static class SessionsCommand
{
    public static Command Create()
    {
        var stop = new Option<string?>("--stop") { Description = "Stop a session: remove its driver and worker containers (by session name or id)." };
        var prune = new Option<bool>("--prune")
        {
            Description = "Remove what ended sessions left: Docker containers of sessions whose driver no longer runs; with --marathon, the groups of sessions whose driver ended and was relaunched by Marathon (run it on a timer, e.g. every minute).",
        };
        var marathon = new Option<string?>("--marathon") { Description = "With --prune: the Marathon to sweep, e.g. http://marathon.mesos:8080. Default: ISPARK_MARATHON_URL. Credentials: ISPARK_MARATHON_* variables." };
        var group = new Option<string>("--group") { Description = "With --prune --marathon: the Marathon group the sessions were started under.", DefaultValueFactory = _ => "ispark" };
        var allOwners = new Option<bool>("--all-owners") { Description = "With --prune --marathon: every owner's ended sessions, not only this user's (for an operator)." };
        var command = new Command("sessions", "List the interactive Spark sessions started by notebooks with --launcher docker (containers labelled ispark.session), stop one, or prune ended ones (Docker, Marathon).")
        {
            stop, prune, marathon, group, allOwners,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(prune))
            {
                return await PruneAsync(parse.GetValue(marathon) ?? Environment.GetEnvironmentVariable("ISPARK_MARATHON_URL"), parse.GetValue(group)!, parse.GetValue(allOwners), cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(marathon) is not null || parse.GetValue(allOwners))
            {
                Console.Error.WriteLine("ispark sessions: --marathon and --all-owners go with --prune.");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(stop) is null)
            {
                await AttachableSessionsView.WriteAsync(Console.Out, cancellationToken).ConfigureAwait(false);
            }

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
                            ? $"ispark sessions: no session '{CliText.Clip(target)}' (ispark sessions lists them)."
                            : $"ispark sessions: '{CliText.Clip(target)}' names {matches.Count} sessions ({string.Join(", ", matches.Select(m => m.Id))}): give the id.");
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

    /// <summary>Removes the Docker containers of sessions whose driver no longer runs, and with a Marathon the groups of ended sessions there.</summary>
    private static async Task<int> PruneAsync(string? marathonUrl, string group, bool allOwners, CancellationToken cancellationToken)
    {
        MarathonSparkLauncher? sweep = null;
        if (!string.IsNullOrWhiteSpace(marathonUrl))
        {
            if (!Uri.TryCreate(marathonUrl, UriKind.Absolute, out var url))
            {
                Console.Error.WriteLine($"ispark sessions: --marathon '{CliText.Clip(marathonUrl)}' is not a URL; give Marathon's address, e.g. http://marathon.mesos:8080.");
                return ExitCodes.BadInput;
            }

            try
            {
                sweep = new MarathonSparkLauncher(new MarathonSparkLauncherOptions { Marathon = url, Group = group, LoggerFactory = CliLog.Factory });
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"ispark sessions: {CliText.Clip(e.Message.Split(" (Parameter", 2)[0], 300)}");
                return ExitCodes.BadInput;
            }
        }

        try
        {
            // Docker: a session whose driver container is gone or stopped (its workers wait for a master that is not there).
            var containers = await DockerSparkContainers.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            // A session started in the last two minutes may still be creating its driver: left alone.
            var settled = DateTimeOffset.UtcNow.AddMinutes(-2);
            var ended = containers.GroupBy(c => c.SessionId)
                .Where(g => !g.Any(c => c.Role == "driver" && c.State == "running") && g.All(c => c.Created is null || c.Created < settled))
                .Select(g => g.Key).ToList();
            var removed = 0;
            foreach (var session in ended)
            {
                removed += await DockerSparkContainers.RemoveAsync(
                    new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = session }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            Console.Error.WriteLine($"ispark sessions: Docker: removed {removed} container(s) of {ended.Count} ended session(s).");
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or Docker.DotNet.DockerApiException or IOException or TimeoutException)
        {
            Console.Error.WriteLine($"ispark sessions: cannot reach the Docker engine: {e.Message}. Is dockerd running? Set DOCKER_HOST for another engine.");
            return ExitCodes.KernelFailed;
        }

        if (sweep is null)
        {
            return ExitCodes.Ok;
        }

        try
        {
            var groups = await sweep.RemoveEndedSessionsAsync(allOwners, cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"ispark sessions: Marathon {sweep.Options.Marathon.GetLeftPart(UriPartial.Authority)}: removed {groups.Count} ended session group(s){(groups.Count > 0 ? ": " + string.Join(", ", groups) : "")}.");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is MarathonException or HttpRequestException or TimeoutException or ArgumentException)
        {
            Console.Error.WriteLine($"ispark sessions: Marathon: {CliText.Clip(e.Message, 400)}");
            return e is ArgumentException ? ExitCodes.BadInput : ExitCodes.KernelFailed;
        }
    }
}

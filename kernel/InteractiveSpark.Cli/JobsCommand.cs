using System.CommandLine;
using InteractiveSpark.Jobs.Docker;

namespace InteractiveSpark.Cli;

/// <summary><c>ispark jobs [--collect JOB -o DIR] [--remove JOB] [--prune]</c> and <c>ispark logs JOB [--follow] [--tail N]</c>.</summary>
internal static class JobsCommand
{
    public static Command CreateJobs()
    {
        var collect = new Option<string?>("--collect") { Description = "Wait for this job, bring back its notebook and logs (to -o), remove its container." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Folder for --collect. Default: ./ispark-jobs/JOB." };
        var remove = new Option<string?>("--remove") { Description = "Remove this job's container (killed first if it runs)." };
        var prune = new Option<bool>("--prune") { Description = "Remove the containers of every job that has ended." };
        var command = new Command("jobs", "List the running and recent jobs (Docker containers labelled ispark.job), newest first; or collect, remove, prune them.")
        {
            collect, output, remove, prune,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (parse.GetValue(collect) is { } job)
                {
                    var folder = parse.GetValue(output)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "ispark-jobs", job);
                    var result = await new DockerJobLauncher(new DockerJobOptions()).CollectAsync(job, folder, null, cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"ispark jobs: job {result.JobId} ended with exit code {result.ExitCode}; executed notebook: {result.OutputNotebook ?? "(none written)"}; log: {result.LogFile}; container removed.");
                    return (int)(result.ExitCode ?? ExitCodes.KernelFailed);
                }

                if (parse.GetValue(remove) is { } removed)
                {
                    var gone = await DockerJobs.RemoveAsync(removed, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine(gone ? $"ispark jobs: removed job {removed}." : $"ispark jobs: no job '{removed}'.");
                    return gone ? ExitCodes.Ok : ExitCodes.BadInput;
                }

                if (parse.GetValue(prune))
                {
                    var count = await DockerJobs.PruneAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"ispark jobs: removed {count} ended job(s).");
                    return ExitCodes.Ok;
                }

                var jobs = await DockerJobs.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (jobs.Count == 0)
                {
                    Console.Out.WriteLine("No jobs.");
                    return ExitCodes.Ok;
                }

                Console.Out.Write(TextTable.Render(
                    ["JOB", "NAME", "NOTEBOOK", "STATE", "EXIT", "SUBMITTED", "OWNER", "CONTAINER"],
                    jobs.Select(j => (IReadOnlyList<string>)[j.Id, j.Name, j.Notebook, j.State, j.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", TextTable.Ago(j.Created), j.Owner, j.ContainerName])));
                return ExitCodes.Ok;
            }
            catch (DockerJobException e)
            {
                Console.Error.WriteLine($"ispark jobs: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or Docker.DotNet.DockerApiException or IOException or TimeoutException)
            {
                Console.Error.WriteLine($"ispark jobs: cannot reach the Docker engine: {e.Message}. Is dockerd running? Set DOCKER_HOST for another engine.");
                return ExitCodes.KernelFailed;
            }
        });
        return command;
    }

    public static Command CreateLogs()
    {
        var job = new Argument<string>("job") { Description = "The job id (or a unique prefix, or its container name)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep writing new lines until the job ends." };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines." };
        var command = new Command("logs", "Show a job's output: ispark run's progress per cell and its result line.") { job, follow, tail };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await DockerJobs.WriteLogsAsync(parse.GetValue(job)!, Console.Out, parse.GetValue(tail), parse.GetValue(follow), cancellationToken: cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (DockerJobException e)
            {
                Console.Error.WriteLine($"ispark logs: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or Docker.DotNet.DockerApiException or IOException or TimeoutException)
            {
                Console.Error.WriteLine($"ispark logs: cannot reach the Docker engine: {e.Message}. Is dockerd running? Set DOCKER_HOST for another engine.");
                return ExitCodes.KernelFailed;
            }
        });
        return command;
    }
}

using System.CommandLine;
using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Jobs.Marathon;
using InteractiveSpark.Sessions.Marathon;

namespace InteractiveSpark.Cli;

/// <summary>
/// <c>ispark jobs [--marathon URL] [--collect JOB -o DIR] [--remove JOB] [--prune]</c> and <c>ispark logs JOB [--follow] [--tail N]</c>.
/// A job this machine submitted to Marathon has a <see cref="MarathonJobRecord"/> here (its token): logs and collect go to its task;
/// every other job is a Docker container.
/// </summary>
internal static class JobsCommand
{
    public static Command CreateJobs()
    {
        var collect = new Option<string?>("--collect") { Description = "Wait for this job, bring back its notebook and logs (to -o), remove its container." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Folder for --collect. Default: ./ispark-jobs/JOB." };
        var remove = new Option<string?>("--remove") { Description = "Remove this job's container (killed first if it runs)." };
        var prune = new Option<bool>("--prune") { Description = "Remove every job that has ended, results not collected: Docker job containers that exited, and with --marathon the jobs this machine submitted that ended or were lost (their groups and records)." };
        var marathon = new Option<string?>("--marathon") { Description = "Also list (and --remove) the jobs on this Marathon, e.g. http://marathon.mesos:8080. Default: ISPARK_MARATHON_URL." };
        var command = new Command("jobs", "List the running and recent jobs (Docker containers labelled ispark.job, and with --marathon the Marathon apps labelled ispark.role=job), newest first; or collect, remove, prune them.")
        {
            collect, output, remove, prune, marathon,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var marathonUrl = parse.GetValue(marathon) ?? Environment.GetEnvironmentVariable("ISPARK_MARATHON_URL");
            try
            {
                if (parse.GetValue(collect) is { } collected && MarathonJobRecord.Find(collected) is { } record)
                {
                    var into = parse.GetValue(output)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "ispark-jobs", record.JobId);
                    MarathonJobResult done;
                    try
                    {
                        done = await new MarathonJobLauncher(new MarathonJobOptions { Marathon = record.Marathon })
                            .CollectAsync(record, into, null, cancellationToken).ConfigureAwait(false);
                    }
                    catch (MarathonJobException e)
                    {
                        // The job's task was lost, restarted or did not end in time: the job did not run to its end (as submit's 4).
                        Console.Error.WriteLine($"ispark jobs: {e.Message}");
                        return ExitCodes.KernelFailed;
                    }

                    Console.Error.WriteLine($"ispark jobs: job {done.JobId} ended with exit code {done.ExitCode}; executed notebook: {done.OutputNotebook ?? "(none written)"}; log: {done.LogFile ?? "(none)"}; Marathon group removed.");
                    return done.ExitCode ?? ExitCodes.KernelFailed;
                }

                if (parse.GetValue(remove) is { } removedJob && (MarathonJobRecord.Find(removedJob) is not null || !string.IsNullOrEmpty(marathonUrl)))
                {
                    var url = MarathonJobRecord.Find(removedJob)?.Marathon ?? new Uri(marathonUrl!);
                    using var client = new MarathonClient(url, MarathonCredentials.FromEnvironment());
                    if (await MarathonJobs.RemoveAsync(client, removedJob, console: Console.Error, cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        Console.Error.WriteLine($"ispark jobs: removed job {removedJob} (its Marathon group).");
                        return ExitCodes.Ok;
                    }
                }

                if (parse.GetValue(collect) is { } job)
                {
                    var folder = parse.GetValue(output)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "ispark-jobs", job);
                    var result = await new DockerJobLauncher(new DockerJobOptions { LoggerFactory = CliLog.Factory }).CollectAsync(job, folder, null, cancellationToken).ConfigureAwait(false);
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
                    var count = 0;
                    if (!string.IsNullOrEmpty(marathonUrl))
                    {
                        using var client = new MarathonClient(new Uri(marathonUrl), MarathonCredentials.FromEnvironment());
                        count += await MarathonJobs.PruneAsync(client, null, Console.Error, cancellationToken).ConfigureAwait(false);
                    }

                    try
                    {
                        count += await DockerJobs.PruneAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (DockerMissing(e, marathonUrl))
                    {
                        SayMarathonOnly(e);
                    }

                    Console.Error.WriteLine($"ispark jobs: removed {count} ended job(s).");
                    return ExitCodes.Ok;
                }

                var rows = new List<(DateTimeOffset? Created, IReadOnlyList<string> Row)>();
                if (!string.IsNullOrEmpty(marathonUrl))
                {
                    using var client = new MarathonClient(new Uri(marathonUrl), MarathonCredentials.FromEnvironment());
                    rows.AddRange((await MarathonJobs.ListAsync(client, cancellationToken: cancellationToken).ConfigureAwait(false)).Select(j =>
                        (j.Created, (IReadOnlyList<string>)[j.Id, j.Name, j.Notebook, j.State, Code(j.ExitCode), TextTable.Ago(j.Created), j.Owner, "marathon:" + j.GroupId])));
                }

                try
                {
                    rows.AddRange((await DockerJobs.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Select(j =>
                        (j.Created, (IReadOnlyList<string>)[j.Id, j.Name, j.Notebook, j.State, Code(j.ExitCode), TextTable.Ago(j.Created), j.Owner, j.ContainerName])));
                }
                catch (Exception e) when (DockerMissing(e, marathonUrl))
                {
                    SayMarathonOnly(e);
                }

                if (rows.Count == 0)
                {
                    Console.Out.WriteLine("No jobs.");
                    return ExitCodes.Ok;
                }

                Console.Out.Write(TextTable.Render(
                    ["JOB", "NAME", "NOTEBOOK", "STATE", "EXIT", "SUBMITTED", "OWNER", "CONTAINER"],
                    rows.OrderByDescending(r => r.Created).Select(r => r.Row)));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is DockerJobException or MarathonJobException or ArgumentException or UriFormatException)
            {
                Console.Error.WriteLine($"ispark jobs: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (MarathonException e)
            {
                Console.Error.WriteLine($"ispark jobs: {e.Message}");
                return ExitCodes.KernelFailed;
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
        var command = new Command("logs", "Show a job's output: ispark run's progress per cell and its result line (a Marathon job submitted from this machine: from its task, over TLS).") { job, follow, tail };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (MarathonJobRecord.Find(parse.GetValue(job)!) is { } record)
                {
                    await MarathonJobLauncher.WriteLogsAsync(record, Console.Out, parse.GetValue(tail), parse.GetValue(follow), cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await DockerJobs.WriteLogsAsync(parse.GetValue(job)!, Console.Out, parse.GetValue(tail), parse.GetValue(follow), cancellationToken: cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (HttpRequestException e) when (MarathonJobRecord.Find(parse.GetValue(job)!) is not null)
            {
                Console.Error.WriteLine($"ispark logs: the job's Marathon task does not answer ({e.Message}): it ended, was restarted or removed (`ispark jobs --collect` says which).");
                return ExitCodes.KernelFailed;
            }
            catch (Exception e) when (e is DockerJobException or MarathonJobException)
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

    /// <summary>No Docker engine answered, and Marathon was asked for too: then the Marathon jobs alone are the answer.</summary>
    private static bool DockerMissing(Exception e, string? marathonUrl) =>
        !string.IsNullOrEmpty(marathonUrl) && e is HttpRequestException or System.Net.Sockets.SocketException or IOException or TimeoutException;

    private static void SayMarathonOnly(Exception e) => Console.Error.WriteLine($"ispark jobs: no Docker engine here ({e.Message}): Marathon jobs only.");

    private static string Code(long? exitCode) => exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

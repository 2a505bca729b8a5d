using System.CommandLine;
using System.Globalization;
using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Jobs.Marathon;
using InteractiveSpark.Jobs.Notebooks;

namespace InteractiveSpark.Cli;

/// <summary><c>ispark submit NOTEBOOK --launcher docker|marathon [-p name=value]... [--detach] [-o DIR] ...</c>.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var notebook = new Argument<FileInfo>("notebook") { Description = "The notebook to run as a job: .ipynb or .dib." };
        var launcher = new Option<string>("--launcher") { Description = "Where the job runs: docker (a container of the job image on this Docker engine) or marathon (an app of the job image in a Mesos cluster; --marathon).", Required = true };
        launcher.AcceptOnlyFromAmong("docker", "marathon");
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "A parameter, name=value (repeatable), as ispark run takes it. docker: on the container's command line (not for secrets); marathon: injected here and uploaded with the notebook over TLS, never in the app definition.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Folder for what the job brings back (executed notebook, job log, kernel log). Default: ./ispark-jobs/JOB." };
        var detach = new Option<bool>("--detach", "-d") { Description = "Return once the job started; collect it later with `ispark jobs --collect JOB`." };
        var image = new Option<string?>("--image") { Description = $"The job image. Default: ISPARK_JOB_IMAGE, else {DockerJobOptions.DefaultImage} (docker/build-job-image)." };
        var name = new Option<string?>("--name") { Description = "The job's name (default: the notebook's file name)." };
        var prefix = new Option<string>("--prefix") { Description = "Prefix of the container name and label, e.g. staging-analytics.", DefaultValueFactory = _ => "ispark" };
        var cpus = new Option<double?>("--cpus") { Description = "CPUs of the job's container." };
        var memory = new Option<string?>("--memory") { Description = "Memory of the job's container, e.g. 4g." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds one cell may run (ispark run --timeout)." };
        var jobTimeout = new Option<double>("--job-timeout") { Description = "Seconds the whole job may run before it is killed.", DefaultValueFactory = _ => 3600 };
        var sparkMaster = new Option<string>("--spark-master") { Description = "The master of the job's own Spark.", DefaultValueFactory = _ => "local[2]" };
        var sparkMemory = new Option<string>("--spark-driver-memory") { Description = "The driver heap of the job's own Spark.", DefaultValueFactory = _ => "1g" };
        var marathon = new Option<string?>("--marathon") { Description = "marathon: Marathon's address, e.g. http://marathon.mesos:8080. Default: ISPARK_MARATHON_URL. Credentials: ISPARK_MARATHON_USER + ISPARK_MARATHON_PASSWORD(_FILE), or ISPARK_MARATHON_TOKEN(_FILE)." };
        var group = new Option<string>("--group") { Description = "marathon: the group jobs go in (each job is a group /GROUP/NAME-job-ID).", DefaultValueFactory = _ => "ispark-jobs" };
        var constraints = new Option<string[]>("--constraint") { Description = "marathon: a constraint field:OPERATOR[:value], e.g. hostname:UNIQUE (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var labels = new Option<string[]>("--label") { Description = "A label key=value on the job's container or app (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var startupTimeout = new Option<double>("--startup-timeout") { Description = "marathon: seconds Marathon may take to run the task and its gateway to answer.", DefaultValueFactory = _ => 300 };
        var kernel = new Option<string>("--kernel")
        {
            Description = $"The kernel the job's cells run on: interactivespark (this tool's own Jupyter kernel; the default) or dotnet-interactive (the old path: needs a job image with the tool, which docker/build-job-image --with-dotnet-interactive builds as {DockerJobOptions.DefaultImage}-dotnet-interactive; pass it with --image).",
            DefaultValueFactory = _ => "interactivespark",
        };
        kernel.AcceptOnlyFromAmong("dotnet-interactive", "interactivespark");
        var jobHost = new Option<string?>("--job-host") { Description = "marathon: the address of the task's agent when its name (Marathon's task host) does not resolve here." };
        var command = new Command("submit", "Run a notebook as a containerised job in the cluster, with a Spark of its own; wait for it (or --detach), bring back the executed notebook and the logs, remove the container. Exit code: the job's (as ispark run's), 2 bad input, 4 the job did not start.")
        {
            notebook, launcher, parameters, output, detach, image, name, prefix, cpus, memory, timeout, jobTimeout, sparkMaster, sparkMemory,
            marathon, group, constraints, labels, startupTimeout, jobHost, kernel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = Console.Error;
            var input = parse.GetValue(notebook)!;
            if (!input.Exists)
            {
                console.WriteLine($"ispark submit: no notebook at {input.FullName}.");
                return ExitCodes.BadInput;
            }

            IReadOnlyList<KeyValuePair<string, string>> pairs;
            try
            {
                pairs = NotebookParameters.ParsePairs(parse.GetValue(parameters) ?? []);

                // Checked here against the defaults, so that a bad value fails before a container starts.
                NotebookParameters.Inject(await Notebook.LoadAsync(input.FullName, cancellationToken).ConfigureAwait(false), pairs);
            }
            catch (Exception e) when (e is ArgumentException or NotebookFormatException)
            {
                console.WriteLine($"ispark submit: {e.Message}");
                return ExitCodes.BadInput;
            }

            IReadOnlyDictionary<string, string> labelPairs;
            TimeSpan jobTimeoutValue;
            try
            {
                labelPairs = ParseLabels(parse.GetValue(labels) ?? []);
                jobTimeoutValue = Seconds(parse.GetValue(jobTimeout), "--job-timeout");
            }
            catch (ArgumentException e)
            {
                console.WriteLine($"ispark submit: {e.Message}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(launcher) == "marathon")
            {
                MarathonJobLauncher marathonLauncher;
                try
                {
                    var url = parse.GetValue(marathon) ?? Environment.GetEnvironmentVariable("ISPARK_MARATHON_URL");
                    if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var marathonUri))
                    {
                        console.WriteLine("ispark submit: --launcher marathon needs Marathon's address: --marathon http://marathon.mesos:8080, or ISPARK_MARATHON_URL.");
                        return ExitCodes.BadInput;
                    }

                    marathonLauncher = new MarathonJobLauncher(new MarathonJobOptions
                    {
                        Marathon = marathonUri,
                        Group = parse.GetValue(group)!,
                        Image = parse.GetValue(image) ?? new MarathonJobOptions { Marathon = marathonUri }.Image,
                        Name = parse.GetValue(name),
                        Parameters = pairs,
                        Cpus = parse.GetValue(cpus) ?? 1,
                        Memory = parse.GetValue(memory) ?? "4g",
                        CellTimeout = parse.GetValue(timeout) is { } ct ? TimeSpan.FromSeconds(ct) : null,
                        JobTimeout = jobTimeoutValue,
                        StartupTimeout = Seconds(parse.GetValue(startupTimeout), "--startup-timeout"),
                        SparkMaster = parse.GetValue(sparkMaster)!,
                        DriverMemory = parse.GetValue(sparkMemory)!,
                        Constraints = (parse.GetValue(constraints) ?? []).Select(c => (IReadOnlyList<string>)c.Split(':')).ToList(),
                        Labels = labelPairs,
                        JobHost = parse.GetValue(jobHost),
                        Kernel = parse.GetValue(kernel)!,
                    });
                }
                catch (ArgumentException e)
                {
                    console.WriteLine($"ispark submit: {e.Message}");
                    return ExitCodes.BadInput;
                }

                return await SubmitToMarathonAsync(marathonLauncher, input.FullName, parse.GetValue(output)?.FullName, parse.GetValue(detach), console, cancellationToken).ConfigureAwait(false);
            }

            var options = new DockerJobOptions
            {
                Labels = labelPairs,
                Image = parse.GetValue(image) ?? new DockerJobOptions().Image,
                Name = parse.GetValue(name),
                NamePrefix = parse.GetValue(prefix)!,
                Parameters = pairs,
                Cpus = parse.GetValue(cpus),
                Memory = parse.GetValue(memory),
                CellTimeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
                JobTimeout = jobTimeoutValue,
                SparkMaster = parse.GetValue(sparkMaster)!,
                DriverMemory = parse.GetValue(sparkMemory)!,
                Kernel = parse.GetValue(kernel)!,
                LoggerFactory = CliLog.Factory,
            };
            DockerJobLauncher launcherInstance;
            try
            {
                launcherInstance = new DockerJobLauncher(options);
            }
            catch (ArgumentException e)
            {
                console.WriteLine($"ispark submit: {e.Message}");
                return ExitCodes.BadInput;
            }

            try
            {
                var result = await launcherInstance.SubmitAsync(input.FullName, parse.GetValue(output)?.FullName, console, parse.GetValue(detach), cancellationToken).ConfigureAwait(false);
                return Report(console, result.JobId, result.ContainerName, result.ExitCode, result.OutputNotebook, result.LogFile, result.Duration, "container removed", "");
            }
            catch (DockerJobException e)
            {
                console.WriteLine($"ispark submit: {e.Message}");
                return ExitCodes.KernelFailed;
            }
            catch (OperationCanceledException)
            {
                console.WriteLine("ispark submit: cancelled; the job's container was removed.");
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    private static async Task<int> SubmitToMarathonAsync(
        MarathonJobLauncher launcher, string notebook, string? output, bool detach, TextWriter console, CancellationToken cancellationToken)
    {
        try
        {
            var result = await launcher.SubmitAsync(notebook, output, console, detach, cancellationToken).ConfigureAwait(false);
            return Report(console, result.JobId, result.GroupId, result.ExitCode, result.OutputNotebook, result.LogFile, result.Duration, "Marathon group removed",
                $" Its token stays in {MarathonJobRecord.DefaultFolder} (readable by you only).");
        }
        catch (MarathonJobException e)
        {
            console.WriteLine($"ispark submit: {e.Message}");
            return ExitCodes.KernelFailed;
        }
        catch (ArgumentException e)
        {
            console.WriteLine($"ispark submit: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            console.WriteLine("ispark submit: cancelled."); // the launcher said what became of the job's group
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>The result lines of a job (detached: its id on stdout for scripts, how to follow it on stderr); returns the exit code.</summary>
    private static int Report(
        TextWriter console, string jobId, string where, long? exitCode, string? notebook, string? log, TimeSpan duration, string removed, string detachedNote)
    {
        if (exitCode is not { } code)
        {
            Console.Out.WriteLine(jobId);
            console.WriteLine($"ispark submit: job {jobId} started ({where}). Follow it with `ispark logs {jobId} --follow`; collect it with `ispark jobs --collect {jobId} -o DIR`.{detachedNote}");
            return ExitCodes.Ok;
        }

        var seconds = duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        console.WriteLine(code == 0
            ? $"ispark submit: job {jobId} completed in {seconds} s; executed notebook: {notebook}; log: {log}; {removed}."
            : $"ispark submit: job {jobId} failed (exit code {code}) after {seconds} s; executed notebook: {notebook ?? "(none written)"}; log: {log ?? "(none)"}; {removed}.");
        return (int)code;
    }

    /// <summary>Seconds as a TimeSpan, refusing NaN, infinities and values TimeSpan cannot hold with one clear message.</summary>
    private static TimeSpan Seconds(double value, string name) =>
        double.IsFinite(value) && value is > 0 and <= 30 * 86400
            ? TimeSpan.FromSeconds(value)
            : throw new ArgumentException($"{name} must be a positive number of seconds (at most 30 days).");

    /// <summary>key=value pairs of --label.</summary>
    internal static IReadOnlyDictionary<string, string> ParseLabels(IEnumerable<string> pairs)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--label {(pair.Length > 64 ? pair[..64] + "…" : pair)}: expected key=value.");
            }

            labels[pair[..equals]] = pair[(equals + 1)..];
        }

        return labels;
    }
}

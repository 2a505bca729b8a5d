using System.CommandLine;
using System.Globalization;
using InteractiveSpark.Jobs.Docker;
using InteractiveSpark.Jobs.Notebooks;

namespace InteractiveSpark.Cli;

/// <summary><c>ispark submit NOTEBOOK --launcher docker [-p name=value]... [--detach] [-o DIR] ...</c>.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var notebook = new Argument<FileInfo>("notebook") { Description = "The notebook to run as a job: .ipynb or .dib." };
        var launcher = new Option<string>("--launcher") { Description = "Where the job runs: docker (a container of the job image). marathon: not available yet.", Required = true };
        launcher.AcceptOnlyFromAmong("docker", "marathon");
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "A parameter, name=value (repeatable), as ispark run takes it. Not for secrets: parameters are in the container's command line.", Arity = ArgumentArity.ZeroOrMore };
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
        var command = new Command("submit", "Run a notebook as a containerised job in the cluster, with a Spark of its own; wait for it (or --detach), bring back the executed notebook and the logs, remove the container. Exit code: the job's (as ispark run's), 2 bad input, 4 the job did not start.")
        {
            notebook, launcher, parameters, output, detach, image, name, prefix, cpus, memory, timeout, jobTimeout, sparkMaster, sparkMemory,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = Console.Error;
            var input = parse.GetValue(notebook)!;
            if (parse.GetValue(launcher) == "marathon")
            {
                console.WriteLine("ispark submit: --launcher marathon is not available yet (the Marathon launcher has not landed in this build); use --launcher docker.");
                return ExitCodes.BadInput;
            }

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

            var options = new DockerJobOptions
            {
                Image = parse.GetValue(image) ?? new DockerJobOptions().Image,
                Name = parse.GetValue(name),
                NamePrefix = parse.GetValue(prefix)!,
                Parameters = pairs,
                Cpus = parse.GetValue(cpus),
                Memory = parse.GetValue(memory),
                CellTimeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
                JobTimeout = TimeSpan.FromSeconds(parse.GetValue(jobTimeout)),
                SparkMaster = parse.GetValue(sparkMaster)!,
                DriverMemory = parse.GetValue(sparkMemory)!,
            };
            var launcherInstance = new DockerJobLauncher(options);
            try
            {
                var result = await launcherInstance.SubmitAsync(input.FullName, parse.GetValue(output)?.FullName, console, parse.GetValue(detach), cancellationToken).ConfigureAwait(false);
                if (result.ExitCode is not { } exitCode)
                {
                    Console.Out.WriteLine(result.JobId);
                    console.WriteLine($"ispark submit: job {result.JobId} started ({result.ContainerName}). Follow it with `ispark logs {result.JobId} --follow`; collect it with `ispark jobs --collect {result.JobId} -o DIR`.");
                    return ExitCodes.Ok;
                }

                var seconds = result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                console.WriteLine(exitCode == 0
                    ? $"ispark submit: job {result.JobId} completed in {seconds} s; executed notebook: {result.OutputNotebook}; log: {result.LogFile}; container removed."
                    : $"ispark submit: job {result.JobId} failed (exit code {exitCode}) after {seconds} s; executed notebook: {result.OutputNotebook ?? "(none written)"}; log: {result.LogFile}; container removed.");
                return (int)exitCode;
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
}

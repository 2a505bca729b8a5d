using System.CommandLine;
using InteractiveSpark.Cli;

// ispark: notebooks as jobs. Each command is one file (RunCommand.cs, ...); exit codes are in ExitCodes.
var root = new RootCommand("ispark: run InteractiveSpark notebooks headless or as containerised jobs, and list jobs and sessions.")
{
    RunCommand.Create(),
    SubmitCommand.Create(),
    JobsCommand.CreateJobs(),
    JobsCommand.CreateLogs(),
    SessionsCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

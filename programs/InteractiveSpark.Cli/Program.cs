using InteractiveSpark.Cli;

// ispark: notebooks as jobs. IsparkCli parses and runs; each command is one file (RunCommand.cs, ...); exit codes are in ExitCodes.
return await IsparkCli.RunAsync(args).ConfigureAwait(false);

using System.CommandLine;
using System.CommandLine.Parsing;

namespace InteractiveSpark.Cli;

/// <summary>
/// The <c>ispark</c> command line: parses, runs one command, and answers every mistake with one line on stderr and
/// exit code 2. Owns the invocation's product log (<see cref="CliLog"/>).
/// </summary>
internal static class IsparkCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRoot() => new("ispark: run InteractiveSpark notebooks headless or as containerised jobs, and list jobs and sessions.")
    {
        RunCommand.Create(),
        SubmitCommand.Create(),
        JobsCommand.CreateJobs(),
        JobsCommand.CreateLogs(),
        SessionsCommand.Create(),
        KernelCommand.Create(),
    };

    /// <summary>Runs ispark with <paramref name="args"/> as <c>Main</c> would (Console.Error and Console.Out as they are now); returns the exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">Where the log settings (<c>ISPARK_LOG_*</c>) come from; null: the process environment.</param>
    public static async Task<int> RunAsync(string[] args, Func<string, string?>? environment = null)
    {
        await using var log = CliLog.Open(environment);
        var stderr = Console.Error;
        Console.SetError(log.Tee(stderr));
        try
        {
            if (log.Problem is not null)
            {
                Console.Error.WriteLine(log.Problem);
            }

            // System.CommandLine throws on a NUL in a path (it converts FileInfo while parsing). A process cannot even be
            // given one, but a caller of this method can: refused like every other bad input.
            if (Array.FindIndex(args, a => a.Contains('\0', StringComparison.Ordinal)) is var nul and >= 0)
            {
                log.Started("ispark", args);
                Console.Error.WriteLine($"ispark: argument {(nul + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)} ('{CliText.Clip(args[nul])}') holds a NUL character.");
                log.Ended(ExitCodes.BadInput);
                return ExitCodes.BadInput;
            }

            var root = CreateRoot();
            var parse = root.Parse(args);
            var command = parse.CommandResult.Command == root ? "ispark" : "ispark " + parse.CommandResult.Command.Name;
            log.Started(command, args);
            var exitCode = await InvokeAsync(parse, command, log).ConfigureAwait(false);
            log.Ended(exitCode);
            return exitCode;
        }
        finally
        {
            await Console.Error.FlushAsync().ConfigureAwait(false);
            Console.SetError(stderr);
        }
    }

    private static async Task<int> InvokeAsync(ParseResult parse, string command, CliLog log)
    {
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would print every error and the whole help and exit 1: a user gets one line, exit code 2
            // (bad input), with what they typed clipped, and no .NET type name.
            // A word that looks like an option but is none (--bogus) is what the user got wrong, whatever error it caused.
            var unknown = parse.Tokens.FirstOrDefault(t => t.Type == TokenType.Argument && t.Value.Length > 1 && t.Value[0] == '-'
                && !double.TryParse(t.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                && parse.CommandResult.Command.Options.All(o => o.Name != t.Value && !o.Aliases.Contains(t.Value)));
            var message = unknown is not null ? $"unknown option '{CliText.Clip(unknown.Value)}'" : CliText.ParseError(parse.Errors[0].Message);
            Console.Error.WriteLine($"{command}: {message} (see `{command} --help`).");
            return ExitCodes.BadInput;
        }

        try
        {
            // ProcessTerminationTimeout must be set: a new InvocationConfiguration has none, and then Ctrl+C (SIGINT) or SIGTERM kill
            // the process at once, leaving a job's container or Marathon group behind. With it, the command's token is cancelled
            // and it gets this long to remove what it started (a Marathon group: DELETE, then wait until Marathon forgets it).
            // The kernel handles SIGINT and SIGTERM itself (SIGINT interrupts a cell, it does not end the kernel): no termination handling here.
            var kernel = parse.CommandResult.Command.Name == KernelCommand.Name;
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = kernel ? null : TimeSpan.FromSeconds(100),
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{command}: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            // A failure no command expected is a bug of ispark: one line here, the exception with its stack in the log.
            log.Crashed(e);
            Console.Error.WriteLine($"{command}: unexpected failure ({CliText.Clip(e.Message, 200)}); the details are in the ispark log. Please report it.");
            return ExitCodes.Unexpected;
        }
    }
}

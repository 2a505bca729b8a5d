namespace InteractiveSpark.Cli;

/// <summary>ispark's exit codes (documented in README and `ispark --help`).</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran.</summary>
    public const int Ok = 0;

    /// <summary>A cell failed (the message names it and its error), or a job's notebook failed.</summary>
    public const int CellFailed = 1;

    /// <summary>Bad input: a missing notebook, a parameter that does not parse, a bad option.</summary>
    public const int BadInput = 2;

    /// <summary>A cell ran longer than --timeout (or a job longer than its timeout).</summary>
    public const int TimedOut = 3;

    /// <summary>The kernel or the job's container could not start, died, or the extension did not load.</summary>
    public const int KernelFailed = 4;

    /// <summary>A failure ispark did not expect (a bug: the one-line message says so; the exception is in the ispark log).</summary>
    public const int Unexpected = 70;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

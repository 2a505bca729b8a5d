using System.Globalization;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Sessions;

/// <summary>What to read from a session's logs: the driver's or one executor's, the last lines, only those matching a pattern.</summary>
public sealed record SessionLogRequest
{
    /// <summary>The most lines a request may ask for.</summary>
    public const int MaxTail = 100_000;

    /// <summary>How many of the last (matching) lines to return; 200 unless set.</summary>
    public int Tail { get; init; } = 200;

    /// <summary>A .NET regular expression: only lines it matches; null for every line.</summary>
    public string? Grep { get; init; }

    /// <summary>The executor whose log to read (its Spark id, e.g. <c>0</c>); null for the driver's.</summary>
    public string? Executor { get; init; }

    /// <summary>Checks the request and compiles its pattern; throws <see cref="SessionToolException"/> with a message for people.</summary>
    public Regex? Validate()
    {
        if (Tail is < 0 or > MaxTail)
        {
            throw new SessionToolException($"--tail must be a number of lines from 0 to {MaxTail.ToString(CultureInfo.InvariantCulture)} (got {Tail.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (Executor is { } e && !Regex.IsMatch(e, "^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant))
        {
            throw new SessionToolException($"--executor takes an executor id such as 0 or 1 (got '{e}').");
        }

        if (string.IsNullOrEmpty(Grep))
        {
            return null;
        }

        try
        {
            return new Regex(Grep, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException ex)
        {
            throw new SessionToolException($"--grep '{Grep}' is not a valid regular expression: {ex.Message}");
        }
    }

    internal static bool Matches(Regex? grep, string line)
    {
        if (grep is null)
        {
            return true;
        }

        try
        {
            return grep.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

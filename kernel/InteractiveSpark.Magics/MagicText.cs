using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Magics;

/// <summary>
/// How a magic's messages quote what the user typed: a pasted megabyte or a stray control character must not become a
/// megabyte-long or garbled error, so values are shown clipped and with control characters made visible.
/// </summary>
public static class MagicText
{
    /// <summary>The longest value quoted whole.</summary>
    public const int MaxShown = 80;

    /// <summary>The value as a message quotes it: control characters as '?', clipped with its length when long.</summary>
    public static string Shown(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var visible = string.Create(Math.Min(value.Length, MaxShown), value, static (span, v) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(v[i]) ? '?' : v[i];
            }
        });
        return value.Length <= MaxShown ? visible : $"{visible[..60]}… ({value.Length:N0} characters)";
    }

    /// <summary>The help a magic shows for <c>-h</c>: its usage line, then each option with its description.</summary>
    public static string Help(string usage, IEnumerable<MagicOption> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = new System.Text.StringBuilder(usage).Append('\n');
        foreach (var option in options)
        {
            text.Append("  ").Append(option.Name).Append("  ").Append(option.Description).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The message for a session name that no open session has.</summary>
    public static string NoSuchSession(string name, IEnumerable<string> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var names = open.ToArray();
        return names.Length == 0
            ? $"No Spark session named '{Shown(name)}' is open in this notebook (none is open): open one with #!spark-connect."
            : $"No Spark session named '{Shown(name)}' is open in this notebook; open: {string.Join(", ", names)} (see #!spark-sessions).";
    }

    /// <summary>The message for <c>--fork <paramref name="parent"/></c> when no session of that name is open.</summary>
    public static string NoSessionToFork(string parent, IEnumerable<string> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var names = open.ToArray();
        return names.Length == 0
            ? $"--fork {Shown(parent)}: no Spark session of that name is open in this notebook (none is open); a fork is made from an open session: #!spark-connect --name {Shown(parent)} ... first."
            : $"--fork {Shown(parent)}: no Spark session of that name is open in this notebook; open: {string.Join(", ", names)} (see #!spark-sessions).";
    }

    /// <summary>
    /// The line <c>#!spark-stop</c> shows once <paramref name="session"/> stopped (made before the stop, while its driver can
    /// still say what it owns): what closed and what the launcher removed;
    /// for a fork, that the session it came from and its driver keep running; for a session with forks
    /// (<paramref name="forks"/>), that they ended with it.
    /// </summary>
    public static string Stopped(OpenSparkSession session, IReadOnlyList<OpenSparkSession> forks)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(forks);
        if (session.ForkedFrom is { } parent)
        {
            return $"{session.Name}: stopped (fork session {session.Session.SessionId} released; {parent.Name} and its driver keep running).";
        }

        var server = session.Driver.Owned is { } owned ? $"; {owned} stopped" : "";
        var ended = forks.Count switch
        {
            0 => "",
            1 => $"; its fork {forks[0].Name} ended with it",
            _ => $"; its forks {string.Join(", ", forks.Select(f => f.Name))} ended with it",
        };
        return $"{session.Name}: stopped (session {session.Session.SessionId} closed{server}{ended}).";
    }

    /// <summary>
    /// The one line a notebook shows when <c>#!spark-connect --name <paramref name="name"/></c> failed with
    /// <paramref name="error"/>: the cause in the user's terms (a launcher's refusal, a timeout, Spark's error).
    /// </summary>
    public static string ConnectFailed(string name, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            OperationCanceledException => $"{name}: cancelled; nothing was left running.",
            SparkException or InvalidOperationException or SparkMagicException or TimeoutException or FormatException => $"{name}: {error.Message}",

            // A launcher refuses an option value with an ArgumentException whose message is the user's line; the parameter
            // name .NET appends to it is ours, not theirs.
            ArgumentException a when a.ParamName is { } p => $"{name}: {a.Message.Replace($" (Parameter '{p}')", string.Empty, StringComparison.Ordinal)}",
            ArgumentException => $"{name}: {error.Message}",
            _ => $"{name}: {error.GetType().Name}: {error.Message}",
        };
    }
}

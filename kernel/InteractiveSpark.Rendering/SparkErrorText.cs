using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering;

/// <summary>Spark's errors for people: the error class and Spark's message, without a stack trace or a query plan.</summary>
public static class SparkErrorText
{
    private const int MaxLines = 8;

    /// <summary>
    /// <c>[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. ... SQLSTATE: 42P01</c>: the error class
    /// (once), then Spark's message up to the plan or the JVM stack trace it may carry.
    /// </summary>
    public static string Describe(SparkException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var lines = new List<string>();
        foreach (var raw in error.Message.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("==", StringComparison.Ordinal) || trimmed.StartsWith("at ", StringComparison.Ordinal)
                || trimmed.StartsWith("JVM stacktrace", StringComparison.Ordinal) || lines.Count >= MaxLines)
            {
                break;
            }

            if (line.Length > 0 || lines.Count > 0)
            {
                lines.Add(line);
            }
        }

        var message = string.Join('\n', lines).TrimEnd();
        if (message.Length == 0)
        {
            message = "Spark reported an error without a message.";
        }

        if (error.ErrorClass is { } errorClass && !message.Contains(errorClass, StringComparison.Ordinal))
        {
            message = $"[{errorClass}] {message}";
        }

        if (error.SqlState is { } state && !message.Contains(state, StringComparison.Ordinal))
        {
            message += $" SQLSTATE: {state}";
        }

        return message;
    }
}

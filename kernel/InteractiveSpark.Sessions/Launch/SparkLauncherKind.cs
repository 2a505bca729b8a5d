namespace InteractiveSpark.Sessions;

/// <summary>Where a session's driver comes from. People see it as one word (<see cref="SparkLauncherKinds.Word"/>).</summary>
public enum SparkLauncherKind
{
    /// <summary>An existing Spark Connect server, reached through its <c>sc://</c> URL; nothing is started.</summary>
    Url,

    /// <summary>A Spark Connect server started as a process on this machine (<see cref="Local.LocalSparkServer"/>).</summary>
    Local,

    /// <summary>A driver container behind its TLS gateway, started through Docker (<see cref="Docker.DockerSparkLauncher"/>).</summary>
    Docker,

    /// <summary>A driver Marathon app behind its TLS gateway, inside the cluster (<see cref="Marathon.MarathonSparkLauncher"/>).</summary>
    Marathon,
}

/// <summary>The words people type and read for a <see cref="SparkLauncherKind"/> (<c>--launcher docker</c>, the sessions table).</summary>
public static class SparkLauncherKinds
{
    /// <summary>The kind in one lower-case word: <c>url</c>, <c>local</c>, <c>docker</c>, <c>marathon</c>.</summary>
    public static string Word(this SparkLauncherKind kind) => kind switch
    {
        SparkLauncherKind.Url => "url",
        SparkLauncherKind.Local => "local",
        SparkLauncherKind.Docker => "docker",
        SparkLauncherKind.Marathon => "marathon",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kind a word names (any case, surrounding spaces ignored); false for any other word.</summary>
    public static bool TryParse(string? word, out SparkLauncherKind kind)
    {
        foreach (var candidate in Enum.GetValues<SparkLauncherKind>())
        {
            if (string.Equals(word?.Trim(), candidate.Word(), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

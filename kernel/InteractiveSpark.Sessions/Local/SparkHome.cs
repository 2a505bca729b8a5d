using System.Diagnostics;

namespace InteractiveSpark.Sessions.Local;

/// <summary>
/// Finds a Spark 4.x distribution (a folder with <c>jars/</c>, the layout of an Apache Spark release's SPARK_HOME).
/// </summary>
public static class SparkHome
{
    /// <summary>
    /// Resolves the Spark home: the explicit folder if given, else <c>SPARK_HOME</c>, else the engines folder of an
    /// InteractiveSpark checkout (<c>shared/engines</c> beside the repository, or <c>ISPARK_ENGINES_DIR</c>), unpacked on
    /// first use. Throws with a message that says what to set when none is found.
    /// </summary>
    public static string Resolve(string? explicitHome = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitHome))
        {
            return Validate(explicitHome, "--spark-home");
        }

        var env = Environment.GetEnvironmentVariable("SPARK_HOME");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return Validate(env, "SPARK_HOME");
        }

        var engines = FindEnginesDir();
        if (engines is not null)
        {
            var unpacked = RunEnginesHome(engines);
            return Validate(Path.Combine(unpacked, "spark-4.2.0"), $"the engines in {engines}");
        }

        throw new InvalidOperationException(
            "No Spark found: set SPARK_HOME to an Apache Spark 4.x folder (the one holding jars/), or pass --spark-home.");
    }

    /// <summary>The <c>shared/engines</c> folder of an InteractiveSpark checkout, or null.</summary>
    public static string? FindEnginesDir()
    {
        var env = Environment.GetEnvironmentVariable("ISPARK_ENGINES_DIR");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return File.Exists(Path.Combine(env, "bin", "engines-home")) ? Path.GetFullPath(env) : null;
        }

        // Walk up from here and from the program's folder: a checkout keeps ../shared beside the repository.
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "engines");
                if (File.Exists(Path.Combine(candidate, "bin", "engines-home")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string Validate(string home, string source)
    {
        var jars = Path.Combine(home, "jars");
        if (!Directory.Exists(jars) || !Directory.EnumerateFiles(jars, "spark-connect_*.jar").Any())
        {
            throw new InvalidOperationException(
                $"{source} points to '{home}', which is not a Spark 4.x home with Spark Connect (no jars/spark-connect_*.jar).");
        }

        return Path.GetFullPath(home);
    }

    private static string RunEnginesHome(string enginesDir)
    {
        var psi = new ProcessStartInfo(Path.Combine(enginesDir, "bin", "engines-home"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not run engines-home.");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Unpacking the engines in {enginesDir} took more than 3 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"engines-home failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return output.Split('\n').Last().Trim();
    }
}

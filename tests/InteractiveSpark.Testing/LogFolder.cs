namespace InteractiveSpark.Testing;

/// <summary>
/// A temporary folder for a test's product log, and the one file an application wrote there today, read while the
/// log may still hold it open.
/// </summary>
public sealed class LogFolder : IDisposable
{
    /// <summary>The folder (deleted on dispose).</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("ispark-log-").FullName;

    /// <summary>The text of the application's log file (the test fails unless there is exactly one).</summary>
    public string Read(string application)
    {
        var files = Directory.GetFiles(Path, application + "-*.log");
        if (files.Length != 1)
        {
            throw new InvalidOperationException($"expected one {application} log file in {Path}, found {files.Length}");
        }

        using var stream = new FileStream(files[0], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}

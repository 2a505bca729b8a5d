using System.Globalization;
using System.Runtime.InteropServices;
using InteractiveSpark.Sessions.Records;

namespace InteractiveSpark.Sessions.Local;

/// <summary>
/// The lease of a keep-alive local server: a small file, readable by its user only, holding the process id of the
/// server's current owner. The server's watchdog stops the server once that process is gone and the server has been
/// idle for its timeout; a kernel that attaches writes its own id into it and so keeps the server.
/// </summary>
public static class LocalLease
{
    /// <summary>Writes a new lease naming <paramref name="ownerProcessId"/>; <paramref name="path"/> null puts it in the records' folder. Returns its path.</summary>
    internal static string Create(string? path, string ownerProcessId)
    {
        path ??= Path.Combine(SessionRecordStore.DefaultFolder, $"local-{Guid.NewGuid():N}.lease");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Write(path, ownerProcessId);
        return path;
    }

    /// <summary>Makes this process the owner of the server whose lease is <paramref name="path"/>; false when the lease is gone (the server stopped).</summary>
    public static bool Take(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return false;
        }

        Write(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>
    /// Stops a keep-alive server that another process started: SIGTERM to its watchdog (which stops Spark and removes
    /// the lease), after checking that the process is that watchdog (a process id can be reused). Returns whether it
    /// was running.
    /// </summary>
    public static async Task<bool> StopServerAsync(int watchdogProcessId, string leaseFile, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || !IsWatchdog(watchdogProcessId, leaseFile))
        {
            return false;
        }

        _ = SendSignal(watchdogProcessId, 15);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (IsWatchdog(watchdogProcessId, leaseFile) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        if (IsWatchdog(watchdogProcessId, leaseFile))
        {
            _ = SendSignal(watchdogProcessId, 9);
        }

        File.Delete(leaseFile);
        return true;
    }

    private static void Write(string path, string ownerProcessId)
    {
        var temporary = path + $".{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temporary, options)))
        {
            writer.Write(ownerProcessId);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Whether the process is the watchdog shell of the server with this lease (its command line names the lease).</summary>
    private static bool IsWatchdog(int pid, string leaseFile)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains("ispark-local-spark", StringComparison.Ordinal) && commandLine.Contains(leaseFile, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

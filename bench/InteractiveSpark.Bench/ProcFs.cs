using System.Globalization;

namespace InteractiveSpark.Bench;

/// <summary>Linux /proc readings (all return null where /proc is missing or the process is gone).</summary>
internal static class ProcFs
{
    private const long PageSize = 4096;
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux we run on

    /// <summary>Resident and private (resident minus file-backed shared) bytes, from /proc/PID/statm.</summary>
    public static (long Rss, long Private)? Statm(string pid = "self")
    {
        try
        {
            var f = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            var resident = long.Parse(f[1], CultureInfo.InvariantCulture) * PageSize;
            var shared = long.Parse(f[2], CultureInfo.InvariantCulture) * PageSize;
            return (resident, resident - shared);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A "Vm...:" field of /proc/PID/status in bytes (VmHWM is the peak resident set).</summary>
    public static long? StatusBytes(string field, string pid = "self")
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }

    /// <summary>User plus system CPU seconds of a process, from /proc/PID/stat.</summary>
    public static double? CpuSeconds(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
            var utime = long.Parse(f[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(f[12], CultureInfo.InvariantCulture);
            return (utime + stime) / ClockTicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Resets this process's VmHWM (peak RSS) to the current RSS; false where the kernel does not allow it.</summary>
    public static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage()
    {
        try
        {
            var f = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{f[0]} {f[1]} {f[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "?";
        }
    }
}

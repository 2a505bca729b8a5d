using System.Text.Json;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jupyter.KernelSpec;

/// <summary>
/// Writes the kernelspec Jupyter finds the kernel by: <c>kernels/interactivespark-csharp/kernel.json</c> (display name
/// "C# (InteractiveSpark)", language csharp, interrupts as messages) and its logos, under the user's Jupyter data folder,
/// a prefix (<c>PREFIX/share/jupyter</c>, e.g. a virtualenv) or the system's.
/// </summary>
public static class KernelSpecInstaller
{
    /// <summary>The kernel's name (its folder under kernels/).</summary>
    public const string KernelName = "interactivespark-csharp";

    /// <summary>The name a front end shows.</summary>
    public const string DisplayName = "C# (InteractiveSpark)";

    /// <summary>Where the kernelspec goes: the user's Jupyter data folder (--user), PREFIX/share/jupyter (--prefix), or the system's (/usr/local/share/jupyter).</summary>
    public static string KernelsFolder(bool user, string? prefix)
    {
        if (prefix is not null)
        {
            return Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");
        }

        if (!user)
        {
            return Path.Combine("/usr", "local", "share", "jupyter", "kernels");
        }

        var data = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (string.IsNullOrEmpty(data))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            data = OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Jupyter")
                : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter")
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".local", "share"), "jupyter");
        }

        return Path.Combine(data, "kernels");
    }

    /// <summary>Writes the kernelspec into <paramref name="kernelsFolder"/>; <paramref name="argv"/> starts the kernel (with <c>{connection_file}</c>). Returns its folder.</summary>
    public static string Install(string kernelsFolder, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment = null)
    {
        var folder = Path.Combine(kernelsFolder, KernelName);
        Directory.CreateDirectory(folder);
        var spec = new JsonObject
        {
            ["argv"] = new JsonArray([.. argv.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["display_name"] = DisplayName,
            ["language"] = "csharp",
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
        if (environment is { Count: > 0 })
        {
            spec["env"] = new JsonObject([.. environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))]);
        }

        File.WriteAllText(Path.Combine(folder, "kernel.json"), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var logo in new[] { "logo-32x32.png", "logo-64x64.png" })
        {
            using var resource = typeof(KernelSpecInstaller).Assembly.GetManifestResourceStream(logo)
                ?? throw new InvalidOperationException($"the kernel's {logo} is missing from its assembly");
            using var file = File.Create(Path.Combine(folder, logo));
            resource.CopyTo(file);
        }

        return folder;
    }
}

using System.Diagnostics;
using System.Text;

namespace InteractiveSpark.Testing.Browser;

/// <summary>What headless Chromium made of a page: the DOM after its scripts ran, and where its screenshot is.</summary>
/// <param name="Dom">The DOM as <c>--dump-dom</c> printed it.</param>
/// <param name="ScreenshotPath">The PNG of the page.</param>
/// <param name="Log">What Chromium wrote to stderr (its console errors among them).</param>
public sealed record OfflinePage(string Dom, string ScreenshotPath, string Log);

/// <summary>
/// Opens a local HTML file in headless Chromium (Debian package <c>chromium</c>, tests/apt-packages) with the network cut
/// off: every host name resolves to nothing and every request goes to a proxy on a closed loopback port, so a page that
/// needs a CDN stays as blank as it would on a machine without internet. Two runs: one <c>--dump-dom</c>, one
/// <c>--screenshot</c> (Chromium does one per run). Virtual time lets timers and failing loads settle before the dump.
/// </summary>
public static class OfflineChromium
{
    /// <summary>Debian's Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Opens <paramref name="htmlFile"/> offline; the screenshot goes to <paramref name="screenshotPath"/>.</summary>
    public static async Task<OfflinePage> OpenAsync(string htmlFile, string screenshotPath, int windowHeight = 4000, TimeSpan? timeout = null)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: apt-get install chromium (it is in tests/apt-packages).");
        }

        var limit = timeout ?? TimeSpan.FromMinutes(2);
        var profile = Directory.CreateTempSubdirectory("ispark-chromium-");
        try
        {
            var url = new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri;
            var (dom, domLog) = await RunAsync([.. Flags(profile.FullName, windowHeight), "--dump-dom", url], limit);
            var (_, shotLog) = await RunAsync([.. Flags(profile.FullName, windowHeight), $"--screenshot={Path.GetFullPath(screenshotPath)}", url], limit);
            if (!File.Exists(screenshotPath))
            {
                throw new InvalidOperationException($"Chromium wrote no screenshot {screenshotPath}:\n{shotLog}");
            }

            return new OfflinePage(dom, screenshotPath, domLog + shotLog);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string[] Flags(string profile, int windowHeight) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
        $"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        // No name resolves and every request goes to the discard port on loopback: nothing leaves the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        "--virtual-time-budget=20000", $"--window-size=1280,{windowHeight}",
    ];

    private static async Task<(string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(ChromiumPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start Chromium.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not finish within {timeout.TotalSeconds:0} s and was killed.");
        }

        process.WaitForExit();
        var dom = await stdout;
        string log;
        lock (stderr)
        {
            log = stderr.ToString();
        }

        return process.ExitCode == 0 ? (dom, log) : throw new InvalidOperationException($"Chromium exited with {process.ExitCode}:\n{log}");
    }
}

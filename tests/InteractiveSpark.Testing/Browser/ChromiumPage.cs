using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Testing.Browser;

/// <summary>
/// One page of a headless Chromium driven over the DevTools protocol (the real browser a user opens a notebook in):
/// navigate, evaluate JavaScript, take screenshots. Only loopback addresses are opened.
/// </summary>
/// <remarks>
/// Hand-written over <see cref="ClientWebSocket"/>: no DevTools client (Playwright, PuppeteerSharp, Selenium) is on this
/// machine's NuGet feed, and three protocol methods are all a test needs.
/// </remarks>
public sealed class ChromiumPage : IAsyncDisposable
{
    private readonly Process _chromium;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _nextId;

    private ChromiumPage(Process chromium, DirectoryInfo profile)
    {
        _chromium = chromium;
        _profile = profile;
    }

    /// <summary>Starts Chromium headless on a blank page and connects to it (60 s at most).</summary>
    public static async Task<ChromiumPage> StartAsync(int width = 1280, int height = 1600)
    {
        var profile = Directory.CreateTempSubdirectory("ispark-chromium-");
        var start = new ProcessStartInfo(OfflineChromium.ChromiumPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
                     "--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}",
                     $"--window-size={width},{height}", "about:blank",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var chromium = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var page = new ChromiumPage(chromium, profile);
        try
        {
            // Chromium writes the port it took into the profile folder.
            var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
            var waited = Stopwatch.StartNew();
            while (!File.Exists(portFile) || (await File.ReadAllLinesAsync(portFile)).Length < 2)
            {
                if (chromium.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"chromium did not open its DevTools port: {(chromium.HasExited ? await chromium.StandardError.ReadToEndAsync() : "60 s passed")}");
                }

                await Task.Delay(100);
            }

            var port = (await File.ReadAllLinesAsync(portFile))[0].Trim();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
            var target = targets.First(t => (string?)t!["type"] == "page")!;
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await page._socket.ConnectAsync(new Uri((string)target["webSocketDebuggerUrl"]!), connect.Token);
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> (a loopback address).</summary>
    public Task NavigateAsync(Uri url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });

    /// <summary>The value of <paramref name="expression"/> (promises awaited), as JSON; a thrown error is an exception.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result?["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"the page threw: {error.ToJsonString()}");
        }

        return result?["result"]?["value"];
    }

    /// <summary>Evaluates <paramref name="condition"/> until it is true (every 250 ms); false when <paramref name="timeout"/> passed.</summary>
    public async Task<bool> WaitForAsync(string condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            try
            {
                if (await EvaluateAsync($"!!({condition})") is JsonValue v && v.GetValue<bool>())
                {
                    return true;
                }
            }
            catch (InvalidOperationException)
            {
                // The page is still loading its scripts.
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Saves a PNG of the page as it is now.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)result!["data"]!));
    }

    /// <summary>Closes the connection, stops Chromium and removes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, close.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Chromium is stopped below anyway.
        }

        _socket.Dispose();
        if (!_chromium.HasExited)
        {
            _chromium.Kill(entireProcessTree: true);
            await _chromium.WaitForExitAsync();
        }

        _chromium.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file Chromium was still closing; the folder is in the temp directory.
        }
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters)
    {
        await _gate.WaitAsync();
        try
        {
            var id = Interlocked.Increment(ref _nextId);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, limit.Token);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer, limit.Token);
                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var reply = JsonNode.Parse(message.ToArray());
                if ((int?)reply?["id"] != id)
                {
                    continue; // an event, or another command's late reply
                }

                if (reply!["error"] is { } error)
                {
                    throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
                }

                return reply["result"];
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using InteractiveSpark.Testing.Browser;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// The kernel in a real browser: Jupyter Notebook (Debian's jupyter-notebook) serving a notebook on this kernel, and
/// headless Chromium driving it as a user would (run all, interrupt a long query, restart the kernel), against the real
/// Spark server. Screenshots of each step are kept beside the test's files (artifacts/jupyter-tests/browser-*).
/// </summary>
[Collection(CSharpCellsCollection.Name)]
public sealed class BrowserNotebookTests(CSharpCellsFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Run_all_interrupt_and_restart_in_jupyter_notebook_and_chromium()
    {
        var folder = KernelTool.NewRunFolder("browser");
        await File.WriteAllTextAsync(Path.Combine(folder, "browser.ipynb"), Notebook(
            "var sparkUrl = Environment.GetEnvironmentVariable(\"ISPARK_TEST_SPARK\");",
            "#!spark-connect --name web --url @csharp:sparkUrl",
            "#!web\nSELECT id, id * id AS square FROM range(5)",
            "#!spark-sessions"));
        var port = FreePort();
        var token = Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(KernelTool.Jupyter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[]
                 {
                     "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
                     $"--NotebookApp.token={token}", $"--notebook-dir={folder}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["JUPYTER_PATH"] = await KernelTool.JupyterPathAsync();
        start.Environment["ISPARK_TEST_SPARK"] = fixture.Spark.Url;
        using var server = Process.Start(start)!;
        var serverLog = new System.Text.StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (serverLog) { serverLog.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (serverLog) { serverLog.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            (await WaitForServerAsync(port, token)).Should().BeTrue($"jupyter notebook answers on 127.0.0.1:{port}:\n{serverLog}");
            await using var page = await ChromiumPage.StartAsync();
            await page.NavigateAsync(new Uri($"http://127.0.0.1:{port}/notebooks/browser.ipynb?token={token}"));
            (await page.WaitForAsync("window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", Step))
                .Should().BeTrue($"the notebook opens and its kernel connects:\n{serverLog}");
            (await page.EvaluateAsync("Jupyter.notebook.kernel.name"))!.GetValue<string>().Should().Be("interactivespark-csharp");

            await page.EvaluateAsync("Jupyter.notebook.execute_all_cells(), true");
            var ran = await page.WaitForAsync(
                "document.querySelector('#notebook').innerText.includes('web: Spark 4.') && document.querySelectorAll('.output_area table').length >= 2", Step);
            await page.ScreenshotAsync(Path.Combine(folder, "1-run-all.png"));
            ran.Should().BeTrue($"run all shows the session line, the SQL table and the sessions table:\n{await NotebookText(page)}");
            var text = await NotebookText(page);
            text.Should().Contain("square").And.Contain("16");
            if (fixture.Spark.ConnectionString.Token is { Length: > 0 } sparkToken)
            {
                text.Should().NotContain(sparkToken);
            }

            await page.EvaluateAsync("window.longCell = Jupyter.notebook.insert_cell_at_bottom('code'), longCell.set_text('#!web\\nSELECT count(*) FROM range(0, 500000000000, 1, 2)'), longCell.execute(), true");
            (await page.WaitForAsync("longCell.output_area.element[0].innerText.includes('web:')", Step)).Should().BeTrue("the long query shows its progress line");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await page.EvaluateAsync("Jupyter.notebook.kernel.interrupt(), true");
            var cancelled = await page.WaitForAsync("longCell.output_area.element[0].innerText.includes('cancelled after')", Step);
            await page.ScreenshotAsync(Path.Combine(folder, "2-interrupt.png"));
            var longText = (string?)await page.EvaluateAsync("longCell.output_area.element[0].innerText") ?? "";
            cancelled.Should().BeTrue($"interrupt cancels the query on the server and says so:\n{longText}");
            longText.Should().MatchRegex(@"cancelled after [1-9]\d* s").And.NotContain("count(");

            await page.EvaluateAsync("Jupyter.notebook.kernel.restart(), true");
            await Task.Delay(TimeSpan.FromSeconds(2));
            (await page.WaitForAsync("Jupyter.notebook.kernel.is_connected()", Step)).Should().BeTrue("the kernel comes back after a restart");
            await page.EvaluateAsync("window.after = Jupyter.notebook.insert_cell_at_bottom('code'), after.set_text('#!spark-sessions\\n\"restarted: \" + (40 + 2)'), after.execute(), true");
            var restarted = await page.WaitForAsync("after.output_area.element[0].innerText.includes('restarted: 42')", Step);
            await page.ScreenshotAsync(Path.Combine(folder, "3-restart.png"));
            restarted.Should().BeTrue($"the restarted kernel runs cells:\n{await page.EvaluateAsync("after.output_area.element[0].innerText")}");
            ((string)(await page.EvaluateAsync("after.output_area.element[0].innerText"))!).Should().NotContain("web", "the restart stopped the notebook's sessions");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<string> NotebookText(ChromiumPage page) => (string?)await page.EvaluateAsync("document.querySelector('#notebook').innerText") ?? "";

    private static async Task<bool> WaitForServerAsync(int port, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status?token={token}"))).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        return false;
    }

    private static string Notebook(params string[] cells) => new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["name"] = "interactivespark-csharp", ["display_name"] = "C# (InteractiveSpark)", ["language"] = "csharp" },
            ["language_info"] = new JsonObject { ["name"] = "csharp" },
        },
        ["cells"] = new JsonArray([.. cells.Select((source, i) => (JsonNode?)new JsonObject
        {
            ["cell_type"] = "code",
            ["id"] = $"cell-{i}",
            ["metadata"] = new JsonObject(),
            ["execution_count"] = null,
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        })]),
    }.ToJsonString();

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

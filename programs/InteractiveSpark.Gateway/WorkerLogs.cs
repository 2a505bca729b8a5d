using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Executor logs read from Spark itself, inside the cluster: the standalone master's <c>/json</c> lists its workers
/// (each with its web UI address), a worker's <c>/json</c> lists the executors it runs (id and application), and the
/// worker's <c>/log?appId=..&amp;executorId=..&amp;logType=stderr</c> serves the file in byte ranges. This is what
/// Spark's own UI links to, so it works wherever the executors run (another container, another Marathon host) without
/// a shared disk and without exposing a worker or Mesos UI: only the gateway talks to them.
/// Written by hand: Spark has no client library for these JSON pages, and they are three small GETs.
/// </summary>
internal sealed partial class WorkerLogs(GatewayOptions options) : IDisposable
{
    private readonly HttpClient _http = NewClient(options);

    private static HttpClient NewClient(GatewayOptions options)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = TimeSpan.FromSeconds(20),
        };

        // The master's and workers' UIs answer only requests that carry the session's UI secret.
        if (options.UiSecret is { } secret)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(GatewayHost.UiSecretHeader, secret);
        }

        return http;
    }

    /// <summary>Whether a master is configured.</summary>
    public bool Enabled => options.MasterUi is not null;

    /// <summary>One executor a worker runs (or ran).</summary>
    public sealed record Executor(string AppId, string Id, Uri WorkerUi, bool Finished);

    /// <summary>Every executor of every worker the master knows, running ones first.</summary>
    public async Task<IReadOnlyList<Executor>> ListAsync(CancellationToken cancellationToken)
    {
        var master = options.MasterUi ?? throw new InvalidOperationException("No master UI configured.");
        using var masterJson = await GetJsonAsync(new Uri(master, "/json/"), cancellationToken).ConfigureAwait(false);
        var result = new List<Executor>();
        if (!masterJson.RootElement.TryGetProperty("workers", out var workers) || workers.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var worker in workers.EnumerateArray())
        {
            if (worker.TryGetProperty("state", out var state) && state.GetString() is "DEAD"
                || !worker.TryGetProperty("webuiaddress", out var address)
                || !Uri.TryCreate(address.GetString(), UriKind.Absolute, out var workerUi))
            {
                continue;
            }

            try
            {
                using var workerJson = await GetJsonAsync(new Uri(workerUi, "/json/"), cancellationToken).ConfigureAwait(false);
                foreach (var (property, finished) in new[] { ("executors", false), ("finishedexecutors", true) })
                {
                    if (workerJson.RootElement.TryGetProperty(property, out var executors) && executors.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var e in executors.EnumerateArray())
                        {
                            var id = e.TryGetProperty("id", out var idElement) ? idElement.ToString() : null;
                            var app = e.TryGetProperty("appid", out var appElement) ? appElement.GetString() : null;
                            if (id is not null && app is not null)
                            {
                                result.Add(new Executor(app, id, workerUi, finished));
                            }
                        }
                    }
                }
            }
            catch (HttpRequestException)
            {
                // A worker that went away: its executors are simply not listed.
            }
        }

        return result.OrderBy(e => e.Finished).ThenByDescending(e => e.AppId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads up to <paramref name="length"/> bytes of an executor's log from <paramref name="offset"/> (null: the last bytes); returns the text and the file's length.</summary>
    public async Task<(string Text, long End, long Length)> ReadAsync(Executor executor, string stream, long? offset, int length, CancellationToken cancellationToken)
    {
        var query = $"/log/?appId={Uri.EscapeDataString(executor.AppId)}&executorId={Uri.EscapeDataString(executor.Id)}&logType={stream}"
            + $"&byteLength={length.ToString(CultureInfo.InvariantCulture)}"
            + (offset is { } o ? "&offset=" + o.ToString(CultureInfo.InvariantCulture) : "");
        using var response = await _http.GetAsync(new Uri(executor.WorkerUi, query), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the worker at {executor.WorkerUi.Authority} answered {(int)response.StatusCode}");
        }

        // The page starts with "==== Bytes 0-1234 of 1234 of /opt/ispark/work/app-../1/stderr ====" and a newline.
        var newline = body.IndexOf('\n', StringComparison.Ordinal);
        var header = newline >= 0 ? body[..newline] : body;
        var m = HeaderRegex().Match(header);
        if (!m.Success)
        {
            throw new HttpRequestException($"the worker at {executor.WorkerUi.Authority} answered a log page this gateway does not understand");
        }

        var text = newline >= 0 ? body[(newline + 1)..] : "";
        return (text, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    private async Task<JsonDocument> GetJsonAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(@"^==== Bytes (\d+)-(\d+) of (\d+) of ", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderRegex();
}

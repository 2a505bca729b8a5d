using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jobs.Marathon;

/// <summary>What a job task's gateway says of its job (<c>GET /job/status</c>).</summary>
/// <param name="State"><c>waiting</c> (no notebook given: a fresh or restarted task), <c>running</c> or <c>ended</c>.</param>
/// <param name="ExitCode">ispark run's exit code once ended.</param>
/// <param name="LogBytes">How long the job's log is.</param>
/// <param name="Notebook">The notebook it runs, once given.</param>
public sealed record JobStatus(string State, int? ExitCode, long LogBytes, string? Notebook);

/// <summary>
/// The client of a job task's gateway in job mode (<c>ispark-gateway --job-dir</c>): TLS pinned to the certificate proven
/// by <see cref="Sessions.GatewayPin"/>, the job's token on every request. Upload and start, status, log from an
/// offset, output files. Every request has a timeout; a connection refused or a certificate that is not the pinned
/// one (a task Marathon restarted has a new one) surfaces as <see cref="HttpRequestException"/>.
/// </summary>
public sealed class JobEndpointClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the gateway at <paramref name="host"/>:<paramref name="port"/> whose certificate has this SHA-256.</summary>
    public JobEndpointClient(string host, int port, string token, string certificateSha256, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(certificateSha256);
        var pin = certificateSha256.ToUpperInvariant();
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                // Only the certificate the pin proof accepted: the token is never sent to anything else.
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString(HashAlgorithmName.SHA256) == pin,
            },
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri($"https://{host}:{port.ToString(CultureInfo.InvariantCulture)}/"),
            Timeout = requestTimeout ?? TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// Uploads the notebook (parameters already injected) and starts <c>ispark run --kernel KERNEL</c> on it
    /// (<paramref name="kernel"/>: interactivespark or dotnet-interactive); fails if the task ran one already.
    /// </summary>
    public async Task StartAsync(
        string notebookName, string content, TimeSpan? cellTimeout, string sparkMaster, string sparkDriverMemory, string kernel, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["notebook"] = notebookName,
            ["content"] = content,
            ["sparkMaster"] = sparkMaster,
            ["sparkDriverMemory"] = sparkDriverMemory,
            ["kernel"] = kernel,
            ["timeoutSeconds"] = cellTimeout?.TotalSeconds,
        };
        using var request = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri("job/start", UriKind.Relative), request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new MarathonJobException($"The job task refused the notebook ({(int)response.StatusCode}): {Clip(text)}");
        }
    }

    /// <summary>The job's state.</summary>
    public async Task<JobStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var text = await GetTextAsync("job/status", cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(text) as JsonObject ?? throw new MarathonJobException($"The job task answered /job/status with something that is not a status: {Clip(text)}");
        return new JobStatus(
            json["state"]?.GetValue<string>() ?? "?",
            json["exitCode"]?.GetValue<int>(),
            json["logBytes"]?.GetValue<long>() ?? 0,
            json["notebook"]?.GetValue<string>());
    }

    /// <summary>The job's log from byte <paramref name="offset"/> (at most 1 MB per call).</summary>
    public async Task<byte[]> LogAsync(long offset, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("job/log?offset=" + offset.ToString(CultureInfo.InvariantCulture), UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await ThrowUnlessOkAsync(response, "/job/log", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names of the job's output files (executed notebook, job log, kernel log).</summary>
    public async Task<IReadOnlyList<string>> FilesAsync(CancellationToken cancellationToken) =>
        (JsonNode.Parse(await GetTextAsync("job/files", cancellationToken).ConfigureAwait(false)) as JsonArray ?? [])
            .Select(n => n?.GetValue<string>()).OfType<string>().ToList();

    /// <summary>Downloads one output file into <paramref name="path"/>.</summary>
    public async Task DownloadAsync(string name, string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("job/files/" + Uri.EscapeDataString(name), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ThrowUnlessOkAsync(response, "/job/files/" + name, cancellationToken).ConfigureAwait(false);
        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await ThrowUnlessOkAsync(response, "/" + path, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ThrowUnlessOkAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new MarathonJobException($"The job task refused {what} ({(int)response.StatusCode}): {Clip(text)}");
        }
    }

    private static string Clip(string text) => (text.Length > 300 ? text[..300] + "…" : text).Trim();
}

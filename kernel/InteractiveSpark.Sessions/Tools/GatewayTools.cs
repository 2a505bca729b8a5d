using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace InteractiveSpark.Sessions;

/// <summary>A Docker or Marathon session's logs and UI through its gateway: HTTPS pinned to the gateway's certificate, the token as a bearer header.</summary>
internal sealed class GatewayTools(IGatewaySession docker) : ISessionLogs, ISessionUi
{
    public bool HasExecutors => docker.HasExecutors;

    public async Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        await foreach (var line in StreamAsync(request, follow: false, cancellationToken).ConfigureAwait(false))
        {
            lines.Add(line);
        }

        return lines;
    }

    public IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, CancellationToken cancellationToken = default) =>
        StreamAsync(request, follow: true, cancellationToken);

    public async Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default)
    {
        if (LocalUiProxy.IsSupported)
        {
            // The notebook's own loopback proxy: no certificate warning, no token, ticket or cookie in the browser.
            return new SessionUiLink(LocalUiProxy.For(docker).UiUri, null);
        }

        // Elsewhere: a one-time login link to the gateway itself (the browser then holds its cookie).
        using var http = Client(TimeSpan.FromSeconds(30));
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(docker.GatewayUri, "/login/ticket"));
        using var response = await SendAsync(http, post, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new SessionToolException($"The gateway of {docker.Name} refused a UI login link ({(int)response.StatusCode}): {body.Trim()}");
        }

        using var json = JsonDocument.Parse(body);
        var path = json.RootElement.GetProperty("path").GetString() ?? throw new SessionToolException($"The gateway of {docker.Name} answered no login path.");
        var seconds = json.RootElement.TryGetProperty("expiresInSeconds", out var e) && e.TryGetInt32(out var s) ? s : 120;
        return new SessionUiLink(new Uri(docker.GatewayUri, path), TimeSpan.FromSeconds(seconds));
    }

    private async IAsyncEnumerable<string> StreamAsync(SessionLogRequest request, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.Executor is not null && !HasExecutors)
        {
            throw new SessionToolException(
                $"{docker.Name} runs Spark in its driver (started without --executors): there are no executor logs; the driver's log (--driver) has everything.");
        }

        var path = request.Executor is { } id ? "/logs/executor/" + Uri.EscapeDataString(id) : "/logs/driver";
        var query = $"?tail={request.Tail.ToString(CultureInfo.InvariantCulture)}"
            + (string.IsNullOrEmpty(request.Grep) ? "" : "&grep=" + Uri.EscapeDataString(request.Grep))
            + (follow ? "&follow=true" : "");
        using var http = Client(follow ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(60));
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(docker.GatewayUri, path + query));
        using var response = await SendAsync(http, get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var what = request.Executor is { } k ? $"executor {k}'s log" : "the driver's log";
            throw new SessionToolException($"The gateway of {docker.Name} has no {what} ({(int)response.StatusCode}): {body.Trim()}");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (follow && (e is OperationCanceledException || (e is IOException or HttpRequestException && cancellationToken.IsCancellationRequested)))
            {
                yield break;
            }

            if (line is null)
            {
                yield break;
            }

            yield return line;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", docker.ConnectionString.Token);
        try
        {
            return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // Never the token: the message names the gateway and the cause only.
            throw new SessionToolException($"Could not reach the gateway of {docker.Name} at {docker.GatewayUri.Authority}: {e.Message}", e);
        }
    }

    private HttpClient Client(TimeSpan timeout)
    {
        var pin = docker.CertificateSha256.Replace(":", "", StringComparison.Ordinal);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = new SslClientAuthenticationOptions
            {
                // The token goes only to the gateway whose certificate this session pinned.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && pin.Length == 64 && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase),
            },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }
}

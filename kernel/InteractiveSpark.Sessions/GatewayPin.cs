using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace InteractiveSpark.Sessions;

/// <summary>
/// Learns a gateway's certificate when its printed fingerprint cannot be read (a Marathon task's output stays in the
/// Mesos sandbox): asks <c>/health?pin-challenge=NONCE</c> over TLS without trusting the certificate yet, and accepts
/// the certificate seen in that handshake only if the answer carries
/// <c>HMAC-SHA256(key: SHA-256 of the session token, "ispark-gateway-pin-v1\n" + NONCE + "\n" + FINGERPRINT)</c>
/// (the gateway's <c>PinProof</c>). No token is sent on these requests; it is sent only on connections pinned to the
/// accepted certificate. docs/security.md says what this rests on.
/// </summary>
public static class GatewayPin
{
    /// <summary>Polls the gateway until Spark is ready; returns the proven certificate fingerprint (upper-case hex) and Spark's version.</summary>
    /// <param name="host">The gateway's host.</param>
    /// <param name="port">The gateway's port.</param>
    /// <param name="tokenSha256">The SHA-256 of the session token (what the gateway was given).</param>
    /// <param name="cancellationToken">Ends the wait (the caller's deadline).</param>
    public static async Task<(string CertificateSha256, string SparkVersion)> WaitReadyAsync(
        string host, int port, byte[] tokenSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenSha256);
        // Any certificate is accepted here, but remembered: the proof below decides whether it is the gateway's.
        var certificate = new HandshakeCertificate();
        using var handler = certificate.Handler();
        // Each request waits up to 20 s for Spark to be ready (/health?wait=20): one request per start, not a poll.
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(25) };
        string? proven = null;
        while (true)
        {
            try
            {
                var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var uri = new Uri($"https://{host}:{port.ToString(CultureInfo.InvariantCulture)}/health?pin-challenge={nonce}&wait=20");
                using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && certificate.Seen is { } fingerprint)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var root = json.RootElement;
                    CheckProof(root, tokenSha256, nonce, fingerprint, host + ":" + port.ToString(CultureInfo.InvariantCulture));
                    if (root.TryGetProperty("status", out var waiting) && waiting.GetString() is "awaiting-session-files" or "session-files-received")
                    {
                        // The previous gateway of this task (receive mode) is still answering; Spark's comes next.
                        await Task.Delay(300, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (proven is not null && proven != fingerprint)
                    {
                        throw new GatewayPinException($"The gateway on {host}:{port.ToString(CultureInfo.InvariantCulture)} changed its certificate while starting (it restarted?).");
                    }

                    proven = fingerprint;
                    if (root.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True)
                    {
                        var version = root.TryGetProperty("sparkVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";
                        return (fingerprint, version);
                    }

                    if (root.TryGetProperty("status", out var status) && status.GetString() == "failed")
                    {
                        throw new GatewayPinException($"The gateway on {host}:{port.ToString(CultureInfo.InvariantCulture)} reports that Spark failed to start.");
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
            {
                // Not listening yet, or the port's forwarder took the connection and closed it (the task is still
                // starting): SocketsHttpHandler lets that one through as a bare SocketException
                // ("Transport endpoint is not connected", read from the closed socket's remote address).
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One request timed out; try again.
            }

            await Task.Delay(300, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives a task's gateway in receive mode (<c>--receive-session-files</c>) this session's files: waits until it
    /// listens and proves it was given <paramref name="tokenSha256"/> (as <see cref="WaitReadyAsync"/>), then sends them
    /// with the session token in <c>PUT /session/files</c> on a connection pinned to the proven certificate. Nothing is
    /// sent to a service that cannot prove itself. Returns the fingerprint the files went to.
    /// </summary>
    /// <param name="host">The task's host.</param>
    /// <param name="port">The task's gateway port.</param>
    /// <param name="tokenSha256">The SHA-256 of the session token (what the task was given).</param>
    /// <param name="token">The session token: the credential the receiving gateway checks.</param>
    /// <param name="files">File name (lower-case letters, digits, '.', '-') and UTF-8 text.</param>
    /// <param name="cancellationToken">Ends the wait (the caller's deadline).</param>
    public static async Task<string> DeliverSessionFilesAsync(
        string host, int port, byte[] tokenSha256, string token, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenSha256);
        ArgumentNullException.ThrowIfNull(files);
        // Before the proof: any certificate, remembered. After it: only the proven one (the token goes on those).
        var certificate = new HandshakeCertificate();
        using var handler = certificate.Handler();
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        var where = host + ":" + port.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            try
            {
                var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                using var response = await http.GetAsync(new Uri($"https://{where}/health?pin-challenge={nonce}"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && certificate.Seen is { } fingerprint)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var root = json.RootElement;
                    CheckProof(root, tokenSha256, nonce, fingerprint, where);
                    var status = root.TryGetProperty("status", out var st) ? st.GetString() : null;
                    if (status != "awaiting-session-files")
                    {
                        throw new GatewayPinException(
                            $"The gateway on {where} is not waiting for this session's settings (it reports '{status}'): the task restarted, or its image is older than this launcher.");
                    }

                    certificate.Proven = fingerprint;
                    using var put = new HttpRequestMessage(HttpMethod.Put, new Uri($"https://{where}/session/files"))
                    {
                        Content = JsonContent(files),
                    };
                    put.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                    using var answer = await http.SendAsync(put, cancellationToken).ConfigureAwait(false);
                    if (answer.IsSuccessStatusCode)
                    {
                        return fingerprint;
                    }

                    throw new GatewayPinException(
                        $"The gateway on {where} refused this session's settings: {(int)answer.StatusCode} {(await answer.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim()}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException && certificate.Proven is null)
            {
                // Not listening yet, or closed while the task starts (see WaitReadyAsync).
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && certificate.Proven is null)
            {
                // One request timed out; try again.
            }

            await Task.Delay(300, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CheckProof(JsonElement root, byte[] tokenSha256, string nonce, string fingerprint, string where)
    {
        var proof = root.TryGetProperty("pinProof", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        var expected = Proof(tokenSha256, nonce, fingerprint);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(proof), Encoding.ASCII.GetBytes(expected)))
        {
            throw new GatewayPinException(
                $"The service on {where} did not prove it is this session's gateway (certificate {fingerprint}): "
                + "another service holds the port, or something intercepts the connection. Nothing was sent to it.");
        }
    }

    private static ByteArrayContent JsonContent(IReadOnlyDictionary<string, string> files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("files");
            foreach (var (name, text) in files)
            {
                writer.WriteString(name, text);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>
    /// The certificate of the latest TLS handshake (<see cref="Seen"/>) and, once set, the only one accepted
    /// (<see cref="Proven"/>): the launcher learns a gateway's certificate before it trusts it.
    /// </summary>
    private sealed class HandshakeCertificate
    {
        public volatile string? Seen;
        public volatile string? Proven;

        /// <summary>A handler without proxy, redirects or pooled connections that records each certificate and accepts it unless another one was proven.</summary>
        public SocketsHttpHandler Handler() => new()
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    Seen = cert?.GetCertHashString(HashAlgorithmName.SHA256);
                    return cert is not null && (Proven is null || Seen == Proven);
                },
            },
        };
    }

    /// <summary>The proof a gateway given <paramref name="tokenSha256"/> answers for this nonce and certificate.</summary>
    public static string Proof(byte[] tokenSha256, string challenge, string certificateSha256)
    {
        var message = Encoding.UTF8.GetBytes("ispark-gateway-pin-v1\n" + challenge + "\n" + certificateSha256.ToUpperInvariant());
        return Convert.ToHexStringLower(HMACSHA256.HashData(tokenSha256, message));
    }
}

/// <summary>The gateway could not be trusted or reported a failure; the message says what happened.</summary>
public sealed class GatewayPinException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public GatewayPinException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GatewayPinException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public GatewayPinException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using System.Globalization;
using System.Net.Security;
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
        string? seen = null;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                // Accept any certificate here, but remember it: the proof below decides whether it is the gateway's.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    seen = cert?.GetCertHashString(HashAlgorithmName.SHA256);
                    return cert is not null;
                },
            },
        };
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
                if (response.IsSuccessStatusCode && seen is { } fingerprint)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var root = json.RootElement;
                    var proof = root.TryGetProperty("pinProof", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
                    var expected = Proof(tokenSha256, nonce, fingerprint);
                    if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(proof), Encoding.ASCII.GetBytes(expected)))
                    {
                        throw new GatewayPinException(
                            $"The service on {host}:{port.ToString(CultureInfo.InvariantCulture)} did not prove it is this session's gateway (certificate {fingerprint}): "
                            + "another service holds the port, or something intercepts the connection. Nothing was sent to it.");
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
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One request timed out; try again.
            }

            await Task.Delay(300, cancellationToken).ConfigureAwait(false);
        }
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

using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace InteractiveSpark.Testing;

/// <summary>
/// Tries one listening socket without any credential, every way a session's servers are used, from a network namespace
/// (<see cref="NetworkNamespace"/>): a plain HTTP GET (a Spark UI), a TLS handshake and a GET without the token (the
/// gateway), gRPC over cleartext HTTP/2 (Spark Connect), and a Spark RPC request in Spark's framing (driver, master,
/// worker RPC, block managers). Each probe says what answered; the socket is open when any of them got an answer that
/// is not a refusal. A refusal is: the connection refused or closed without an answer, HTTP 401, TLS then 401, gRPC
/// <c>UNAUTHENTICATED</c>, or Spark's authentication failure (its SASL fallback's <c>Expected SaslMessage</c>) before
/// any RPC handler saw the request.
/// </summary>
public static class SocketProbe
{
    // Generous: the machine's 2 cores run several JVMs while the probes run.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    /// <summary>Every probe on one socket, from <paramref name="from"/>.</summary>
    public static async Task<SocketFindings> ProbeAsync(NetworkNamespace from, IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            using var socket = await from.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            var refused = ProbeResult.Refused(e is SocketException s ? "TCP: " + s.SocketErrorCode : "TCP: no connection within 8 s");
            return new SocketFindings(target, refused, refused, refused, refused);
        }

        var http = HttpAsync(from, target);
        var tls = TlsAsync(from, target);
        var grpc = GrpcAsync(from, target);
        var rpc = SparkRpcAsync(from, target);
        return new SocketFindings(target, await http.ConfigureAwait(false), await tls.ConfigureAwait(false), await grpc.ConfigureAwait(false), await rpc.ConfigureAwait(false));
    }

    private static async Task<ProbeResult> HttpAsync(NetworkNamespace from, IPEndPoint target)
    {
        var status = await HttpStatusAsync(from, target, "/").ConfigureAwait(false);
        if (status is null)
        {
            return ProbeResult.NotThis("no HTTP answer");
        }

        if (status.StartsWith("401", StringComparison.Ordinal))
        {
            return ProbeResult.Refused("HTTP 401");
        }

        // Something answered: what else it shows (the driver's REST API and environment, the master's and worker's JSON).
        var more = new List<string> { "/ " + status };
        foreach (var path in new[] { "/api/v1/applications", "/environment/", "/json/" })
        {
            more.Add(path + " " + (await HttpStatusAsync(from, target, path).ConfigureAwait(false) ?? "no answer"));
        }

        return ProbeResult.Open("HTTP " + string.Join(", ", more));
    }

    /// <summary>The status line after "HTTP/1.x " of a plain GET, or null when what answered is not HTTP.</summary>
    private static async Task<string?> HttpStatusAsync(NetworkNamespace from, IPEndPoint target, string path)
    {
        var answer = Encoding.ASCII.GetString(await ExchangeAsync(from, target, Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")).ConfigureAwait(false));
        return answer.StartsWith("HTTP/1.", StringComparison.Ordinal) ? answer.Split('\r')[0][9..] : null;
    }

    private static async Task<ProbeResult> TlsAsync(NetworkNamespace from, IPEndPoint target)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var socket = await from.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "probe" }, timeout.Token).ConfigureAwait(false);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /ui/ HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var n = await tls.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false);
            var status = Encoding.ASCII.GetString(buffer, 0, n).Split('\r')[0];
            return status.StartsWith("HTTP/1.1 401", StringComparison.Ordinal)
                ? ProbeResult.Refused("TLS " + tls.SslProtocol + ", then 401 without the token")
                : ProbeResult.Open("TLS " + tls.SslProtocol + ", then " + (status.Length > 0 ? status : "no HTTP answer"));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return ProbeResult.NotThis("no TLS handshake");
        }
    }

    private static async Task<ProbeResult> GrpcAsync(NetworkNamespace from, IPEndPoint target)
    {
        using var handler = from.HttpHandler();
        using var client = new HttpClient(handler) { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{target}/spark.connect.SparkConnectService/Config"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        try
        {
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
                : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : null;
            return status switch
            {
                "16" => ProbeResult.Refused("gRPC UNAUTHENTICATED"),
                null => ProbeResult.NotThis($"HTTP/2 {(int)response.StatusCode}, not gRPC"),
                _ => ProbeResult.Open("gRPC status " + status),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return ProbeResult.NotThis("no HTTP/2");
        }
    }

    private static async Task<ProbeResult> SparkRpcAsync(NetworkNamespace from, IPEndPoint target)
    {
        // Spark's frame: length (8 bytes, itself included), type 3 (RpcRequest), request id (8), body length (4), body.
        var body = Encoding.ASCII.GetBytes("not an authentication message");
        var frame = new byte[8 + 1 + 8 + 4 + body.Length];
        BinaryPrimitives.WriteInt64BigEndian(frame, frame.Length);
        frame[8] = 3;
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(9), 42);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(17), body.Length);
        body.CopyTo(frame, 21);
        var answer = await ExchangeAsync(from, target, frame).ConfigureAwait(false);
        if (answer.Length == 0)
        {
            return ProbeResult.Refused("Spark RPC: closed without an answer");
        }

        var length = answer.Length >= 8 ? BinaryPrimitives.ReadInt64BigEndian(answer) : -1;
        if (length < 9 || length > 1 << 20 || answer[8] is < 4 or > 5)
        {
            return ProbeResult.NotThis("not Spark RPC");
        }

        // An RpcFailure says why: SASL's (the fallback of Spark's auth protocol) before any handler, or the handler's own error.
        var text = new string(Encoding.ASCII.GetString(answer, 21, answer.Length - 21).Where(c => c is >= ' ' and <= '~').ToArray());
        text = text[..Math.Min(text.Length, 140)];
        return answer[8] == 5 && (text.Contains("SaslMessage", StringComparison.Ordinal) || text.Contains("SASL", StringComparison.OrdinalIgnoreCase))
            ? ProbeResult.Refused("Spark RPC: authentication failure (" + text + ")")
            : ProbeResult.Open((answer[8] == 5 ? "Spark RPC: its handler answered RpcFailure (" : "Spark RPC: RpcResponse (") + text + ")");
    }

    private static async Task<byte[]> ExchangeAsync(NetworkNamespace from, IPEndPoint target, byte[] request)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var received = new MemoryStream();
        try
        {
            using var socket = await from.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(request, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[4096];
            int n;
            while (received.Length < 4096 && (n = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Closed, reset or silent: what was received so far is the answer.
        }

        return received.ToArray();
    }
}

/// <summary>What one probe got.</summary>
/// <param name="Kind">Open (answered without a credential), refused, or not this protocol.</param>
/// <param name="Text">What answered, in a few words.</param>
public sealed record ProbeResult(ProbeKind Kind, string Text)
{
    /// <summary>Answered without a credential.</summary>
    public static ProbeResult Open(string text) => new(ProbeKind.Open, text);

    /// <summary>Refused without a credential.</summary>
    public static ProbeResult Refused(string text) => new(ProbeKind.Refused, text);

    /// <summary>Not a server of this protocol.</summary>
    public static ProbeResult NotThis(string text) => new(ProbeKind.NotThisProtocol, text);

    /// <inheritdoc />
    public override string ToString() => (Kind == ProbeKind.Open ? "OPEN " : "") + Text;
}

/// <summary>How a probe ended.</summary>
public enum ProbeKind
{
    /// <summary>Answered without a credential.</summary>
    Open,

    /// <summary>Refused without a credential.</summary>
    Refused,

    /// <summary>Not a server of this protocol.</summary>
    NotThisProtocol,
}

/// <summary>Every probe of one socket.</summary>
/// <param name="Target">The address and port tried.</param>
/// <param name="Http">A plain HTTP GET.</param>
/// <param name="Tls">A TLS handshake, then a GET without the token.</param>
/// <param name="Grpc">A gRPC call over cleartext HTTP/2.</param>
/// <param name="SparkRpc">A Spark RPC request.</param>
public sealed record SocketFindings(IPEndPoint Target, ProbeResult Http, ProbeResult Tls, ProbeResult Grpc, ProbeResult SparkRpc)
{
    /// <summary>Every probe.</summary>
    public IReadOnlyList<ProbeResult> All => [Http, Tls, Grpc, SparkRpc];

    /// <summary>Whether anything answered without a credential.</summary>
    public bool IsOpen => All.Any(p => p.Kind == ProbeKind.Open);

    /// <summary>One line: OPEN and what answered, or what refused.</summary>
    public string Verdict =>
        IsOpen ? "OPEN: " + string.Join("; ", All.Where(p => p.Kind == ProbeKind.Open).Select(p => p.Text))
        : All.FirstOrDefault(p => p.Kind == ProbeKind.Refused) is { } refused ? "refused: " + refused.Text
        : "silent: accepted the connection, answered none of the probes";
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace InteractiveSpark.Sessions;

/// <summary>
/// The Spark UI of a gateway session for this machine's browser: <c>http://127.0.0.1:PORT/ui/</c>, served by the
/// notebook's own process, which forwards each request to the gateway over TLS pinned to the session's certificate with
/// the session token added. The browser never sees a certificate warning (it talks plain HTTP to loopback, which
/// browsers treat as secure), holds no token, ticket or cookie of the session, and the agent's host never gets a cookie.
/// Only processes of the notebook's own user get an answer: each connection's owner is read from the kernel's socket
/// table (Linux); another user's browser or script gets 403. One proxy per session and process, stopped with the session.
/// </summary>
/// <remarks>
/// Built on <see cref="HttpListener"/> (in the base library) rather than Kestrel and YARP: this code runs inside notebook
/// hosts (dotnet-interactive loads the extension), where a web stack of our own would be a second one in another's process.
/// </remarks>
internal sealed class LocalUiProxy : IAsyncDisposable
{
    /// <summary>The running proxies, by session object (a session that never started has no address to key by).</summary>
    private static readonly ConcurrentDictionary<IGatewaySession, Lazy<LocalUiProxy>> Running = new(ReferenceEqualityComparer.Instance);

    /// <summary>Headers that belong to one hop, or that carry a credential the browser must not set or see.</summary>
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer",
        "Authorization", "Cookie", "Set-Cookie", "Content-Length", "Expect",
    };

    private readonly HttpListener _listener;
    private readonly HttpClient _gateway;
    private readonly Uri _gatewayUri;
    private readonly string _token;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LocalUiProxy(HttpListener listener, int port, IGatewaySession session)
    {
        _listener = listener;
        Port = port;
        _gatewayUri = session.GatewayUri;
        _token = session.ConnectionString.Token ?? "";
        var pin = session.CertificateSha256.Replace(":", "", StringComparison.Ordinal);
        _gateway = new HttpClient(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                SslOptions = new SslClientAuthenticationOptions
                {
                    // The token goes only to the gateway whose certificate this session pinned.
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                        cert is not null && pin.Length == 64 && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase),
                },
            },
            disposeHandler: true)
        { Timeout = Timeout.InfiniteTimeSpan };
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The session's UI on this proxy.</summary>
    public Uri UiUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/ui/");

    /// <summary>Whether this platform can tell who connects (the socket table of Linux); elsewhere callers fall back to a login link.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && File.Exists("/proc/net/tcp");

    /// <summary>The session's proxy, started on first use.</summary>
    public static LocalUiProxy For(IGatewaySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Running.GetOrAdd(session, _ => new Lazy<LocalUiProxy>(() => Start(session))).Value;
    }

    /// <summary>Stops the session's proxy, if it has one (the session ended).</summary>
    public static async Task StopAsync(IGatewaySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Running.TryRemove(session, out var proxy) && proxy.IsValueCreated)
        {
            await proxy.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the listener ends the accept loop this way.
        }

        _gateway.Dispose();
        _stop.Dispose();
    }

    private static LocalUiProxy Start(IGatewaySession session)
    {
        // HttpListener cannot listen on port 0: take a free port from the system, then listen on it (retried if taken meanwhile).
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                return new LocalUiProxy(listener, port, session);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (!SameUser(context.Request.RemoteEndPoint, context.Request.LocalEndPoint))
            {
                await WriteTextAsync(response, 403, "403 Forbidden: this Spark UI belongs to another user's notebook.\n").ConfigureAwait(false);
                return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_gatewayUri, context.Request.RawUrl));
            if (context.Request.HasEntityBody)
            {
                forward.Content = new StreamContent(context.Request.InputStream);
            }

            foreach (var name in context.Request.Headers.AllKeys.OfType<string>().Where(n => !DroppedHeaders.Contains(n)))
            {
                var values = context.Request.Headers.GetValues(name) ?? [];
                if (!forward.Headers.TryAddWithoutValidation(name, values))
                {
                    forward.Content?.Headers.TryAddWithoutValidation(name, values);
                }
            }

            forward.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            using var answer = await _gateway.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers).Where(h => !DroppedHeaders.Contains(h.Key)))
            {
                foreach (var value in values)
                {
                    response.AppendHeader(name, value);
                }
            }

            if (answer.Content.Headers.ContentLength is { } length)
            {
                response.ContentLength64 = length;
            }
            else
            {
                response.SendChunked = true;
            }

            // Streamed as it comes: a followed log (?follow=true) never ends.
            await using var body = await answer.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
            await body.CopyToAsync(response.OutputStream, _stop.Token).ConfigureAwait(false);
            response.Close();
        }
        catch (HttpRequestException e)
        {
            await WriteTextAsync(response, 502, $"502 Bad Gateway: the session's gateway at {_gatewayUri.Authority} did not answer ({e.Message}).\n").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The browser left, or the session ended.
            response.Abort();
        }
    }

    private static async Task WriteTextAsync(HttpListenerResponse response, int status, string text)
    {
        try
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            response.StatusCode = status;
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception e) when (e is IOException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            response.Abort();
        }
    }

    /// <summary>
    /// Whether the connection from <paramref name="client"/> to <paramref name="server"/> was opened by a process of this
    /// process's user: the client end's entry in <c>/proc/net/tcp</c> names its owner's uid.
    /// </summary>
    private static bool SameUser(IPEndPoint client, IPEndPoint server)
    {
        if (!IsSupported || !IPAddress.IsLoopback(client.Address))
        {
            return false;
        }

        var myUid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2); // effective uid
        var local = client.Port.ToString("X4", CultureInfo.InvariantCulture);
        var remote = server.Port.ToString("X4", CultureInfo.InvariantCulture);
        // A client's socket may be IPv6 with a mapped IPv4 address (.NET's own sockets are dual-mode): in tcp6.
        var tables = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists);
        foreach (var line in tables.SelectMany(t => File.ReadLines(t).Skip(1)))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 7 && f[1].EndsWith(":" + local, StringComparison.Ordinal) && f[2].EndsWith(":" + remote, StringComparison.Ordinal))
            {
                return f[7] == myUid;
            }
        }

        return false;
    }
}

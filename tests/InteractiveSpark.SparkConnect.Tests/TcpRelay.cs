using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// A TCP relay on loopback that forwards every connection to a server and can cut all of them on demand, to
/// break a gRPC stream in the middle the way a flaky network does. With a certificate it also terminates TLS
/// (HTTP/2 by ALPN) in front of a cleartext server, standing in for a TLS gateway.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, (TcpClient Inbound, TcpClient Outbound)> _open = new();
    private readonly ConcurrentDictionary<int, long> _bytesToUpstreamByConnection = new();
    private readonly Task _acceptLoop;
    private int _accepted;
    private long _bytesToUpstream;

    private TcpRelay(string upstreamHost, int upstreamPort, X509Certificate2? certificate)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The loopback port the relay listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many client connections the relay has accepted so far.</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>How many bytes the relay has forwarded to the server (after TLS termination, if any).</summary>
    public long BytesToUpstream => Interlocked.Read(ref _bytesToUpstream);

    /// <summary>
    /// How many bytes the relay has forwarded to the server from the connections it accepted after the first
    /// <paramref name="acceptedBefore"/> (a value of <see cref="AcceptedConnections"/> read earlier). A connection that was
    /// open before may still send its last frames (a disposed session's GOAWAY) at any time: counting by connection keeps
    /// those out of what a later attempt is charged with.
    /// </summary>
    public long BytesToUpstreamSince(int acceptedBefore) =>
        _bytesToUpstreamByConnection.Where(c => c.Key > acceptedBefore).Sum(c => c.Value);

    /// <summary>Starts a plain TCP relay to host:port.</summary>
    public static TcpRelay Start(string upstreamHost, int upstreamPort) => new(upstreamHost, upstreamPort, null);

    /// <summary>Starts a relay that speaks TLS (with <paramref name="certificate"/>, ALPN h2) to clients and cleartext to host:port.</summary>
    public static TcpRelay StartTls(string upstreamHost, int upstreamPort, X509Certificate2 certificate) =>
        new(upstreamHost, upstreamPort, certificate);

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, valid for a day.</summary>
    public static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=InteractiveSpark test relay", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PFX so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Closes every open connection abruptly (RST); new connections are still accepted.</summary>
    public void Cut()
    {
        foreach (var (id, pair) in _open)
        {
            Abort(pair.Inbound);
            Abort(pair.Outbound);
            _open.TryRemove(id, out _);
        }
    }

    private static void Abort(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => RelayAsync(id, inbound));
        }
    }

    private async Task RelayAsync(int id, TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
            _open[id] = (inbound, outbound);
            Stream clientSide = inbound.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(clientSide, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ApplicationProtocols = [SslApplicationProtocol.Http2],
                    },
                    _stop.Token);
                clientSide = tls;
            }

            var serverSide = outbound.GetStream();
            var up = PumpAsync(clientSide, serverSide, upstreamConnection: id);
            var down = PumpAsync(serverSide, clientSide, upstreamConnection: null);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // A cut, a refused handshake or shutdown: close both sides below.
        }
        finally
        {
            _open.TryRemove(id, out _);
            Abort(inbound);
            Abort(outbound);
        }
    }

    private async Task PumpAsync(Stream from, Stream to, int? upstreamConnection)
    {
        var buffer = new byte[81920];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                if (upstreamConnection is { } connection)
                {
                    Interlocked.Add(ref _bytesToUpstream, n);
                    _bytesToUpstreamByConnection.AddOrUpdate(connection, n, (_, total) => total + n);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The other side closed or the relay was cut.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _acceptLoop;
        _stop.Dispose();
        _certificate?.Dispose();
    }
}

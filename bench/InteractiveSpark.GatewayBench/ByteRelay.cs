using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using InteractiveSpark.Gateway;

/// <summary>
/// The floors of P3: a relay that copies bytes between the client and Spark and understands nothing of them. "tcp"
/// adds only the second loopback hop; "tls" also terminates TLS (the gateway's certificate kind, ALPN h2) and so pays
/// the encryption any TLS gateway pays. Neither checks a token or reads a request: no product can do less per byte,
/// so how far these two fall short of direct is what the hop and the encryption cost on this machine, before the
/// gateway's HTTP/2 work. Written here because it is a measuring instrument, not a proxy anyone should deploy.
/// </summary>
internal static class ByteRelay
{
    /// <summary>Runs until killed: prints <c>relay-certificate-sha256: HEX</c> (tls) and <c>relay-port: N</c>.</summary>
    public static async Task<int> RunAsync(string mode, int upstreamPort)
    {
        using var certificate = mode == "tls" ? GatewayCertificate.Create([]) : null;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        if (certificate is not null)
        {
            Console.WriteLine("relay-certificate-sha256: " + GatewayCertificate.Fingerprint(certificate));
        }

        Console.WriteLine("relay-port: " + ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        while (true)
        {
            var client = await listener.AcceptAsync();
            _ = ServeAsync(client, certificate, upstreamPort);
        }
    }

    private static async Task ServeAsync(Socket client, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, int upstreamPort)
    {
        client.NoDelay = true;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream front = new NetworkStream(client, ownsSocket: true);
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort);
            if (certificate is not null)
            {
                var tls = new SslStream(front, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                });
                front = tls;
            }

            await using var back = new NetworkStream(upstream, ownsSocket: false);
            await Task.WhenAny(front.CopyToAsync(back, 1 << 16), back.CopyToAsync(front, 1 << 16));
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            // The client or Spark went away: the relay has nothing to add.
        }
        finally
        {
            await front.DisposeAsync();
        }
    }
}

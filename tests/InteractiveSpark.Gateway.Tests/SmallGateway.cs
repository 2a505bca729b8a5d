using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>
/// A gateway of a test's own (proxy mode, in front of the collection's Spark, the collection's token) with some bound
/// set small; its output is kept, its driver log is a file of its own.
/// </summary>
internal sealed class SmallGateway : IAsyncDisposable
{
    private readonly StringWriter _output = new();

    private SmallGateway(string folder) => Folder = folder;

    public GatewayHost Host { get; private set; } = null!;

    public string Folder { get; }

    public string DriverLog => Path.Combine(Folder, "driver.log");

    /// <summary>What the gateway wrote (JSON log lines).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SmallGateway> StartAsync(GatewayFixture fx, Func<GatewayOptions, GatewayOptions> configure)
    {
        var gw = new SmallGateway(Directory.CreateTempSubdirectory("ispark-small-gateway-").FullName);
        await File.WriteAllTextAsync(gw.DriverLog, "driver started\n");
        var options = configure(new GatewayOptions
        {
            Port = 0,
            BindAddress = IPAddress.Loopback,
            TokenSha256 = SHA256.HashData(Encoding.UTF8.GetBytes(fx.Token)),
            SessionId = "gw-small",
            SparkPort = fx.Spark.ConnectionString.Port,
            SparkUiPort = null,
            UpstreamToken = fx.InternalToken,
            DriverLog = gw.DriverLog,
            IdleTimeout = Timeout.InfiniteTimeSpan,
        });
        gw.Host = GatewayHost.Create(options, TextWriter.Synchronized(new LockedStringWriter(gw._output)), TextWriter.Null);
        await gw.Host.StartAsync();
        return gw;
    }

    /// <summary>An HTTPS client pinned to this gateway; <paramref name="onConnect"/> runs for each new TCP connection.</summary>
    public HttpClient Http(Action? onConnect = null)
    {
        var pin = Host.CertificateSha256;
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 1 };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase);
        handler.ConnectCallback = async (context, ct) =>
        {
            onConnect?.Invoke();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{Host.Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class LockedStringWriter(StringWriter inner) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (inner)
            {
                inner.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (inner)
            {
                inner.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (inner)
            {
                inner.WriteLine(value);
            }
        }
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>
/// A real local Spark Connect server (its own, with its UI and a driver log file) and, in front of it, an in-process
/// gateway in proxy mode on a free loopback port, with a fresh session token and a fake Spark standalone work folder
/// holding executor logs.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly StringWriter _output = new();

    /// <summary>The session token: the gateway knows only its hash.</summary>
    public string Token { get; } = "st-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public LocalSparkServer Spark { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("ispark-gateway-tests-").FullName;

    public string DriverLog => Path.Combine(Folder, "driver.log");

    public string GatewayLogFile => Path.Combine(Folder, "gateway.log");

    public string ExecutorLogs => Path.Combine(Folder, "work");

    /// <summary>
    /// The internal token between the gateway and Spark. Given to Spark as a conf here (not through the environment,
    /// as the gateway itself does): the case where Spark 4.2's Config RPC hands it to any client, which the gateway must stop.
    /// </summary>
    public string InternalToken { get; } = "it-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Everything the gateway wrote on its standard output (JSON log lines and the certificate line).</summary>
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

    public async Task InitializeAsync()
    {
        Spark = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
        {
            Master = "local[2]",
            DriverMemory = "1g",
            LogFile = DriverLog,
            RequireToken = false,
            Conf = new Dictionary<string, string>
            {
                ["spark.ui.showConsoleProgress"] = "false",
                ["spark.connect.authenticate.token"] = InternalToken,
            },
        });
        var app = Path.Combine(ExecutorLogs, "app-20261126000000-0000");
        Directory.CreateDirectory(Path.Combine(app, "0"));
        Directory.CreateDirectory(Path.Combine(app, "1"));
        await File.WriteAllLinesAsync(Path.Combine(app, "0", "stderr"), Enumerable.Range(1, 50).Select(i => $"executor 0 line {i} {(i % 10 == 0 ? "ERROR" : "INFO")}"));
        await File.WriteAllTextAsync(Path.Combine(app, "0", "stdout"), "executor 0 stdout\n");
        await File.WriteAllTextAsync(Path.Combine(app, "1", "stderr"), "executor 1 says hello\n");

        Gateway = GatewayHost.Create(
            new GatewayOptions
            {
                Port = 0,
                BindAddress = IPAddress.Loopback,
                TokenSha256 = SHA256.HashData(Encoding.UTF8.GetBytes(Token)),
                SessionId = "gw-test-session",
                SparkPort = Spark.ConnectionString.Port,
                SparkUiPort = Spark.UiPort,
                UpstreamToken = InternalToken,
                DriverLog = DriverLog,
                ExecutorLogsDir = ExecutorLogs,
                IdleTimeout = Timeout.InfiniteTimeSpan,
                LogFile = GatewayLogFile,
            },
            TextWriter.Synchronized(new LockedWriter(_output)),
            TextWriter.Null);
        await Gateway.StartAsync();
        await WaitReadyAsync(Gateway, TimeSpan.FromSeconds(60));
    }

    internal static async Task WaitReadyAsync(GatewayHost gateway, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!gateway.State.Ready)
        {
            if (gateway.State.Failure is { } failure)
            {
                throw new InvalidOperationException("The gateway failed: " + failure);
            }

            await Task.Delay(100, cts.Token);
        }
    }

    /// <summary>The connection string of the gateway (TLS) with a given token.</summary>
    public SparkConnectionString GatewayConnection(string? token) =>
        new() { Host = "localhost", Port = Gateway.Port, Token = token, UseSsl = true };

    /// <summary>A session through the gateway, pinning its certificate.</summary>
    public Task<SparkSession> ConnectAsync(string? token = null, string? pin = null, SparkSessionOptions? options = null) =>
        SparkSession.ConnectAsync(
            GatewayConnection(token ?? Token),
            (options ?? new SparkSessionOptions()) with { PinnedServerCertificateSha256 = pin ?? Gateway.CertificateSha256 });

    /// <summary>An HTTPS client that trusts exactly the gateway's certificate and keeps no cookies unless asked.</summary>
    public HttpClient Http(CookieContainer? cookies = null, bool followRedirects = false)
    {
        var pin = Gateway.CertificateSha256;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = followRedirects,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase);
        return new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{Gateway.Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Spark is not null)
        {
            await Spark.DisposeAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A writer that appends to a StringWriter under its lock (so that reading never races writing).</summary>
    private sealed class LockedWriter(StringWriter inner) : TextWriter
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

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}

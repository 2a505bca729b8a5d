using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>Connecting: version check, tokens, TLS refusal and pinning, unreachable servers, release on dispose.</summary>
[Collection(SparkCollection.Name)]
public sealed class ConnectionTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Connect_checks_the_server_and_reports_its_version()
    {
        await using var session = await spark.ConnectAsync();

        (await session.VersionAsync()).Should().Be("4.2.0");
        Guid.TryParse(session.SessionId, out _).Should().BeTrue();
        session.ServerSideSessionId.Should().NotBeNullOrEmpty();
        session.UserId.Should().Be(spark.ConnectionString.UserId ?? Environment.UserName);
        session.Client.ClientType.Should().MatchRegex(@"InteractiveSpark/\S+ dotnet/\d+\.\d+\S* os/\w+");
        session.ToString().Should().NotContain(spark.Token);
    }

    [Fact]
    public async Task The_connection_string_chooses_session_id_user_and_user_agent()
    {
        var sessionId = Guid.NewGuid().ToString();
        var url = spark.ConnectionString with { SessionId = sessionId, UserId = "alice", UserAgent = "notebook-7" };

        await using var session = await SparkSession.ConnectAsync(url);

        session.SessionId.Should().Be(sessionId);
        session.UserId.Should().Be("alice");
        session.Client.ClientType.Should().StartWith("notebook-7 InteractiveSpark/");
        // The server keys sessions by user and session id: a working config call proves it accepted both.
        await session.Conf.SetAsync("ispark.test.owner", "alice");
        (await session.Conf.GetAsync("ispark.test.owner")).Should().Be("alice");
    }

    [Fact]
    public async Task A_wrong_token_is_rejected_with_a_message_that_says_so_and_hides_the_token()
    {
        const string wrong = "definitely-not-the-token-0123456789";

        var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(spark.ConnectionString with { Token = wrong }))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.Message.Should().Contain("rejected the token").And.Contain("Invalid authentication token");
        error.Message.Should().NotContain(wrong);
        error.ToString().Should().NotContain(wrong);
        error.StatusCode.Should().Be(Grpc.Core.StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_missing_token_is_rejected_with_a_message_that_says_so()
    {
        var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(spark.ConnectionString with { Token = null }))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        error.Message.Should().Contain("requires a token").And.Contain("No authentication token provided");
        error.StatusCode.Should().Be(Grpc.Core.StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task A_token_without_TLS_to_a_remote_host_is_refused_before_any_network_call()
    {
        // A listener on one of this machine's own non-loopback addresses: had the client connected, it would show.
        var address = NonLoopbackAddress();
        var listener = new TcpListener(address ?? IPAddress.Any, 0);
        listener.Start();
        try
        {
            var host = address?.ToString() ?? "spark.example.com";
            var url = new SparkConnectionString { Host = host, Port = ((IPEndPoint)listener.LocalEndpoint).Port, Token = "secret-token-xyz" };

            var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(url))
                .Should().ThrowExactlyAsync<SparkException>()).Which;

            error.Message.Should().Contain("Refusing to send a token in clear").And.Contain("use_ssl=true").And.NotContain("secret-token-xyz");
            listener.Pending().Should().BeFalse("nothing may reach the network");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_refused_connection_fails_at_once_with_a_clear_message()
    {
        var unused = new TcpListener(IPAddress.Loopback, 0);
        unused.Start();
        var port = ((IPEndPoint)unused.LocalEndpoint).Port;
        unused.Stop(); // nothing listens there now
        var stopwatch = Stopwatch.StartNew();

        // The default connect timeout (30 s) does not apply: nothing will start listening by waiting.
        var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(new SparkConnectionString { Host = "127.0.0.1", Port = port }))
            .Should().ThrowExactlyAsync<SparkException>()).Which;

        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        error.Message.Should().Be($"Nothing listens at 127.0.0.1:{port} (connection refused): check the URL, or start the Spark Connect server first.");
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_fails_within_the_connect_timeout()
    {
        // Accepts TCP connections and never speaks: what a hung server or a black-holing proxy looks like.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 16);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(
                    new SparkConnectionString { Host = "127.0.0.1", Port = port },
                    new SparkSessionOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }))
                .Should().ThrowExactlyAsync<SparkException>()).Which;

            stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6));
            error.Message.Should().StartWith($"Could not reach Spark Connect at 127.0.0.1:{port} within 2 s:");
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_pinned_certificate_lets_the_client_reach_its_own_TLS_gateway()
    {
        await using var gateway = TcpRelay.StartTls(spark.Host, spark.Port, TcpRelay.CreateSelfSignedCertificate());
        using var certificate = TcpRelay.CreateSelfSignedCertificate(); // a different certificate, for the wrong pin
        var url = spark.ConnectionString with { Host = "127.0.0.1", Port = gateway.Port, UseSsl = true };
        var pin = await GatewayThumbprintAsync(gateway.Port);

        await using (var session = await SparkSession.ConnectAsync(url, new SparkSessionOptions { PinnedServerCertificateSha256 = pin }))
        {
            (await session.VersionAsync()).Should().Be("4.2.0");
        }

        // Counted by connection: the disposed session's connection may still send its last frames while this runs.
        var connectionsBefore = gateway.AcceptedConnections;
        var wrongPin = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(url, new SparkSessionOptions { PinnedServerCertificateSha256 = wrongPin }))
            .Should().ThrowExactlyAsync<SparkException>()).Which;
        error.Message.Should().Contain("TLS");
        gateway.AcceptedConnections.Should().BeGreaterThan(connectionsBefore, "the client reached the relay");
        gateway.BytesToUpstreamSince(connectionsBefore).Should().Be(0, "with the wrong certificate not one byte, let alone the token, gets through");

        // Without a pin the system's trusted roots decide, and they do not trust a self-signed certificate.
        (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(url)).Should().ThrowExactlyAsync<SparkException>())
            .Which.Message.Should().Contain("TLS");

        // A pin without TLS would protect nothing: refused.
        await FluentActions.Awaiting(() => SparkSession.ConnectAsync(
                spark.ConnectionString, new SparkSessionOptions { PinnedServerCertificateSha256 = pin }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*use_ssl=true*");
    }

    [Fact]
    public async Task Dispose_releases_the_session_on_the_server()
    {
        var sessionId = Guid.NewGuid().ToString();
        var url = spark.ConnectionString with { SessionId = sessionId };
        var session = await SparkSession.ConnectAsync(url);
        await session.Conf.SetAsync("ispark.test.k", "v");
        var stopwatch = Stopwatch.StartNew();

        await session.DisposeAsync();
        await session.DisposeAsync(); // twice is fine

        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        await FluentActions.Awaiting(() => session.Conf.GetAsync("ispark.test.k")).Should().ThrowAsync<ObjectDisposedException>();
        // The server closed that session id: it cannot be used again.
        var error = (await FluentActions.Awaiting(() => SparkSession.ConnectAsync(url)).Should().ThrowExactlyAsync<SparkException>()).Which;
        error.IsSessionLost.Should().BeTrue();
        error.ErrorClass.Should().Be("INVALID_HANDLE.SESSION_CLOSED");
    }

    /// <summary>The SHA-256 thumbprint the gateway presents, read the way an operator would (openssl s_client).</summary>
    private static async Task<string> GatewayThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return tls.RemoteCertificate!.GetCertHashString(HashAlgorithmName.SHA256);
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using InteractiveSpark.Core;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>The gateway starting Spark itself (the container's mode): the internal token, the idle timer, failures.</summary>
public sealed class SparkCommandModeTests
{
    private static GatewayOptions Options(string token, IReadOnlyList<string> command, TimeSpan idle, string folder) => new()
    {
        Port = 0,
        BindAddress = IPAddress.Loopback,
        TokenSha256 = SHA256.HashData(Encoding.UTF8.GetBytes(token)),
        SessionId = "gw-idle-test",
        SparkPort = LocalSparkServer.FreePort(),
        SparkUiPort = null,
        SparkCommand = command,
        DriverLog = Path.Combine(folder, "driver.log"),
        IdleTimeout = idle,
        SparkStartTimeout = TimeSpan.FromMinutes(3),
        SparkStopTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Spark_started_by_the_gateway_gets_a_fresh_internal_token_and_the_idle_timer_stops_it_and_the_gateway()
    {
        var engines = SparkHome.FindEnginesDir() ?? throw new InvalidOperationException("No shared/engines folder beside the repository.");
        var folder = Directory.CreateTempSubdirectory("ispark-gateway-idle-").FullName;
        var token = "st-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var output = new StringWriter();
        var sparkPort = LocalSparkServer.FreePort();
        var command = new[] { Path.Combine(engines, "bin", "spark-connect-server"), "--port", sparkPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-ui", "--master", "local[1]", "--driver-memory", "1g" };
        var options = Options(token, command, TimeSpan.FromSeconds(6), folder) with { SparkPort = sparkPort };
        var gateway = GatewayHost.Create(options, TextWriter.Synchronized(output), TextWriter.Null);
        await using (gateway)
        {
            await gateway.StartAsync();
            await GatewayFixture.WaitReadyAsync(gateway, TimeSpan.FromMinutes(3));
            var pid = gateway.Upstream.ProcessId!.Value;
            var internalToken = gateway.Upstream.InternalToken!;
            internalToken.Should().StartWith(SessionToken.Prefix).And.HaveLength(71).And.NotBe(token);

            await using (var session = await SparkSession.ConnectAsync(
                new SparkConnectionString { Host = "localhost", Port = gateway.Port, Token = token, UseSsl = true },
                new SparkSessionOptions { PinnedServerCertificateSha256 = gateway.CertificateSha256 }))
            {
                // The internal token reached Spark through its environment only; Config does not show it.
                (await session.Conf.GetOptionAsync("spark.connect.authenticate.token")).Should().BeOneOf(new string?[] { null, ConfigFilter.Redacted });
                // What cannot be blocked (docs/security.md): SQL calls Java, and Java reads the driver's environment.
                // It yields the internal token, never the session token, which is not in the container at all.
                var env = await (await session.SqlAsync(
                    "SELECT java_method('java.lang.System', 'getenv', 'SPARK_CONNECT_AUTHENTICATE_TOKEN') AS t, " +
                    "java_method('java.lang.System', 'getenv', 'ISPARK_GATEWAY_TOKEN_SHA256') AS h")).CollectAsync();
                ((string?)env[0][0]).Should().Be(internalToken);
                ((string?)env[0][1]).Should().BeOneOf(new string?[] { null, "null" }, "the gateway's own settings are not passed to Spark");

                // A query running longer than the idle timeout keeps everything alive: 9 s of sleeping in one stream.
                var rows = await (await session.SqlAsync("SELECT id, java_method('java.lang.Thread', 'sleep', 1000L + id * 0) FROM range(0, 9, 1, 1)")).CollectAsync();
                rows.Should().HaveCount(9);
                gateway.Completion.IsCompleted.Should().BeFalse("an operation was in flight the whole time");
            }

            // Nobody uses it any more: within the idle timeout (+ a tick, + Spark's shutdown) it stops Spark and ends.
            var idle = Stopwatch.StartNew();
            var exitCode = await gateway.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            exitCode.Should().Be(0);
            idle.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(5));
            gateway.State.StopReason.Should().Be("idle");
            ProcessIsGone(pid).Should().BeTrue("the gateway stopped Spark");

            var text = output.ToString();
            text.Should().Contain("Idle for").And.Contain("Spark stopped");
            text.Should().NotContain(token).And.NotContain(internalToken);
            File.ReadAllText(options.DriverLog!).Should().Contain("Spark Connect server started").And.NotContain(internalToken);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task When_Spark_exits_on_its_own_the_gateway_exits_with_code_1_and_health_says_why()
    {
        var folder = Directory.CreateTempSubdirectory("ispark-gateway-fail-").FullName;
        var output = new StringWriter();
        var gateway = GatewayHost.Create(
            Options("t", ["/bin/sh", "-c", "echo spark is broken >&2; exit 3"], TimeSpan.FromMinutes(5), folder),
            TextWriter.Synchronized(output),
            TextWriter.Null);
        await using (gateway)
        {
            await gateway.StartAsync();
            (await gateway.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(1);
            gateway.State.Failure.Should().Be("Spark exited with code 3");
            output.ToString().Should().Contain("Spark exited on its own with code {ExitCode}").And.Contain("\"ExitCode\":3").And.NotContain("Hosting failed");
        }

        File.ReadAllText(Path.Combine(folder, "driver.log")).Should().Contain("spark is broken");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Health_with_wait_answers_when_Spark_settles_and_not_before_unless_the_wait_passes()
    {
        // A "Spark" that never listens and gives up after 6 s: the gateway stays starting, then fails.
        var folder = Directory.CreateTempSubdirectory("ispark-gateway-wait-").FullName;
        var gateway = GatewayHost.Create(
            Options("t", ["/bin/sh", "-c", "sleep 6; exit 3"], TimeSpan.FromMinutes(5), folder), TextWriter.Null, TextWriter.Null);
        await using (gateway)
        {
            await gateway.StartAsync();
            var pin = gateway.CertificateSha256;
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase);
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{gateway.Port}"), Timeout = TimeSpan.FromSeconds(60) };

            // Without wait: at once. With wait=1.5 while nothing changes: after the wait, still starting. The first
            // request pays the TLS handshake and the JIT (seconds on a loaded machine): it is not the one timed.
            (await http.GetStringAsync("/health")).Should().Contain("\"status\":\"starting\"");
            var watch = Stopwatch.StartNew();
            (await http.GetStringAsync("/health")).Should().Contain("\"status\":\"starting\"");
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
            watch.Restart();
            (await http.GetStringAsync("/health?wait=1.5")).Should().Contain("\"status\":\"starting\"");
            watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.4));

            // A long wait answers as soon as Spark failed (about 6 s after start), not after its 30 s.
            watch.Restart();
            var settled = await http.GetStringAsync("/health?wait=30");
            settled.Should().Contain("\"status\":\"failed\"");
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
            await gateway.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Configuration_comes_from_arguments_and_environment_and_errors_say_what_to_set()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData("tok"u8));
        var env = new Dictionary<string, string>
        {
            ["ISPARK_GATEWAY_TOKEN_SHA256"] = hash,
            ["ISPARK_GATEWAY_IDLE_TIMEOUT"] = "90s",
            ["ISPARK_SESSION_ID"] = "s1",
            ["ISPARK_GATEWAY_HOSTNAMES"] = "driver.example, 10.0.0.5",
        };
        var options = GatewayOptions.Parse(["--port", "0", "--spark-ui-port", "0", "--", "spark-connect-server", "--port", "15002"], env);
        options.TokenSha256.Should().Equal(SHA256.HashData("tok"u8));
        options.IdleTimeout.Should().Be(TimeSpan.FromSeconds(90));
        options.SessionId.Should().Be("s1");
        options.SparkUiPort.Should().BeNull();
        options.SparkCommand.Should().Equal("spark-connect-server", "--port", "15002");
        options.HostNames.Should().Equal("driver.example", "10.0.0.5");
        GatewayOptions.Parse(["--idle-timeout", "0"], env).IdleTimeout.Should().Be(Timeout.InfiniteTimeSpan);
        GatewayOptions.Parse(["--idle-timeout", "2h"], env).IdleTimeout.Should().Be(TimeSpan.FromHours(2));

        FluentActions.Invoking(() => GatewayOptions.Parse([], new Dictionary<string, string>()))
            .Should().Throw<GatewayConfigurationException>().WithMessage("*ISPARK_GATEWAY_TOKEN_SHA256*");
        FluentActions.Invoking(() => GatewayOptions.Parse(["--token-sha256", "abc"], new Dictionary<string, string>()))
            .Should().Throw<GatewayConfigurationException>().WithMessage("*64 hex digits*");
        FluentActions.Invoking(() => GatewayOptions.Parse(["--idle-timeout", "soon"], env))
            .Should().Throw<GatewayConfigurationException>().WithMessage("*duration*");
        FluentActions.Invoking(() => GatewayOptions.Parse(["--bogus", "1"], env))
            .Should().Throw<GatewayConfigurationException>().WithMessage("*--bogus*");

        // The limits have flags and variables too; a flag wins over its variable; bad values are one line without a type name.
        var limits = GatewayOptions.Parse(
            ["--max-connections", "8", "--max-job-upload", "1m", "--grep-time-budget", "2s", "--idle-timeout", "5m"],
            new Dictionary<string, string>(env) { ["ISPARK_GATEWAY_MAX_GREPS"] = "2", ["ISPARK_GATEWAY_MAX_CONNECTIONS"] = "99" });
        limits.MaxConnections.Should().Be(8);
        limits.MaxJobUploadBytes.Should().Be(1024 * 1024);
        limits.MaxConcurrentGreps.Should().Be(2);
        limits.GrepTimeBudget.Should().Be(TimeSpan.FromSeconds(2));
        limits.IdleTimeout.Should().Be(TimeSpan.FromMinutes(5));
        FluentActions.Invoking(() => GatewayOptions.Parse(["--max-greps", "0"], env))
            .Should().Throw<GatewayConfigurationException>().WithMessage("--max-greps must be a whole number above 0; got '0'.");
        FluentActions.Invoking(() => GatewayOptions.Parse(["--port"], env))
            .Should().Throw<GatewayConfigurationException>().Which.Message.Should().Contain("--port").And.NotContain("System.");
        GatewayOptions.AsksForHelp(["--port", "1", "--help"]).Should().BeTrue();
        GatewayOptions.AsksForHelp(["--", "server", "--help"]).Should().BeFalse("what follows -- is Spark's");
        var help = new StringWriter();
        GatewayOptions.WriteHelp(help);
        help.ToString().Should().Contain("--max-unauthenticated-connections").And.Contain("ISPARK_GATEWAY_TOKEN_SHA256_FILE").And.Contain("--hostname");

        using var certificate = GatewayCertificate.Create(["driver.example"]);
        System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(certificate)!.KeySize.Should().Be(256);
        GatewayCertificate.Fingerprint(certificate).Should().MatchRegex("^[0-9A-F]{64}$");
        GatewayHost.RewriteUiLocation(new Uri("http://127.0.0.1:4040/jobs/")).Should().Be("/ui/jobs/");
        GatewayHost.RewriteUiLocation(new Uri("/ui/jobs/", UriKind.Relative)).Should().Be("/ui/jobs/");
        GatewayHost.RewriteUiLocation(new Uri("/stages/?id=1", UriKind.Relative)).Should().Be("/ui/stages/?id=1");
    }

    private static bool ProcessIsGone(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using InteractiveSpark.Sessions.Docker;
using Xunit.Abstractions;

namespace InteractiveSpark.Docker.Tests;

/// <summary>
/// Nothing of a Docker session answers without its credential: every listening socket of the session's processes
/// (found with <c>ss -ltnp</c> and the containers' process ids, not from a list of ports) is tried without it; and
/// neither the session's Spark secrets nor a <c>--conf</c> value is in what Docker or the process list shows.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed partial class IsolationTests(DockerFixture docker, ITestOutputHelper output)
{
    private const string ConfKey = "spark.ispark.test.storage.credential";

    [Fact]
    public async Task Every_socket_of_a_session_refuses_without_its_credential_and_no_secret_is_in_inspect_or_ps()
    {
        var confValue = "conf-value-" + Guid.NewGuid().ToString("N");
        var options = docker.Options("isolation") with { Executors = 1 };
        options = options with { Conf = new Dictionary<string, string>(options.Conf) { [ConfKey] = confValue } };
        var owner = await new DockerSparkLauncher(options).StartAsync();
        try
        {
            using var http = DockerLauncherTests.GatewayClient(owner);
            await using var spark = await owner.ConnectAsync();
            var appId = await DockerLauncherTests.SingleApplicationAsync(http);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((await DockerLauncherTests.ExecutorsAsync(http, appId)).Count(e => e.Id != "driver" && e.Active) < 1)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the executor registers within 120 s (authenticated, encrypted RPC)");
                await Task.Delay(1000);
            }

            // A shuffle: block transfers between the executor and the driver go through Spark's authenticated, encrypted channel.
            var rows = await (await spark.SqlAsync("select k, count(*) from (select id % 7 as k from range(0, 100000, 1, 4)) group by k order by k")).CollectAsync();
            rows.Should().HaveCount(7);
            (await spark.Conf.GetAsync("spark.authenticate")).Should().Be("true");
            (await spark.Conf.GetAsync("spark.network.crypto.enabled")).Should().Be("true");
            (await spark.Conf.GetAsync("spark.io.encryption.enabled")).Should().Be("true");

            // The UI and an executor log still work through the gateway (it adds the UI secret); the --conf value is redacted there.
            var environment = await http.GetStringAsync($"/ui/api/v1/applications/{appId}/environment");
            environment.Should().Contain(ConfKey).And.NotContain(confValue, "spark.redaction.regex covers credential keys");
            (await http.GetStringAsync("/logs/executor/0?grep=executor-id")).Should().Contain("CoarseGrainedExecutorBackend");

            // The secrets, as the containers hold them (whoever runs docker exec owns the containers anyway).
            var uiSecret = (await Docker("exec", owner.DriverContainerId, "cat", ContainerSessionFolder + "/ui-secret")).Trim();
            var properties = await Docker("exec", owner.DriverContainerId, "cat", ContainerSessionFolder + "/spark.properties");
            var authSecret = AuthSecretRegex().Match(properties).Groups[1].Value;
            uiSecret.Should().MatchRegex("^[0-9a-f]{64}$");
            authSecret.Should().MatchRegex("^[0-9a-f]{64}$");
            properties.Should().Contain(confValue);
            (await Docker("exec", owner.DriverContainerId, "stat", "-c", "%a %U", ContainerSessionFolder, ContainerSessionFolder + "/spark.properties", ContainerSessionFolder + "/ui-secret"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("700 spark", "600 spark", "600 spark");

            var containers = new[] { owner.DriverContainerId }.Concat(owner.WorkerContainerIds).ToList();
            var shown = new StringBuilder();
            foreach (var id in containers)
            {
                shown.Append(await Docker("inspect", id));
            }

            shown.Append((await TestProcess.RunAsync("ps", ["-eww", "-o", "args"], TimeSpan.FromSeconds(30))).Output);
            shown.ToString().Should().NotContain(owner.ConnectionString.Token!).And.NotContain(uiSecret).And.NotContain(authSecret)
                .And.NotContain(confValue, "--conf values travel in a 0600 file, not on a command line or in the container's definition");

            // Every listening socket of the session's processes.
            var pids = new HashSet<int>();
            foreach (var id in containers)
            {
                foreach (var line in (await Docker("top", id, "-eo", "pid")).Split('\n').Skip(1))
                {
                    if (int.TryParse(line.Trim(), out var pid))
                    {
                        pids.Add(pid);
                    }
                }
            }

            var sockets = (await TestProcess.RunAsync("ss", ["-ltnpH"], TimeSpan.FromSeconds(30))).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => PidRegex().Matches(line).Any(m => pids.Contains(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))))
                .Select(line => ParseLocal(LocalAddressRegex().Match(line).Groups[1].Value))
                .Distinct()
                .ToList();
            output.WriteLine($"{sockets.Count} listening sockets of the session's processes");
            sockets.Count.Should().BeGreaterThanOrEqualTo(8, "gateway, Spark Connect, driver UI, driver RPC, block managers, master RPC and UI, worker RPC and UI");
            var verdicts = new List<string>();
            foreach (var socket in sockets)
            {
                socket.Address.Should().Be(IPAddress.Loopback, $"a local session binds loopback only ({socket})");
                var verdict = await ProbeAsync(socket);
                verdicts.Add($"{socket.Port}: {verdict}");
                output.WriteLine($"{socket}: {verdict}");
            }

            verdicts.Should().OnlyContain(v => !v.Contains("OPEN", StringComparison.Ordinal));
            verdicts.Count(v => v.Contains("UI secret", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(3, "driver, master and worker UIs");
            verdicts.Should().ContainSingle(v => v.Contains("TLS", StringComparison.Ordinal), "the gateway");
            verdicts.Should().ContainSingle(v => v.Contains("gRPC", StringComparison.Ordinal), "Spark Connect");
            var rpc = verdicts.Where(v => v.Contains("Spark RPC", StringComparison.Ordinal)).ToList();
            rpc.Count.Should().BeGreaterThanOrEqualTo(3, "driver, master, worker, block managers");
            rpc.Should().OnlyContain(v => v.Contains("Expected SaslMessage", StringComparison.Ordinal) || v.Contains("closed", StringComparison.Ordinal),
                "Spark's authentication layer refuses a request without the secret before any RPC handler sees it");
        }
        finally
        {
            await owner.DisposeAsync();
        }
    }

    private const string ContainerSessionFolder = "/opt/ispark/session";

    /// <summary>ss's local address: 127.0.0.1:N, [::ffff:127.0.0.1]:N, [::]:N or *:N (the last two: every address).</summary>
    private static IPEndPoint ParseLocal(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = text[..colon].Trim('[', ']');
        var port = int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var address = host is "*" or "::" ? IPAddress.Any : IPAddress.Parse(host);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
    }

    private static async Task<string> Docker(params string[] args)
    {
        var result = await TestProcess.RunAsync("docker", args, TimeSpan.FromSeconds(30));
        result.ExitCode.Should().Be(0, result.Output);
        return result.Output;
    }

    /// <summary>
    /// Tries one socket without any credential, the ways its kind of server would be used: HTTP (a UI must answer 401),
    /// TLS (the gateway: a request without the token gets 401), gRPC over cleartext HTTP/2 (Spark Connect: UNAUTHENTICATED),
    /// Spark's RPC framing (an RPC request must get a failure or a closed connection, never an answer).
    /// Returns what refused it, or a text with OPEN when something answered.
    /// </summary>
    private static async Task<string> ProbeAsync(IPEndPoint socket)
    {
        var http = await ExchangeAsync(socket, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"));
        var httpText = Encoding.ASCII.GetString(http);
        if (httpText.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return httpText.StartsWith("HTTP/1.1 401", StringComparison.Ordinal) ? "HTTP 401 without the UI secret" : "OPEN: HTTP " + httpText.Split('\r')[0];
        }

        if (await TlsAsync(socket) is { } tls)
        {
            return tls;
        }

        if (await GrpcAsync(socket) is { } grpc)
        {
            return grpc;
        }

        // Spark RPC: frame length (8, including itself), type 3 (RpcRequest), request id (8), body length (4), body.
        var body = Encoding.ASCII.GetBytes("not an authentication message");
        var frame = new byte[8 + 1 + 8 + 4 + body.Length];
        BinaryPrimitives.WriteInt64BigEndian(frame, frame.Length);
        frame[8] = 3;
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(9), 42);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(17), body.Length);
        body.CopyTo(frame, 21);
        var answer = await ExchangeAsync(socket, frame);
        if (answer.Length == 0)
        {
            return "Spark RPC: connection closed without an answer";
        }

        // An RpcFailure's text says why: without the secret it is SASL's (the fallback of Spark's auth protocol), never the RPC's own.
        var text = new string(Encoding.ASCII.GetString(answer).Where(c => c is >= ' ' and <= '~').ToArray());
        return answer.Length > 8 && answer[8] == 5 ? $"Spark RPC: RpcFailure ({text[..Math.Min(text.Length, 160)]})" : $"OPEN: Spark RPC answered type {answer[Math.Min(8, answer.Length - 1)]}";
    }

    private static async Task<byte[]> ExchangeAsync(IPEndPoint socket, byte[] request)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = new MemoryStream();
        try
        {
            await tcp.ConnectAsync(socket, timeout.Token);
            var stream = tcp.GetStream();
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[4096];
            int n;
            while (received.Length < 4096 && (n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
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

    private static async Task<string?> TlsAsync(IPEndPoint socket)
    {
        using var handler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(new Uri($"https://{socket}/ui/"));
            return response.StatusCode == HttpStatusCode.Unauthorized ? "TLS, 401 without the session token" : $"OPEN: TLS answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<string?> GrpcAsync(IPEndPoint socket)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{socket}/spark.connect.SparkConnectService/Config"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        try
        {
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
                : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : "none";
            return status == "16" ? "gRPC UNAUTHENTICATED without the internal token" : $"OPEN: gRPC status {status}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidRegex();

    [GeneratedRegex(@"^LISTEN\s+\d+\s+\d+\s+(\S+)")]
    private static partial Regex LocalAddressRegex();

    [GeneratedRegex(@"(?m)^spark\.authenticate\.secret=(\S+)$")]
    private static partial Regex AuthSecretRegex();
}

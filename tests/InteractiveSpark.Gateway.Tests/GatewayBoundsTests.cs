using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>
/// The gateway's bounds on what anyone who reaches its port can cause (refusal logs, connections before
/// authentication) and on what a holder of the token can ask (a gzip Config request, a job upload, log searches).
/// Each bound is set small on a gateway of its own, in front of the collection's Spark.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayBoundsTests(GatewayFixture fx)
{
    [Fact]
    public async Task Unauthenticated_requests_are_logged_at_a_bounded_rate_and_size()
    {
        await using var gw = await SmallGateway.StartAsync(fx, o => o);
        using var http = gw.Http();
        var longPath = "/logs/" + new string('x', 4 * 1024);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            using var response = await http.GetAsync(longPath + "?i=" + i);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var flood = watch.Elapsed;
        await Task.Delay(1100); // one token back in the bucket
        (await http.GetAsync("/ui/after-the-flood")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var refused = gw.Output.Split('\n').Where(l => l.Contains("Refused ", StringComparison.Ordinal)).ToList();
        refused.Count.Should().BeLessThanOrEqualTo(RefusalLog.Burst + (int)Math.Ceiling(flood.TotalSeconds) + 2, "200 refusals, at most the burst and one a second");
        refused.Count.Should().BeGreaterThan(1);
        refused.Should().OnlyContain(l => l.Length < 1024, "a line's path is cut");
        refused.Should().NotContain(l => l.Contains(new string('x', RefusalLog.MaxPathLength + 1), StringComparison.Ordinal));
        refused[^1].Should().Contain("after-the-flood");
        var skipped = refused.Select(l => long.Parse(
            System.Text.RegularExpressions.Regex.Match(l, "\"Skipped\":(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        skipped[^1].Should().BeGreaterThan(0, "what was not logged is counted on the next line");
        (refused.Count + skipped.Sum()).Should().Be(201, "every refusal is logged or counted");
    }

    [Fact]
    public async Task Connections_without_the_credential_are_limited_and_closed_when_idle_while_an_authenticated_one_stays_open()
    {
        await using var gw = await SmallGateway.StartAsync(fx, o => o with
        {
            MaxUnauthenticatedConnections = 3,
            UnauthenticatedIdleTimeout = TimeSpan.FromSeconds(1),
        });

        // Three silent TCP connections fill the set; a fourth is closed at once, before any TLS.
        var silent = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, gw.Host.Port);
                silent.Add(tcp);
            }

            await Task.Delay(200); // let the server admit them
            using (var fourth = new TcpClient())
            {
                await fourth.ConnectAsync(IPAddress.Loopback, gw.Host.Port);
                (await ClosedWithinAsync(fourth, TimeSpan.FromSeconds(3))).Should().BeTrue("a fourth unauthenticated connection is over the limit");
            }

            // Idle for the timeout: each of the three is closed by the gateway.
            foreach (var tcp in silent)
            {
                (await ClosedWithinAsync(tcp, TimeSpan.FromSeconds(5))).Should().BeTrue("an idle unauthenticated connection is closed");
            }
        }
        finally
        {
            silent.ForEach(t => t.Dispose());
        }

        gw.Output.Should().Contain("unauthenticated connections are open already").And.Contain("nothing in flight");

        // Over TLS: a client that was refused (401) and then idles past the timeout needs a new connection; one that
        // authenticated keeps its connection through the same idle time.
        foreach (var (token, expected) in new[] { ((string?)null, 2), (fx.Token, 1) })
        {
            var connections = 0;
            using var http = gw.Http(() => Interlocked.Increment(ref connections));
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/logs/driver?tail=1");
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                using var response = await http.SendAsync(request);
                response.StatusCode.Should().Be(token is null ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
                if (i == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2.5));
                }
            }

            connections.Should().Be(expected, token is null ? "the refused client's connection was closed while idle" : "the authenticated connection stayed open");
        }
    }

    [Fact]
    public async Task A_gzip_Config_request_is_limited_once_decompressed_and_as_sent()
    {
        using var http = fx.Http();

        // 16 MiB of zeros gzip to about 16 KiB: under the limit as sent, four times over it decompressed.
        var bomb = Gzip(new byte[16 * 1024 * 1024]);
        bomb.Length.Should().BeLessThan(ConfigFilter.MaxMessageBytes / 64);
        var watch = Stopwatch.StartNew();
        (await ConfigStatusAsync(http, bomb, gzip: true)).Should().Be("8", "RESOURCE_EXHAUSTED");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

        // As sent: a body above the limit is refused without reading it all.
        (await ConfigStatusAsync(http, RandomNumberGenerator.GetBytes(ConfigFilter.MaxMessageBytes + 1024), gzip: false)).Should().Be("8");

        // A small gzip body is read (and, not being a ConfigRequest, refused as malformed rather than as too large).
        (await ConfigStatusAsync(http, Gzip(Encoding.UTF8.GetBytes("not a config request")), gzip: true)).Should().Be("3", "INVALID_ARGUMENT");
        fx.Output.Should().Contain("Refused a Config request larger than");
    }

    [Fact]
    public async Task A_job_upload_above_the_limit_is_refused_with_413_and_the_task_still_waits_for_its_notebook()
    {
        var jobDir = Directory.CreateTempSubdirectory("ispark-gateway-job-").FullName;
        try
        {
            await using var gw = await SmallGateway.StartAsync(fx, o => o with { JobDir = jobDir, MaxJobUploadBytes = 1024 * 1024 });
            using var http = gw.Http();
            var big = "{\"notebook\": \"big.ipynb\", \"content\": \"" + new string('a', 2 * 1024 * 1024) + "\"}";
            foreach (var chunked in new[] { false, true })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/job/start");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
                request.Content = chunked
                    ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) // no Content-Length: the limit holds while reading
                    : new StringContent(big, Encoding.UTF8, "application/json");
                request.Headers.TransferEncodingChunked = chunked;
                using var response = await http.SendAsync(request);
                response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, chunked ? "chunked" : "with a length");
                (await response.Content.ReadAsStringAsync()).Should().Contain("at most 1 MiB");
            }

            using var status = new HttpRequestMessage(HttpMethod.Get, "/job/status");
            status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
            (await (await http.SendAsync(status)).Content.ReadAsStringAsync()).Should().Contain("waiting");
        }
        finally
        {
            Directory.Delete(jobDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_log_search_matches_in_linear_time_and_is_bounded_in_time_and_in_concurrency()
    {
        await using var gw = await SmallGateway.StartAsync(fx, o => o with { MaxConcurrentGreps = 1, GrepTimeBudget = TimeSpan.FromMilliseconds(20) });
        // 40 MB of lines that make a backtracking engine take exponential time on (a+)+$.
        var line = new string('a', 60) + "!";
        await using (var writer = new StreamWriter(gw.DriverLog))
        {
            for (var i = 0; i < 600_000; i++)
            {
                await writer.WriteLineAsync(line);
            }

            await writer.WriteLineAsync("the last line aaaa");
        }

        using var http = gw.Http();
        HttpRequestMessage Get(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
            return request;
        }

        var watch = Stopwatch.StartNew();
        using (var cut = await http.SendAsync(Get("/logs/driver?tail=5&grep=" + Uri.EscapeDataString("(a+)+$"))))
        {
            cut.StatusCode.Should().Be(HttpStatusCode.OK);
            var text = await cut.Content.ReadAsStringAsync();
            text.TrimEnd().Split('\n')[^1].Should().StartWith(LogEndpoints.GrepStoppedNote);
        }

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        using (var backreference = await http.SendAsync(Get("/logs/driver?grep=" + Uri.EscapeDataString("(a)\\1"))))
        {
            backreference.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await backreference.Content.ReadAsStringAsync()).Should().Contain("linear time");
        }

        // One search following the log holds the only slot: another is told to retry, a plain tail still works.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var followHttp = gw.Http(); // a connection of its own: the follow holds its connection
        var following = await followHttp.SendAsync(Get("/logs/driver?tail=0&follow=true&grep=ERROR"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        following.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var second = await http.SendAsync(Get("/logs/driver?tail=1&grep=last")))
        {
            second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            (await second.Content.ReadAsStringAsync()).Should().Contain("1 log searches");
        }

        (await http.SendAsync(Get("/logs/driver?tail=1"))).StatusCode.Should().Be(HttpStatusCode.OK);
        following.Dispose();
        await cts.CancelAsync();

        // Once the follower has gone, the slot is free again.
        var freed = false;
        for (var deadline = Stopwatch.StartNew(); !freed && deadline.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            using var again = await http.SendAsync(Get("/logs/driver?tail=1&grep=last"));
            freed = again.StatusCode == HttpStatusCode.OK;
        }

        freed.Should().BeTrue();
    }

    private async Task<string?> ConfigStatusAsync(HttpClient http, byte[] payload, bool gzip)
    {
        var body = new byte[5 + payload.Length];
        body[0] = gzip ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/spark.connect.SparkConnectService/Config")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        request.Headers.TE.ParseAdd("trailers");
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.Headers.TryGetValues("grpc-status", out var values) ? values.First()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var trailers) ? trailers.First() : null;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Whether the server closes a connection (a read ends or fails) within a time.</summary>
    private static async Task<bool> ClosedWithinAsync(TcpClient tcp, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[1];
        try
        {
            return await tcp.GetStream().ReadAsync(buffer, cts.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

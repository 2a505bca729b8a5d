using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>The gateway in front of a real Spark Connect server: queries, the token, the pin, secrets, the UI, logs.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayTests(GatewayFixture fx)
{
    // One task that sleeps a second per row: a query that runs for minutes at no CPU cost.
    private const string SlowQuery = "SELECT id, java_method('java.lang.Thread', 'sleep', 1000L + id * 0) AS slept FROM range(0, 600, 1, 1)";

    [Fact]
    public async Task A_query_and_a_streamed_collect_work_through_the_gateway_with_the_certificate_pinned()
    {
        await using var session = await fx.ConnectAsync();

        (await session.VersionAsync()).Should().StartWith("4.");
        var one = await (await session.SqlAsync("SELECT 1 AS one, 'x' AS s")).CollectAsync();
        one.Should().ContainSingle();
        one[0][0].Should().Be(1);
        one[0]["s"].Should().Be("x");

        // Many Arrow batches over one ExecutePlan stream.
        const long n = 2_000_000;
        var rows = await (await session.SqlAsync($"SELECT id, id * 2 AS twice FROM range(0, {n}, 1, 4)")).CollectAsync();
        rows.Should().HaveCount((int)n);
        long sum = 0, sumTwice = 0;
        foreach (var row in rows)
        {
            sum += (long)row[0]!;
            sumTwice += (long)row[1]!;
        }

        sum.Should().Be((n - 1) * n / 2);
        sumTwice.Should().Be((n - 1) * n);
        fx.Gateway.Activity.Calls.Should().ContainKey("ExecutePlan");
    }

    [Fact]
    public async Task Every_path_is_refused_without_the_token_and_with_a_wrong_one_and_nothing_is_forwarded()
    {
        var before = fx.Gateway.Activity.Calls.GetValueOrDefault("ExecutePlan");

        // gRPC: a clear UNAUTHENTICATED, before anything reaches Spark.
        foreach (var token in new[] { "wrong-" + fx.Token, "" })
        {
            var connect = () => SparkSession.ConnectAsync(
                fx.GatewayConnection(token.Length == 0 ? null : token),
                new SparkSessionOptions { ConnectTimeout = TimeSpan.FromSeconds(10), PinnedServerCertificateSha256 = fx.Gateway.CertificateSha256 });
            var error = (await connect.Should().ThrowAsync<SparkException>()).Which;
            error.ToString().Should().Contain(token.Length == 0 ? "no session token" : "wrong session token");
            error.ToString().Should().NotContain(fx.Token);
        }

        using var http = fx.Http();
        var paths = new[]
        {
            "/ui/", "/ui/jobs/", "/ui", "/logs/driver", "/logs/driver?follow=true", "/logs/executor", "/logs/executor/0", "/nothing-here",
            "/spark.connect.SparkConnectService/ExecutePlan",
        };
        foreach (var path in paths)
        {
            foreach (var auth in new[] { null, "Bearer wrong", "Bearer " + fx.Token + "x", fx.Token[..^1] })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (auth is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", auth);
                }

                request.Headers.TryAddWithoutValidation("Cookie", $"{TokenGuard.CookieName}=forged");
                using var response = await http.SendAsync(request);
                response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{path} with '{auth}'");
                (await response.Content.ReadAsStringAsync()).Should().Contain("401");
            }
        }

        // A raw gRPC call (HTTP/2, application/grpc) without a token: trailers-only UNAUTHENTICATED.
        using var grpc = new HttpRequestMessage(HttpMethod.Post, "/spark.connect.SparkConnectService/ExecutePlan")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        grpc.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var grpcResponse = await http.SendAsync(grpc);
        grpcResponse.Headers.GetValues("grpc-status").Should().Equal("16");
        string.Join("", grpcResponse.Headers.GetValues("grpc-message")).Should().Contain("no session token");

        fx.Gateway.Activity.Calls.GetValueOrDefault("ExecutePlan").Should().Be(before, "no refused call reached Spark");

        // Health needs no token and says nothing secret.
        var health = await http.GetStringAsync("/health");
        using var doc = JsonDocument.Parse(health);
        doc.RootElement.GetProperty("ready").GetBoolean().Should().BeTrue();
        doc.RootElement.GetProperty("sparkVersion").GetString().Should().StartWith("4.");
        doc.RootElement.GetProperty("certificateSha256").GetString().Should().Be(fx.Gateway.CertificateSha256);
        health.Should().NotContain(fx.Token).And.NotContain(fx.InternalToken);
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_during_the_TLS_handshake_before_the_token_is_sent()
    {
        var refusedBefore = CountRefusals();
        var callsBefore = fx.Gateway.Activity.Calls.Values.Sum();
        var wrongPin = new string('A', 64);

        var connect = () => fx.ConnectAsync(pin: wrongPin, options: new SparkSessionOptions { ConnectTimeout = TimeSpan.FromSeconds(10) });
        var error = (await connect.Should().ThrowAsync<SparkException>()).Which;
        error.ToString().Should().MatchRegex("(?i)ssl|tls|certificate");

        // No request ever reached the gateway's HTTP layer: the token never left the client.
        fx.Gateway.Activity.Calls.Values.Sum().Should().Be(callsBefore);
        CountRefusals().Should().Be(refusedBefore);

        // The right pin over plain TCP is refused too: a pin needs TLS.
        var plain = () => SparkSession.ConnectAsync(
            fx.GatewayConnection(fx.Token) with { Host = "127.0.0.1", UseSsl = false },
            new SparkSessionOptions { PinnedServerCertificateSha256 = fx.Gateway.CertificateSha256 });
        await plain.Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task The_Config_RPC_never_returns_the_internal_token_or_another_secret()
    {
        await using var session = await fx.ConnectAsync();
        var conf = session.Conf;
        const string key = "spark.connect.authenticate.token";

        // Spark itself hands its token to any client through Config (measured on 4.2): asked directly, it answers.
        await using (var direct = await SparkSession.ConnectAsync(fx.Spark.ConnectionString with { Token = fx.InternalToken }))
        {
            (await direct.Conf.GetOptionAsync(key)).Should().Be(fx.InternalToken, "this is what the gateway is there to stop");
        }

        // Through the gateway, every Config read shows it redacted.
        (await conf.GetOptionAsync(key)).Should().Be(ConfigFilter.Redacted);
        (await conf.GetAsync(key)).Should().Be(ConfigFilter.Redacted);
        (await conf.GetAsync(key, "default")).Should().Be(ConfigFilter.Redacted);
        var all = await conf.GetAllAsync();
        all.Should().Contain(key, ConfigFilter.Redacted);
        all.Values.Should().NotContain(v => v.Contains(fx.InternalToken, StringComparison.Ordinal) || v.Contains(fx.Token, StringComparison.Ordinal));
        all.Where(p => p.Key.Contains("token", StringComparison.OrdinalIgnoreCase) || p.Key.Contains("secret", StringComparison.OrdinalIgnoreCase))
            .Should().OnlyContain(p => p.Value == ConfigFilter.Redacted);
        (await conf.GetAllAsync("spark.connect.authenticate")).Should().Equal(new Dictionary<string, string> { [key] = ConfigFilter.Redacted });
        (await conf.IsModifiableAsync(key)).Should().BeFalse("IsModifiable answers are booleans, left alone");

        // A secret this session sets is usable by Spark, but reads back redacted.
        await conf.SetAsync("spark.hadoop.fs.s3a.secret.key", "s3-secret-value");
        (await conf.GetAsync("spark.hadoop.fs.s3a.secret.key")).Should().Be(ConfigFilter.Redacted);
        (await conf.GetAsync("spark.hadoop.fs.s3a.secret.key", "dflt")).Should().Be(ConfigFilter.Redacted);
        (await conf.GetAllAsync("spark.hadoop.fs.s3a.")).Should().Contain("spark.hadoop.fs.s3a.secret.key", ConfigFilter.Redacted);
        // Non-secret settings are untouched.
        await conf.SetAsync("spark.sql.shuffle.partitions", "7");
        (await conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("7");

        // SQL's own ways of listing settings: Spark redacts these itself; the internal token is not among them.
        foreach (var sql in new[] { "SET -v", "SET", $"SET {key}", "SET spark.hadoop.fs.s3a.secret.key" })
        {
            var text = string.Join("\n", (await (await session.SqlAsync(sql)).CollectAsync()).Select(r => string.Join("|", r)));
            text.Should().NotContain(fx.InternalToken, sql).And.NotContain(fx.Token, sql).And.NotContain("s3-secret-value", sql);
        }

        // What the gateway cannot block: SQL calls Java, so a session's holder owns its driver (see the idle test and
        // docs/security.md: java_method reads the driver's environment). Here the token is a conf, and Java reads it too.
        var viaJava = await (await session.SqlAsync(
            "SELECT java_method('org.apache.spark.SparkEnv', 'get') IS NOT NULL AS reachable")).CollectAsync();
        viaJava[0][0].Should().Be(true);
    }

    [Fact]
    public async Task Interrupt_reaches_a_running_query_through_the_gateway()
    {
        await using var session = await fx.ConnectAsync();
        var tag = "gw-" + Guid.NewGuid().ToString("N");
        var operationId = Guid.NewGuid().ToString();
        var query = Task.Run(async () => await (await session.SqlAsync(SlowQuery)).CollectAsync(new ExecutionOptions { OperationId = operationId, Tags = [tag] }));

        IReadOnlyList<string> interrupted = [];
        var deadline = Stopwatch.StartNew();
        while (interrupted.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30) && !query.IsCompleted)
        {
            await Task.Delay(200);
            interrupted = await session.InterruptTagAsync(tag);
        }

        interrupted.Should().Equal(operationId);
        var error = (await FluentActions.Awaiting(() => query.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<SparkException>()).Which;
        error.ErrorClass.Should().Be("OPERATION_CANCELED");
        fx.Gateway.Activity.Calls.Should().ContainKey("Interrupt");
    }

    [Fact]
    public async Task A_stream_the_gateway_breaks_is_reattached_through_it_and_the_result_is_complete()
    {
        await using var session = await fx.ConnectAsync();
        var reattachesBefore = fx.Gateway.Activity.Calls.GetValueOrDefault("ReattachExecute");
        // Five rows, one every 800 ms: the stream is open for four seconds.
        var query = Task.Run(async () => await (await session.SqlAsync(
            "SELECT id, java_method('java.lang.Thread', 'sleep', 800L + id * 0) AS slept FROM range(0, 5, 1, 1)")).CollectAsync());

        var aborted = 0;
        var deadline = Stopwatch.StartNew();
        while (aborted == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(300);
            if (deadline.Elapsed > TimeSpan.FromSeconds(1))
            {
                aborted = fx.Gateway.Activity.AbortExecutionStreams();
            }
        }

        aborted.Should().BeGreaterThan(0);
        var rows = await query.WaitAsync(TimeSpan.FromSeconds(60));
        rows.Select(r => (long)r[0]!).Should().Equal(0, 1, 2, 3, 4);
        fx.Gateway.Activity.Calls.GetValueOrDefault("ReattachExecute").Should().BeGreaterThan(reattachesBefore);
    }

    [Fact]
    public async Task The_Spark_UI_is_served_under_ui_behind_the_token_with_working_links_and_a_browser_login()
    {
        using var http = fx.Http();
        using var root = new HttpRequestMessage(HttpMethod.Get, "/ui/");
        root.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        using var redirect = await http.SendAsync(root);
        ((int)redirect.StatusCode).Should().BeInRange(301, 302);
        redirect.Headers.Location!.OriginalString.Should().StartWith("/ui/jobs");

        using var jobsRequest = new HttpRequestMessage(HttpMethod.Get, "/ui/jobs/");
        jobsRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        using var jobs = await http.SendAsync(jobsRequest);
        jobs.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await jobs.Content.ReadAsStringAsync();
        html.Should().Contain("Spark Jobs");
        html.Should().Contain("href=\"/ui/executors/\"").And.Contain("/ui/static/");
        html.Should().NotContain("href=\"/executors/\"");

        // A browser: a one-time login link (no token in the URL), then the cookie; the link works once.
        var ticketRequest = new HttpRequestMessage(HttpMethod.Post, "/login/ticket");
        ticketRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);
        using var ticketResponse = await http.SendAsync(ticketRequest);
        var link = JsonDocument.Parse(await ticketResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("path").GetString()!;
        link.Should().StartWith("/login?ticket=").And.NotContain(fx.Token);

        var cookies = new CookieContainer();
        using var browser = fx.Http(cookies, followRedirects: true);
        using var page = await browser.GetAsync(link);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.RequestMessage!.RequestUri!.AbsolutePath.Should().StartWith("/ui/jobs");
        (await page.Content.ReadAsStringAsync()).Should().Contain("Spark Jobs");
        (await browser.GetAsync("/ui/executors/")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await browser.GetAsync("/logs/driver?tail=1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await fx.Http(new CookieContainer(), followRedirects: true).GetAsync(link)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a ticket works once");

        // The token itself works as a login link too (the cookie is random, not the token).
        var cookies2 = new CookieContainer();
        using var browser2 = fx.Http(cookies2, followRedirects: false);
        using var login = await browser2.GetAsync("/login?token=" + Uri.EscapeDataString(fx.Token));
        login.StatusCode.Should().Be(HttpStatusCode.Redirect);
        login.Headers.Location!.OriginalString.Should().Be("/ui/");
        var cookie = cookies2.GetCookies(new Uri($"https://localhost:{fx.Gateway.Port}/"))[TokenGuard.CookieName]!;
        cookie.Value.Should().NotContain(fx.Token);
        cookie.HttpOnly.Should().BeTrue();
        cookie.Secure.Should().BeTrue();
        (await browser2.GetAsync("/login?token=wrong")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Driver_and_executor_logs_are_served_with_tail_grep_and_follow()
    {
        using var http = fx.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fx.Token);

        var fileLines = ReadShared(fx.DriverLog);
        fileLines.Should().NotBeEmpty();
        var tail = Lines(await http.GetStringAsync("/logs/driver?tail=5"));
        tail.Should().HaveCount(Math.Min(5, fileLines.Length));
        fileLines.Should().ContainInOrder(tail); // the file may have grown since: the lines are there, in order

        var grep = Lines(await http.GetStringAsync("/logs/driver?tail=1000&grep=" + Uri.EscapeDataString("Spark Connect server started")));
        grep.Should().NotBeEmpty().And.OnlyContain(l => l.Contains("Spark Connect server started"));
        (await http.GetAsync("/logs/driver?grep=" + Uri.EscapeDataString("("))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await http.GetStringAsync("/logs/executor")).Should().Contain("app-20261126000000-0000/0").And.Contain("app-20261126000000-0000/1");
        var errors = Lines(await http.GetStringAsync("/logs/executor/0?tail=3&grep=ERROR"));
        errors.Should().Equal("executor 0 line 30 ERROR", "executor 0 line 40 ERROR", "executor 0 line 50 ERROR");
        Lines(await http.GetStringAsync("/logs/executor/0?stream=stdout")).Should().Equal("executor 0 stdout");
        Lines(await http.GetStringAsync("/logs/executor/1")).Should().Equal("executor 1 says hello");
        (await http.GetAsync("/logs/executor/7")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/logs/executor/..%2F..%2Fetc")).StatusCode.Should().BeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);

        // follow: the last line, then what is appended, as it is appended.
        var stderr = Path.Combine(fx.ExecutorLogs, "app-20261126000000-0000", "1", "stderr");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync("/logs/executor/1?tail=1&follow=true&grep=hello", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        (await reader.ReadLineAsync(cts.Token)).Should().Be("executor 1 says hello");
        await File.AppendAllTextAsync(stderr, "not this one\nhello again\n", cts.Token);
        (await reader.ReadLineAsync(cts.Token)).Should().Be("hello again");
    }

    [Fact]
    public async Task Neither_token_appears_in_any_line_the_gateway_wrote_and_every_log_line_names_the_session()
    {
        // Exercise the paths that see tokens: a good session, a wrong token, a login with the token in the URL, a ticket.
        await using (var session = await fx.ConnectAsync())
        {
            (await (await session.SqlAsync("SELECT 2")).CollectAsync())[0][0].Should().Be(2);
            await session.Conf.GetAllAsync();
        }

        await FluentActions.Awaiting(() => fx.ConnectAsync(token: fx.Token + "-wrong", options: new SparkSessionOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }))
            .Should().ThrowAsync<SparkException>();
        using var http = fx.Http();
        (await http.GetAsync("/login?token=" + Uri.EscapeDataString(fx.Token))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await http.GetAsync("/login?token=" + Uri.EscapeDataString(fx.Token + "x"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.GetAsync("/ui/?token=" + Uri.EscapeDataString(fx.Token))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var output = fx.Output;
        var file = string.Join("\n", ReadShared(fx.GatewayLogFile));
        foreach (var text in new[] { output, file })
        {
            text.Should().NotBeEmpty();
            text.Should().NotContain(fx.Token).And.NotContain(fx.InternalToken);
            text.Should().Contain("Refused");
        }

        var jsonLines = Lines(output).Where(l => l.StartsWith('{')).ToList();
        jsonLines.Should().NotBeEmpty();
        foreach (var line in jsonLines)
        {
            JsonDocument.Parse(line).RootElement.GetProperty("SessionId").GetString().Should().Be("gw-test-session", line);
        }

        Lines(output).Should().Contain($"gateway-certificate-sha256: {fx.Gateway.CertificateSha256}");
    }

    private int CountRefusals() => Lines(fx.Output).Count(l => l.Contains("Refused", StringComparison.Ordinal));

    internal static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    internal static string[] ReadShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(fs);
        return Lines(reader.ReadToEnd());
    }
}

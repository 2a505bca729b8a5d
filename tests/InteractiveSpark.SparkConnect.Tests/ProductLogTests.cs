using System.Net;
using System.Text;
using InteractiveSpark.Core;
using InteractiveSpark.Logging;
using InteractiveSpark.Sessions.Local;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>The product's log as its reader meets it: the file on disk, the lines in it, what they never contain.</summary>
[Collection(SparkCollection.Name)]
public sealed class ProductLogTests(SparkServerFixture spark) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ispark-log-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LoggingOptions Options(string application = "test") => new() { Application = application, Directory = _folder };

    private string ReadLog(string application = "test")
    {
        var files = Directory.GetFiles(_folder, application + "-*.log");
        files.Should().ContainSingle("one file per application and day");
        using var stream = new FileStream(files[0], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public async Task A_spark_session_logs_its_connect_and_close_with_its_session_id_and_never_its_token()
    {
        using (var log = ProductLog.Create(Options()))
        {
            var options = new SparkSessionOptions { LoggerFactory = log.LoggerFactory };
            await using (var session = await SparkSession.ConnectAsync(spark.ConnectionString, options))
            {
                (await (await session.SqlAsync("select 1")).CollectAsync()).Should().HaveCount(1);
                var lines = ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                lines.Should().Contain(l => l.Contains($"Spark session {session.SessionId} connected to {spark.Host}:{spark.Port}", StringComparison.Ordinal)
                                            && l.Contains("[INF] test", StringComparison.Ordinal)
                                            && l.Contains("InteractiveSpark.SparkConnect", StringComparison.Ordinal));
            }
        }

        var text = ReadLog();
        text.Should().Contain("closed");
        text.Should().NotContain(spark.Token);
    }

    [Fact]
    public async Task A_refused_token_is_logged_as_a_failure_without_the_token()
    {
        var wrong = SessionToken.New();
        var url = SparkConnectionString.Parse($"sc://{spark.Host}:{spark.Port}/;token={wrong}");
        using (var log = ProductLog.Create(Options()))
        {
            var connect = () => SparkSession.ConnectAsync(url, new SparkSessionOptions { LoggerFactory = log.LoggerFactory });
            await connect.Should().ThrowAsync<SparkException>();
        }

        var text = ReadLog();
        text.Should().Contain("[WRN]").And.Contain("connect failed");
        text.Should().NotContain(wrong).And.NotContain(spark.Token);
    }

    [Fact]
    public void Every_line_has_a_session_id_a_component_and_secrets_redacted_whoever_wrote_them()
    {
        var token = SessionToken.New();
        using (var log = ProductLog.Create(Options()))
        {
            var logger = log.LoggerFactory.CreateLogger("InteractiveSpark.Sessions.Docker");
            logger.LogInformation("outside any session");
            using (ProductLog.BeginSession("s-42"))
            {
                // A careless caller passing a token as a value, in a URL, and inside an exception: none may reach the file.
                logger.LogInformation("starting with {Token}", token);
                logger.LogWarning("url was sc://h:1/;token={Value};use_ssl=true", "plain-secret-value");
                logger.LogError(new InvalidOperationException($"server said: Bearer {token}"), "failed");
            }
        }

        var lines = ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length > 4 && char.IsAsciiDigit(l[0]) && l[4] == '-').ToArray();
        lines.Should().HaveCount(4);
        lines[0].Should().Contain("session=- InteractiveSpark.Sessions.Docker: outside any session");
        lines.Skip(1).Should().OnlyContain(l => l.Contains("session=s-42", StringComparison.Ordinal));
        var text = ReadLog();
        text.Should().NotContain(token).And.NotContain("plain-secret-value");
        text.Should().Contain("starting with [redacted]").And.Contain("token=[redacted];use_ssl=true").And.Contain("Bearer [redacted]");
    }

    [Fact]
    public void Levels_apply_per_component()
    {
        var options = Options() with
        {
            MinimumLevel = LogEventLevel.Warning,
            ComponentLevels = LoggingOptions.ParseComponentLevels("InteractiveSpark.Sessions=Debug"),
        };
        using (var log = ProductLog.Create(options))
        {
            log.LoggerFactory.CreateLogger("InteractiveSpark.Sessions.Local").LogDebug("sessions debug line");
            log.LoggerFactory.CreateLogger("InteractiveSpark.SparkConnect").LogInformation("client info line");
            log.LoggerFactory.CreateLogger("InteractiveSpark.SparkConnect").LogWarning("client warning line");
        }

        var text = ReadLog();
        text.Should().Contain("sessions debug line").And.Contain("client warning line").And.NotContain("client info line");
    }

    [Fact]
    public void Options_come_from_the_environment_and_bad_values_name_the_variable()
    {
        var env = new Dictionary<string, string>
        {
            [LoggingOptions.DirectoryVariable] = _folder,
            [LoggingOptions.LevelVariable] = "debug",
            [LoggingOptions.LevelsVariable] = "InteractiveSpark.Gateway=Error; InteractiveSpark.Sessions=trace",
            [LoggingOptions.SeqUrlVariable] = "http://seq.example:5341",
            [LoggingOptions.SeqApiKeyVariable] = "seq-key-123",
        };
        var options = LoggingOptions.FromEnvironment("ispark", n => env.GetValueOrDefault(n));
        options.Directory.Should().Be(_folder);
        options.FilePattern.Should().Be(Path.Combine(_folder, "ispark-.log"));
        options.MinimumLevel.Should().Be(LogEventLevel.Debug);
        options.ComponentLevels.Should().BeEquivalentTo(new Dictionary<string, LogEventLevel>
        {
            ["InteractiveSpark.Gateway"] = LogEventLevel.Error,
            ["InteractiveSpark.Sessions"] = LogEventLevel.Verbose,
        });
        options.SeqUrl.Should().Be(new Uri("http://seq.example:5341"));
        options.ToString().Should().NotContain("seq-key-123");

        var badLevel = () => LoggingOptions.FromEnvironment("x", n => n == LoggingOptions.LevelVariable ? "loud" : null);
        badLevel.Should().Throw<FormatException>().WithMessage("*ISPARK_LOG_LEVEL*'loud'*");
        var badPair = () => LoggingOptions.FromEnvironment("x", n => n == LoggingOptions.LevelsVariable ? "Sessions" : null);
        badPair.Should().Throw<FormatException>().WithMessage("*ISPARK_LOG_LEVELS*Component=Level*");
        var badSeq = () => LoggingOptions.FromEnvironment("x", n => n == LoggingOptions.SeqUrlVariable ? "seq:5341" : null);
        badSeq.Should().Throw<FormatException>().WithMessage("*ISPARK_SEQ_URL*");
        LoggingOptions.FromEnvironment("x", n => n == LoggingOptions.FileVariable ? "off" : null).WriteFile.Should().BeFalse();
    }

    [Fact]
    public async Task With_a_Seq_url_events_are_posted_to_Seq_with_the_api_key_and_redacted_properties()
    {
        // Seq's ingestion endpoint is plain HTTP; a listener on loopback receives what the real Seq sink sends.
        var port = LocalSparkServer.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = new StringBuilder();
        string? apiKey = null;
        var serve = Task.Run(async () =>
        {
            while (true)
            {
                var context = await listener.GetContextAsync();
                apiKey ??= context.Request.Headers["X-Seq-ApiKey"];
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = await reader.ReadToEndAsync();
                    lock (received)
                    {
                        received.Append(body);
                    }
                }

                context.Response.StatusCode = 201;
                context.Response.Close();
            }
        });

        var token = SessionToken.New();
        using (var log = ProductLog.Create(Options() with { WriteFile = false, SeqUrl = new Uri($"http://127.0.0.1:{port}"), SeqApiKey = "key-7" }))
        {
            using (ProductLog.BeginSession("s-seq"))
            {
                log.LoggerFactory.CreateLogger("InteractiveSpark.Tests").LogInformation("seq line {Token}", token);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !received.ToString().Contains("seq line", StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }

        string body;
        lock (received)
        {
            body = received.ToString();
        }

        body.Should().Contain("seq line").And.Contain("\"SessionId\":\"s-seq\"").And.Contain("\"Application\":\"test\"");
        body.Should().NotContain(token);
        apiKey.Should().Be("key-7");
        Directory.GetFiles(_folder).Should().BeEmpty("the file sink was turned off");
        listener.Stop();
        _ = serve;
    }
}

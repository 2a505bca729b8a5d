using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InteractiveSpark.Sessions;

namespace InteractiveSpark.Gateway.Tests;

/// <summary>
/// Receive mode: how a Marathon task gets its session's secrets after it proved itself, without any of them in its app
/// definition (docs/security.md).
/// </summary>
[Collection(GatewayCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SessionFilesTests(GatewayFixture fx)
{
    [Fact]
    public async Task A_task_gateway_gives_up_its_files_only_to_the_token_after_proving_itself_writes_them_0600_and_exits()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("ispark-session-files-").FullName, "session");
        try
        {
            await using var gw = await SmallGateway.StartAsync(fx, o => o with { SessionFilesDir = folder, UpstreamToken = null, DriverLog = null });
            var files = new Dictionary<string, string> { ["spark.properties"] = "spark.authenticate=true\nspark.authenticate.secret=s3cr3t\n", ["ui-secret"] = "u1" };
            using var http = gw.Http();

            // Without the token, or with a wrong one: refused, nothing written.
            foreach (var token in new string?[] { null, "st-wrong" })
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, "/session/files") { Content = new StringContent("""{"files":{"a":"b"}}""", Encoding.UTF8, "application/json") };
                if (token is not null)
                {
                    put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                (await http.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            }

            Directory.Exists(folder).Should().BeFalse();
            (await http.GetStringAsync("/health")).Should().Contain("\"status\":\"awaiting-session-files\"");

            // A launcher that expects another session's token hash: the proof fails and nothing is sent.
            using (var wrongSession = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                var otherHash = SHA256.HashData("st-other-session"u8.ToArray());
                var refused = () => GatewayPin.DeliverSessionFilesAsync("localhost", gw.Host.Port, otherHash, "st-other-session", files, wrongSession.Token);
                (await refused.Should().ThrowAsync<GatewayPinException>()).Which.Message.Should().Contain("did not prove").And.Contain("Nothing was sent");
            }

            Directory.Exists(folder).Should().BeFalse();

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var fingerprint = await GatewayPin.DeliverSessionFilesAsync(
                "localhost", gw.Host.Port, SHA256.HashData(Encoding.UTF8.GetBytes(fx.Token)), fx.Token, files, deadline.Token);
            fingerprint.Should().Be(gw.Host.CertificateSha256);
            (await gw.Host.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, "the task goes on to start Spark with them");
            foreach (var (name, text) in files)
            {
                var path = Path.Combine(folder, name);
                (await File.ReadAllTextAsync(path)).Should().Be(text);
                File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.GetUnixFileMode(folder).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            gw.Output.Should().Contain("Received {Count} session file(s)").And.Contain("\"Count\":2").And.NotContain("s3cr3t").And.NotContain(fx.Token);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_task_gateway_that_gets_no_files_within_its_start_timeout_exits_1()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("ispark-session-files-").FullName, "session");
        try
        {
            await using var gw = await SmallGateway.StartAsync(fx, o => o with
            {
                SessionFilesDir = folder, UpstreamToken = null, DriverLog = null, SparkStartTimeout = TimeSpan.FromSeconds(1),
            });
            (await gw.Host.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(1);
            gw.Output.Should().Contain("No session settings from the launcher within").And.Contain("\"Seconds\":1");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
}

using System.Diagnostics;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using Xunit.Abstractions;

namespace InteractiveSpark.Marathon.Tests;

/// <summary>
/// Issue 19 on the Marathon launcher (the emulator, real containers), from plain C#: a keep-alive session with a view, a
/// setting and a query in flight is dropped by its client; a new <see cref="OpenSparkSession"/> attaches from the record
/// and finds them all. Its stop removes the session's Marathon group with the credentials of the environment (the
/// record keeps Marathon's address, never its credentials).
/// </summary>
[Collection(MarathonCollection.Name)]
public sealed class MarathonAttachTests(MarathonFixture fx, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ispark-marathon-attach-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_dropped_keep_alive_Marathon_session_is_attached_with_its_view_setting_and_query()
    {
        var store = new SessionRecordStore(Path.Combine(_folder, "sessions"));
        var launch = new SessionLaunch { Name = "dev", Launcher = fx.Options("attach"), KeepAlive = true, ConnectTimeout = TimeSpan.FromSeconds(240) };
        var first = await OpenSparkSession.OpenAsync(launch, records: store);
        try
        {
            await (await first.Session.SqlAsync("CREATE OR REPLACE TEMP VIEW kept AS SELECT id FROM range(10)")).CollectAsync();
            await first.Session.Conf.SetAsync("spark.sql.shuffle.partitions", "3");
            var query = (await first.Session.SqlAsync("SELECT a.id, count(*) AS n FROM range(4) a CROSS JOIN range(0, 300000000, 1, 2) b GROUP BY a.id ORDER BY a.id")).CollectAsync();
            await WaitUntilAsync(() => Task.FromResult(first.Record!.Operations.Count == 1), "the query in the record");
            var operation = first.Record!.Operations[0];
            await WaitUntilAsync(async () => await first.Session.GetOperationStateAsync(operation.OperationId) == SparkOperationState.Running, "the server to run the query");

            await first.DetachAsync(); // the client goes away; the driver and the session stay
            await query.ContinueWith(_ => { }, TaskScheduler.Default);
            var record = store.FindByName("dev");
            record.Should().NotBeNull();
            record!.Launcher.Should().Be("marathon");
            record.KeepAlive.Should().BeTrue();
            record.ToString().Should().NotContain(record.Connection.Token!).And.NotContain(fx.Password);
            File.ReadAllText(Directory.EnumerateFiles(store.Folder, "*.json").Single()).Should().NotContain(fx.Password, "the record keeps no Marathon credentials");

            var clock = Stopwatch.StartNew();
            var second = await OpenSparkSession.AttachAsync("dev", store, TimeSpan.FromSeconds(60));
            output.WriteLine($"attached in {clock.Elapsed.TotalMilliseconds:0} ms");
            second.Launcher.Should().Be(SparkLauncherKind.Marathon);
            // The query in flight first (as in DockerAttachNotebookTests: side by side, a new query's class fetch once failed under load).
            var rows = await second.Session.FetchOperationAsync(operation);
            rows.Select(r => r.Get<long>("id")).Should().Equal(0L, 1L, 2L, 3L);
            (await (await second.Session.SqlAsync("SELECT count(*) AS n FROM kept")).CollectAsync())[0].Get<long>("n").Should().Be(10);
            (await second.Session.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("3");

            // Its driver log and UI through its gateway, pinned to the recorded certificate.
            (await second.Logs()!.ReadAsync(new SessionLogRequest { Tail = 200 })).Should().NotBeEmpty();
            var ui = await second.Ui()!.GetLinkAsync();
            using (var browser = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                (await browser.GetStringAsync(new Uri(ui.Uri, "jobs/"))).Should().Contain("Spark Jobs");
            }

            // The stop removes the group, with the credentials of the environment as a kernel has them.
            Environment.SetEnvironmentVariable("ISPARK_MARATHON_USER", MarathonFixture.User);
            Environment.SetEnvironmentVariable("ISPARK_MARATHON_PASSWORD", fx.Password);
            try
            {
                await second.StopAsync();
            }
            finally
            {
                Environment.SetEnvironmentVariable("ISPARK_MARATHON_USER", null);
                Environment.SetEnvironmentVariable("ISPARK_MARATHON_PASSWORD", null);
            }

            store.All().Should().BeEmpty("a stopped session's record is removed");
            using var marathon = new MarathonClient(fx.Emulator.Url, MarathonCredentials.Basic(MarathonFixture.User, fx.Password));
            (await marathon.GroupExistsAsync(record.Resource!)).Should().BeFalse("the attached session's stop removes its Marathon group");
        }
        finally
        {
            await first.Driver.DisposeAsync(); // removes the Marathon group if the test failed before the stop
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 60 s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}

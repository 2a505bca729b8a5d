using System.Diagnostics;
using InteractiveSpark.Sessions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;
using Xunit.Abstractions;

namespace InteractiveSpark.Docker.Tests;

/// <summary>
/// Issue 19 on the Docker launcher, from plain C#: a keep-alive Docker session with a view, a setting and a query in
/// flight is dropped by its client (detached, as a dead kernel leaves it); a new <see cref="OpenSparkSession"/> attaches
/// from the record and finds them all, the query's rows fetched by id; stopping the attached session removes its containers.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerAttachTests(DockerFixture docker, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ispark-docker-attach-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_dropped_keep_alive_Docker_session_is_attached_with_its_view_setting_and_query_and_its_stop_removes_its_containers()
    {
        var store = new SessionRecordStore(Path.Combine(_folder, "sessions"));
        var launch = new SessionLaunch { Name = "dev", Launcher = docker.Options("attach"), KeepAlive = true, ConnectTimeout = TimeSpan.FromSeconds(240) };
        var clock = Stopwatch.StartNew();
        var first = await OpenSparkSession.OpenAsync(launch, records: store);
        var label = first.Driver.Reach.Resource!;
        output.WriteLine($"started in {clock.Elapsed.TotalSeconds:0.0} s");
        try
        {
            // The first client's side: a view, a setting, a query in flight.
            await (await first.Session.SqlAsync("CREATE OR REPLACE TEMP VIEW kept AS SELECT id FROM range(10)")).CollectAsync();
            await first.Session.Conf.SetAsync("spark.sql.shuffle.partitions", "3");
            // A few seconds of work (reflect's Thread.sleep fails in the driver image with a RemoteClassLoaderError): still running at the detach.
            var query = (await first.Session.SqlAsync("SELECT a.id, count(*) AS n FROM range(4) a CROSS JOIN range(0, 300000000, 1, 2) b GROUP BY a.id ORDER BY a.id")).CollectAsync();
            await WaitUntilAsync(() => Task.FromResult(first.Record!.Operations.Count == 1), "the query in the record");
            var operation = first.Record!.Operations[0];
            await WaitUntilAsync(async () => await first.Session.GetOperationStateAsync(operation.OperationId) == SparkOperationState.Running, "the server to run the query");

            // The client goes away without stopping anything (a kernel's exit with --keep-alive; a SIGKILLed kernel leaves the same).
            await first.DetachAsync();
            await query.ContinueWith(_ => { }, TaskScheduler.Default);
            var record = store.FindByName("dev");
            record.Should().NotBeNull();
            record!.Launcher.Should().Be("docker");
            record.KeepAlive.Should().BeTrue();
            record.Resource.Should().Be(label);
            record.Operations.Select(o => o.OperationId).Should().Equal(operation.OperationId);
            (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, label)).Should().NotBeEmpty("a detached session's driver stays");

            // A new object takes it over from the record alone.
            clock.Restart();
            var second = await OpenSparkSession.AttachAsync("dev", store, TimeSpan.FromSeconds(60));
            output.WriteLine($"attached in {clock.Elapsed.TotalMilliseconds:0} ms");
            second.IsAttached.Should().BeTrue();
            second.Launcher.Should().Be(SparkLauncherKind.Docker);
            string.Join("\n", second.AttachedLines()).Should().Contain($"dev.FetchOperationAsync(\"{operation.OperationId}\")");
            second.Record!.Operations.Select(o => o.OperationId).Should().Equal([operation.OperationId], "an operation not fetched yet stays in the new owner's record");
            // The query in flight first: its rows, then the new queries. Run side by side with it, a new query's tasks
            // waited for the driver's two cores and once (CI, load ~10) lost their class fetch from the driver
            // (RemoteClassLoaderError, "Connection ... closed"); a notebook fetches what it left before it goes on.
            var rows = await second.Session.FetchOperationAsync(operation);
            rows.Select(r => r.Get<long>("id")).Should().Equal(0L, 1L, 2L, 3L);
            rows.Select(r => r.Get<long>("n")).Should().AllBeEquivalentTo(300_000_000L);
            second.Record!.Operations.Should().BeEmpty("a fetched operation leaves the record");
            (await (await second.Session.SqlAsync("SELECT count(*) AS n FROM kept")).CollectAsync())[0].Get<long>("n").Should().Be(10);
            (await second.Session.Conf.GetAsync("spark.sql.shuffle.partitions")).Should().Be("3");
            second.Driver.Owned.Should().Be("its Docker containers");

            // Its driver log and its UI come through its gateway, pinned to the recorded certificate, as for the first kernel.
            (await second.Logs()!.ReadAsync(new SessionLogRequest { Tail = 200 })).Should().NotBeEmpty();
            var ui = await second.Ui()!.GetLinkAsync();
            ui.Uri.ToString().Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/ui/$");
            using (var browser = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                (await browser.GetStringAsync(new Uri(ui.Uri, "jobs/"))).Should().Contain("Spark Jobs");
            }

            // #!spark-stop of the attached session: the session is released and its containers removed, not left to the idle timer.
            clock.Restart();
            await second.StopAsync();
            output.WriteLine($"stopped and removed in {clock.Elapsed.TotalSeconds:0.0} s");
            (await DockerFixture.ContainersAsync(DockerSparkContainers.SessionLabel, label)).Should().BeEmpty("stopping an attached Docker session removes its containers");
            store.All().Should().BeEmpty("a stopped session's record is removed");
        }
        finally
        {
            await DockerSparkContainers.RemoveAsync(new Dictionary<string, string?> { [DockerSparkContainers.SessionLabel] = label });
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

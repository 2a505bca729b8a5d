using System.Globalization;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Records;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>
/// Issue 19 on the .NET Interactive host (the Jupyter kernel's own test is AttachNotebookTests): a keep-alive local
/// session outlives the kernel that started it (disposing a kernel detaches it), a new kernel's
/// <c>#!spark-connect --attach</c> finds its view and setting, and its <c>#!spark-stop</c> stops the server and removes
/// the record.
/// </summary>
public sealed class AttachMagicTests : IDisposable
{
    private readonly string _sessions = Directory.CreateTempSubdirectory("ispark-interactive-attach-").FullName;

    public AttachMagicTests() => Environment.SetEnvironmentVariable("ISPARK_SESSIONS_DIR", _sessions);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("ISPARK_SESSIONS_DIR", null);
        Directory.Delete(_sessions, recursive: true);
    }

    [Fact]
    public async Task A_keep_alive_session_outlives_its_kernel_and_a_new_kernel_attaches_and_stops_it()
    {
        var store = new SessionRecordStore(_sessions);
        int? watchdog = null;
        try
        {
            using (var first = await InProcessKernel.StartAsync())
            {
                var connect = await first.RunAsync(
                    "#!spark-connect --name dev --launcher local --keep-alive --idle-timeout 120s --master local[1] --driver-memory 1g --startup-timeout 180",
                    TimeSpan.FromMinutes(4));
                connect.Error.Should().BeNull();
                (await first.RunAsync("var view = await dev.SqlAsync(\"CREATE OR REPLACE TEMP VIEW kept AS SELECT id FROM range(10)\");\nawait view.CollectAsync();")).Error.Should().BeNull();
                (await first.RunAsync("await dev.Conf.SetAsync(\"spark.sql.shuffle.partitions\", \"3\");")).Error.Should().BeNull();
            } // the kernel goes; its keep-alive session is detached, not stopped

            var record = store.FindByName("dev");
            record.Should().NotBeNull("a detached keep-alive session keeps its record");
            watchdog = int.Parse(record!.Resource!, CultureInfo.InvariantCulture);
            TestProcess.IsAlive(watchdog.Value).Should().BeTrue("a keep-alive server outlives its kernel");

            using var second = await InProcessKernel.StartAsync();
            var attach = await second.RunAsync("#!spark-connect --name dev --attach", TimeSpan.FromMinutes(1));
            attach.Error.Should().BeNull();
            string.Join("\n", attach.Outputs).Should().Contain($"dev: attached to session {record.SessionId}");
            var count = await second.RunAsync("var counted = await dev.SqlAsync(\"SELECT count(*) AS n FROM kept\");\n(await counted.CollectAsync())[0].Get<long>(\"n\").ToString()");
            count.Error.Should().BeNull();
            count.LastOutput.Should().Be("10");
            var conf = await second.RunAsync("await dev.Conf.GetAsync(\"spark.sql.shuffle.partitions\")");
            conf.LastOutput.Should().Be("3");

            var stop = await second.RunAsync("#!spark-stop --name dev", TimeSpan.FromMinutes(1));
            stop.Error.Should().BeNull();
            store.All().Should().BeEmpty("a stopped session's record is removed");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (TestProcess.IsAlive(watchdog.Value) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            TestProcess.IsAlive(watchdog.Value).Should().BeFalse("#!spark-stop of an attached keep-alive session stops its server");
            foreach (var output in attach.Outputs.Concat(stop.Outputs))
            {
                output.Should().NotContain(record.Connection.Token!);
            }
        }
        finally
        {
            if (watchdog is { } w && TestProcess.IsAlive(w) && store.FindByName("dev")?.LeaseFile is { } lease)
            {
                await LocalLease.StopServerAsync(w, lease);
            }
        }
    }
}

// Issue 19's measure, one run: the time from an attach to the first answered query, against a fresh session of the
// same launcher (local): start the driver, connect, answer `SELECT 1`. The attach reads the session record a killed
// kernel left (a keep-alive local server whose owner is gone), attaches by session id and answers `SELECT 1`.
// Run: dotnet run bench/attach/attach-bench.cs   (ISPARK_ENGINES_DIR=../shared/engines when not beside the repository)
#:project ../../kernel/InteractiveSpark.Sessions/InteractiveSpark.Sessions.csproj
#:property TreatWarningsAsErrors=false
// File-based apps default to AOT, which turns off reflection-based JSON; the session records are written with it.
#:property PublishAot=false

using System.Diagnostics;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Records;
using InteractiveSpark.SparkConnect;

var folder = Directory.CreateTempSubdirectory("ispark-attach-bench-").FullName;
var store = new SessionRecordStore(Path.Combine(folder, "sessions"));
try
{
    // Fresh: what `#!spark-connect --name dev --launcher local` does before its first answer.
    var fresh = Stopwatch.StartNew();
    var server = await LocalSparkServer.StartAsync(new LocalSparkServerOptions
    {
        KeepAlive = true, IdleTimeout = TimeSpan.FromMinutes(2), LeaseFile = Path.Combine(folder, "sessions", "dev.lease"),
        DriverMemory = "1g", UiPort = null,
    });
    var first = await SparkSession.ConnectAsync(server.ConnectionString);
    await (await first.SqlAsync("SELECT 1")).CollectAsync();
    fresh.Stop();

    using (new SessionRecordKeeper(store, new SessionRecord
    {
        Connection = first.Attachment.Connection, Name = "dev", Launcher = "local", Where = $"local process {server.ProcessId}",
        LeaseFile = server.LeaseFile, Created = DateTimeOffset.UtcNow, KeepAlive = true,
    }, first))
    {
    }

    await first.DetachAsync(); // the kernel goes away; the server stays

    // Attach: what `#!spark-connect --name dev --attach` does before its first answer.
    var attach = Stopwatch.StartNew();
    var record = store.FindByName("dev") ?? throw new InvalidOperationException("no record");
    LocalLease.Take(record.LeaseFile!);
    await using (var second = await SparkSession.AttachAsync(record))
    {
        await (await second.SqlAsync("SELECT 1")).CollectAsync();
        attach.Stop();
    }

    await server.DisposeAsync();
    Console.WriteLine("| launcher | fresh session to first answer | attach to first answer | ratio (goal <= 0.1x) |");
    Console.WriteLine("|---|---|---|---|");
    Console.WriteLine($"| local | {fresh.Elapsed.TotalSeconds:0.00} s | {attach.Elapsed.TotalMilliseconds:0} ms | {attach.Elapsed / fresh.Elapsed:0.0000}x |");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

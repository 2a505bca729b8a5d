using InteractiveSpark.Sessions.Records;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Session records on disk: owner-only files in an owner-only folder, the token kept in the file and nowhere else, and
/// a session attached again from its record alone (what a new kernel does), against the real server.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class SessionRecordTests(SparkServerFixture spark) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ispark-records-{Guid.NewGuid():N}", "sessions");

    [Fact]
    public async Task A_record_written_by_one_client_attaches_another_to_the_same_session_and_is_readable_by_its_owner_only()
    {
        var store = new SessionRecordStore(_folder);
        var first = await spark.ConnectAsync();
        await (await first.SqlAsync("CREATE OR REPLACE TEMP VIEW record_view AS SELECT 42 AS answer")).CollectAsync();
        var record = new SessionRecord
        {
            Connection = first.Attachment.Connection,
            ServerSideSessionId = first.ServerSideSessionId,
            Name = "dev",
            Launcher = "url",
            Where = $"{spark.Host}:{spark.Port}",
            Created = DateTimeOffset.UtcNow,
            LastUsed = DateTimeOffset.UtcNow,
            OwnerProcessId = Environment.ProcessId,
        };
        var path = store.Save(record);
        await first.DetachAsync();

        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(_folder).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.ReadAllText(path).Should().Contain(spark.Token, "the record is where the credential is kept");
        record.ToString().Should().NotContain(spark.Token);
        File.WriteAllText(Path.Combine(_folder, "half-written.json"), "{ \"name\": ");

        var found = store.FindByName("dev");
        found.Should().NotBeNull();
        store.All().Should().ContainSingle();
        found!.OwnerIsAlive.Should().BeTrue();

        await using (var second = await SparkSession.AttachAsync(found))
        {
            (await (await second.SqlAsync("SELECT answer FROM record_view")).CollectAsync())[0].Get<int>("answer").Should().Be(42);
        }

        store.Delete(found.SessionId);
        store.All().Should().BeEmpty();
        store.Find(found.SessionId).Should().BeNull();
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
}

using System.IO.Hashing;
using InteractiveSpark.Sessions.Local;
using F = InteractiveSpark.SparkConnect.Functions;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Artifacts and Java UDFs against the real server: a jar compiled here with javac against Spark's own jars, uploaded,
/// its UDFs registered and called from SQL and from DataFrames; a file of many chunks checked byte for byte on the
/// executors; ArtifactStatus; a missing path refused before anything is sent.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class ArtifactTests(SparkServerFixture spark)
{
    private const string Package = "ispark.artifacts";

    // The jar is built once per test run (javac takes seconds); each test uploads it into its own session.
    private static readonly Lazy<Task<string>> JarOnce = new(BuildJarAsync);

    [Fact]
    public async Task A_jar_built_here_backs_a_Java_UDF_called_from_SQL_and_from_DataFrames()
    {
        var jar = await JarOnce.Value;
        await using var session = await spark.ConnectAsync();

        var names = await session.AddArtifactsAsync(jar);
        names.Should().Equal("jars/" + Path.GetFileName(jar));

        await session.Udf.RegisterJavaAsync("times_two_plus_one", $"{Package}.TimesTwoPlusOne", LongType.Instance);
        var fromSql = await (await session.SqlAsync("SELECT times_two_plus_one(id) AS y FROM range(5) ORDER BY id")).CollectAsync();
        fromSql.Select(r => r.Get<long>("y")).Should().Equal(1L, 3L, 5L, 7L, 9L);

        var fromDataFrame = await session.Range(5).Select(F.Call("times_two_plus_one", F.Col("id")).Alias("y")).OrderBy("y").CollectAsync();
        fromDataFrame.Select(r => r.Get<long>("y")).Should().Equal(1L, 3L, 5L, 7L, 9L);

        // The result type from SQL text, and inferred by Spark from the class's type arguments when not given.
        await session.Udf.RegisterJavaAsync("shout_ddl", $"{Package}.Shout", "string");
        await session.Udf.RegisterJavaAsync("shout", $"{Package}.Shout");
        var shouted = await (await session.SqlAsync("SELECT shout('spark') AS a, shout_ddl('c#') AS b")).CollectAsync();
        shouted[0].Get<string>("a").Should().Be("SPARK!");
        shouted[0].Get<string>("b").Should().Be("C#!");
    }

    [Fact]
    public async Task A_UDF_class_the_session_does_not_have_is_one_clear_error()
    {
        await using var session = await spark.ConnectAsync();

        var act = () => session.Udf.RegisterJavaAsync("nope", $"{Package}.NoSuchClass", LongType.Instance);

        var error = (await act.Should().ThrowAsync<SparkException>()).Which;
        error.Message.Should().Contain($"{Package}.NoSuchClass");
    }

    [Fact]
    public async Task Files_bigger_than_a_chunk_and_small_ones_batched_together_arrive_intact_on_the_executors()
    {
        var jar = await JarOnce.Value;
        var dir = Directory.CreateTempSubdirectory("ispark-artifacts-");
        try
        {
            // 1 MiB is 32 chunks of 32 KiB; the small files around it travel in batches, before and after it.
            var big = Path.Combine(dir.FullName, "big.bin");
            var bigBytes = new byte[1024 * 1024 + 17];
            Random.Shared.NextBytes(bigBytes);
            await File.WriteAllBytesAsync(big, bigBytes);
            var small1 = Path.Combine(dir.FullName, "small1.txt");
            await File.WriteAllTextAsync(small1, "the first small file");
            var small2 = Path.Combine(dir.FullName, "small2.bin");
            var small2Bytes = new byte[20_000];
            Random.Shared.NextBytes(small2Bytes);
            await File.WriteAllBytesAsync(small2, small2Bytes);
            var empty = Path.Combine(dir.FullName, "empty.dat");
            await File.WriteAllBytesAsync(empty, []);

            await using var session = await spark.ConnectAsync();
            var names = await session.AddArtifactsAsync(small1, big, small2, empty, jar);
            names.Should().Equal("files/small1.txt", "files/big.bin", "files/small2.bin", "files/empty.dat", "jars/" + Path.GetFileName(jar));

            // The executors read each file back (SparkFiles.get) and compute its CRC-32 and size with Java's own CRC32.
            await session.Udf.RegisterJavaAsync("file_crc", $"{Package}.FileCrc", LongType.Instance);
            await session.Udf.RegisterJavaAsync("file_size", $"{Package}.FileSize", LongType.Instance);
            var rows = await (await session.SqlAsync(
                "SELECT name, file_crc(name) AS crc, file_size(name) AS size FROM VALUES ('big.bin'), ('small1.txt'), ('small2.bin'), ('empty.dat') AS t(name)"))
                .CollectAsync();
            var byName = rows.ToDictionary(r => r.Get<string>("name"), r => (Crc: r.Get<long>("crc"), Size: r.Get<long>("size")));

            byName["big.bin"].Should().Be(((long)Crc32.HashToUInt32(bigBytes), (long)bigBytes.Length));
            byName["small2.bin"].Should().Be(((long)Crc32.HashToUInt32(small2Bytes), (long)small2Bytes.Length));
            var small1Bytes = await File.ReadAllBytesAsync(small1);
            byName["small1.txt"].Should().Be(((long)Crc32.HashToUInt32(small1Bytes), (long)small1Bytes.Length));
            byName["empty.dat"].Should().Be((0L, 0L));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ArtifactStatus_reports_a_cached_blob_present_and_an_unknown_one_absent()
    {
        var jar = await JarOnce.Value;
        await using var session = await spark.ConnectAsync();
        var blob = new byte[100_000];
        Random.Shared.NextBytes(blob);
        var hash = await session.CacheArtifactAsync(blob, CancellationToken.None);
        var jarName = (await session.AddArtifactsAsync(jar)).Single();
        var unknown = "cache/" + new string('0', 64);

        var status = await session.ArtifactStatusAsync(["cache/" + hash, unknown, jarName]);

        status["cache/" + hash].Should().BeTrue();
        status[unknown].Should().BeFalse();
        // Spark 4.2's ArtifactStatus looks only in the block manager's cache: an uploaded jar, which works (see above),
        // is reported absent all the same. This pins that server behaviour, which the docs state.
        status[jarName].Should().BeFalse();
    }

    [Fact]
    public async Task A_missing_path_is_one_clear_message_naming_it_before_anything_is_sent()
    {
        var jar = await JarOnce.Value;
        var missing = Path.Combine(Path.GetTempPath(), $"ispark-no-such-{Guid.NewGuid():N}.jar");
        var session = await spark.ConnectAsync();
        // A closed session cannot send anything: the error can only come from the check made before any call.
        await session.DisposeAsync();

        var act = () => session.AddArtifactsAsync(jar, missing);

        var error = (await act.Should().ThrowAsync<SparkException>()).Which;
        error.Message.Should().Be($"Cannot add artifact '{missing}': no such file.");

        await using var live = await spark.ConnectAsync();
        var again = () => live.AddArtifactsAsync([missing], CancellationToken.None);
        (await again.Should().ThrowAsync<SparkException>()).Which.Message.Should().Be($"Cannot add artifact '{missing}': no such file.");
    }

    /// <summary>Writes the UDF sources, compiles them against Spark's jars with javac and packs them with jar.</summary>
    private static async Task<string> BuildJarAsync()
    {
        var sparkHome = SparkHome.Resolve();
        var dir = Directory.CreateTempSubdirectory("ispark-udf-jar-").FullName;
        var src = Path.Combine(dir, "src", "ispark", "artifacts");
        Directory.CreateDirectory(src);
        await File.WriteAllTextAsync(Path.Combine(src, "TimesTwoPlusOne.java"), $$"""
            package {{Package}};
            import org.apache.spark.sql.api.java.UDF1;
            public class TimesTwoPlusOne implements UDF1<Long, Long> {
                @Override public Long call(Long x) { return x == null ? null : 2 * x + 1; }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(src, "Shout.java"), $$"""
            package {{Package}};
            import org.apache.spark.sql.api.java.UDF1;
            public class Shout implements UDF1<String, String> {
                @Override public String call(String s) { return s == null ? null : s.toUpperCase() + "!"; }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(src, "FileCrc.java"), $$"""
            package {{Package}};
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.zip.CRC32;
            import org.apache.spark.SparkFiles;
            import org.apache.spark.sql.api.java.UDF1;
            public class FileCrc implements UDF1<String, Long> {
                @Override public Long call(String name) throws Exception {
                    CRC32 crc = new CRC32();
                    crc.update(Files.readAllBytes(Path.of(SparkFiles.get(name))));
                    return crc.getValue();
                }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(src, "FileSize.java"), $$"""
            package {{Package}};
            import java.nio.file.Files;
            import java.nio.file.Path;
            import org.apache.spark.SparkFiles;
            import org.apache.spark.sql.api.java.UDF1;
            public class FileSize implements UDF1<String, Long> {
                @Override public Long call(String name) throws Exception { return Files.size(Path.of(SparkFiles.get(name))); }
            }
            """);

        var classes = Path.Combine(dir, "classes");
        var sources = Directory.GetFiles(src, "*.java");
        var (javacExit, javacOutput) = await TestProcess.RunAsync(
            "javac",
            ["--release", "17", "-cp", Path.Combine(sparkHome, "jars", "*"), "-d", classes, .. sources],
            TimeSpan.FromMinutes(2));
        javacExit.Should().Be(0, $"javac must compile the UDFs: {javacOutput}");

        // A name of its own per run: the server refuses a different jar under a name it already has.
        var jar = Path.Combine(dir, $"ispark-udfs-{Guid.NewGuid():N}.jar");
        var (jarExit, jarOutput) = await TestProcess.RunAsync("jar", ["--create", "--file", jar, "-C", classes, "."], TimeSpan.FromMinutes(1));
        jarExit.Should().Be(0, $"jar must pack the classes: {jarOutput}");
        return jar;
    }
}

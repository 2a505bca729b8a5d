using System.Globalization;
using System.Text;

namespace InteractiveSpark.Testing;

/// <summary>
/// R4's corpus: magic commands a user could type (or paste) that must each be refused with one clear message, before
/// anything starts. Built from families (flags, values, URLs, names, options, quoting, huge and binary input) crossed
/// with the magics, so that a new option is one line here.
/// </summary>
public static class MalformedInputCorpus
{
    /// <summary>The session name used where the name is not the thing under test (no container or variable of it may appear).</summary>
    public const string Name = "rfour";

    private static readonly string Huge = new('x', 1 << 20);
    private static readonly string Binary = Encoding.Latin1.GetString([0x00, 0x01, 0x1b, 0x7f, 0xff, 0xfe, 0x0b]);

    public static IReadOnlyList<string> Magics()
    {
        var cells = new List<string>();

        // --- #!spark-connect: names
        foreach (var name in new[] { "9lives", "class", "var", "a-b", "\"a b\"", "x!", "@x", "\"\"", "''", "null?", "a.b", "-x", Binary })
        {
            cells.Add($"#!spark-connect --name {name} --launcher local");
        }

        cells.Add("#!spark-connect --launcher local");
        cells.Add("#!spark-connect --name");
        cells.Add("#!spark-connect");
        cells.Add($"#!spark-connect --name {Huge} --launcher local --spark-home /nonexistent-{Guid.NewGuid():N}");

        // --- launchers
        foreach (var launcher in new[] { "lcoal", "LOCAL2", "\"docker;rm -rf /\"", "k8s", "yarn", "\"\"", Binary, "mesos://x" })
        {
            cells.Add($"#!spark-connect --name {Name} --launcher {launcher}");
        }

        // --- URLs
        foreach (var url in new[]
                 {
                     "http://localhost:15002", "sc://", "sc://:15002", "sc://localhost:0", "sc://localhost:99999", "sc://localhost:abc",
                     "\"sc://localhost:15002/;token\"", "\"sc://localhost:15002/;use_ssl=maybe\"", "\"sc://remote.example:15002/;token=abc\"",
                     "sc://[::1", "\"sc:// host:15002\"", "file:///etc/passwd", "\"sc://localhost:15002/;session_id=not-a-uuid\"",
                     $"sc://{new string('h', 10_000)}:1", "localhost:15002", "15002", "\"sc://localhost:-1\"", Binary, "sc://user:pw@host:15002",
                 })
        {
            cells.Add($"#!spark-connect --name {Name} --url {url}");
        }

        // --- options out of place or malformed
        var local = $"#!spark-connect --name {Name} --launcher local";
        var docker = $"#!spark-connect --name {Name} --launcher docker --image ispark-missing:none";
        var viaUrl = $"#!spark-connect --name {Name} --url sc://localhost:1";
        cells.AddRange(
        [
            $"{viaUrl} --launcher local",
            $"{viaUrl} --conf spark.x=1",
            $"{viaUrl} --spark-home /opt/spark",
            $"{viaUrl} --master local[2]",
            $"{viaUrl} --driver-memory 2g",
            $"{viaUrl} --image x",
            $"{viaUrl} --executors 2",
            $"{local} --image ispark-driver:test",
            $"{local} --cpus 2",
            $"{local} --memory 4g",
            $"{local} --executors 2",
            $"{local} --idle-timeout 10m",
            $"{local} --prefix staging",
            $"{local} --marathon http://m:8080",
            $"{local} --group g",
            $"{local} --constraint hostname:UNIQUE",
            $"{docker} --spark-home /opt/spark",
            $"{docker} --master local[4]",
            $"{docker} --marathon http://m:8080",
        ]);
        foreach (var conf in new[] { "novalue", "=x", "\"=\"", "\" =v\"", "\"\"" })
        {
            cells.Add($"{local} --conf {conf}");
        }

        foreach (var timeout in new[] { "forever", "-1", "0", "1e9", "NaN", "5 minutes", "\"\"", "3601", Binary })
        {
            cells.Add($"{local} --startup-timeout {timeout}");
        }

        foreach (var cpus in new[] { "-1", "abc", "1e400", "NaN", "0", "2000", "Infinity" })
        {
            cells.Add($"{docker} --cpus {cpus}");
        }

        foreach (var memory in new[] { "lots", "1k", "-4g", "4x", "100m", "4 g", "1e3g", "0" })
        {
            cells.Add($"{docker} --memory {memory}");
        }

        foreach (var executors in new[] { "-1", "65", "2.5", "1e9", "two", "99999999999999999999" })
        {
            cells.Add($"{docker} --executors {executors}");
        }

        foreach (var idle in new[] { "1ms", "forever", "2", "-5m", "1d", "4s" })
        {
            cells.Add($"{docker} --idle-timeout {idle}");
        }

        // --- Marathon
        var marathon = $"#!spark-connect --name {Name} --launcher marathon";
        cells.AddRange(
        [
            marathon + " --marathon ftp://m:8080",
            marathon + " --marathon not-a-url",
            marathon + " --marathon http://user:secret@m:8080",
            marathon + " --marathon https://m:8443 --constraint bad",
            marathon + " --marathon https://m:8443 --constraint :UNIQUE",
            marathon + " --marathon https://m:8443 --label novalue",
            marathon + " --marathon https://m:8443 --label =v",
            marathon + " --marathon https://m:8443 --prefix p",
            marathon + " --marathon https://m:8443 --spark-home /opt",
            marathon + " --marathon https://m:8443 --executors -3",
            marathon + " --marathon https://m:8443 --group Bad_Group",
            marathon + " --marathon https://m:8443 --group \"a b\"",
            marathon + " --marathon https://m:8443 --cpus 0",
            marathon + " --marathon https://m:8443 --memory 512m",
            marathon + " --marathon https://m:8443 --memory lots",
        ]);

        // --- unknown flags, quoting, repetition
        cells.AddRange(
        [
            $"#!spark-connect --nmae {Name} --launcher local",
            $"#!spark-connect --name {Name} --launcher local --verbose",
            $"#!spark-connect --name {Name} --launcher local -x",
            $"#!spark-connect --name \"{Name} --launcher local",
            $"#!spark-connect --name '{Name} --launcher local",
            $"#!spark-connect --name {Name} --launcher local --conf \"a=1",
            $"#!spark-connect --name {Name} --name other --launcher local",
            $"#!spark-connect --name {Name} --launcher local --launcher docker",
            $"#!spark-connect --name {Name} --launcher local --spark-home",
            $"#!spark-connect --name {Name} --launcher local --conf",
            $"#!spark-connect --name {Name} --launcher local {Huge}",
            $"#!spark-connect --name {Name} --launcher local --conf a={Huge}",
            $"#!spark-connect --name {Name} --launcher local --conf {Binary}",
            $"#!spark-connect --name {Name} --launcher local --spark-home /nonexistent-{Guid.NewGuid():N}",
            $"#!spark-connect --name {Name} --launcher local --spark-home {Binary}",
            "#!spark-connect --name dev --url sc://localhost:1 --url sc://localhost:2",
            "#!spark-connect --name ∑ --launcher local --spark-home /nonexistent",
        ]);

        // --- #!connect spark: the same validation behind the other door
        foreach (var tail in new[]
                 {
                     "", "--kernel-name 9x --launcher local", "--kernel-name class --launcher local", "--kernel-name k --launcher nope",
                     "--kernel-name k --url http://x", "--kernel-name k --url sc://localhost:1 --conf a=b", "--kernel-name k --launcher local --startup-timeout -1",
                     "--kernel-name k --launcher docker --cpus -1", "--kernel-name k --launcher docker --executors 100", $"--kernel-name k --url {Binary}",
                 })
        {
            cells.Add($"#!connect spark {tail}".TrimEnd());
        }

        // --- session tools on sessions that do not exist, and malformed values
        foreach (var magic in new[] { "#!spark-stop", "#!spark-ui", "#!spark-logs" })
        {
            cells.Add(magic);
            cells.Add($"{magic} --name");
            cells.Add($"{magic} --name nosuch");
            cells.Add($"{magic} --name {Binary}");
            cells.Add($"{magic} --name {Huge}");
            cells.Add($"{magic} --name nosuch --unknown 1");
        }

        foreach (var tail in new[]
                 {
                     "--tail -1", "--tail abc", "--tail 1e9", "--grep [", "--grep (?<", "--grep \"(a+)+$\"", "--executor -1", "--executor x",
                     "--executor 1 --driver", "--tail", "--follow 5", "--executor", $"--grep {Binary}",
                 })
        {
            cells.Add($"#!spark-logs --name nosuch {tail}");
        }

        cells.Add("#!spark-sessions --name x");
        cells.Add("#!spark-sessions extra");
        cells.Add($"#!spark-sessions {Huge}");

        // --- Kafka
        // A short broker timeout: cells that pass validation fail on the unreachable broker in 2 s, not the default 10 s.
        var sample = "#!kafka-sample --bootstrap 127.0.0.1:1 --topic t --timeout 2s";
        cells.AddRange(
        [
            "#!kafka-sample",
            "#!kafka-sample --topic t",
            "#!kafka-sample --bootstrap 127.0.0.1:1",
            "#!kafka-sample --bootstrap --topic t",
            "#!kafka-sample --bootstrap 127.0.0.1:1 --topic \"bad topic!\"",
            $"#!kafka-sample --bootstrap 127.0.0.1:1 --topic {new string('t', 300)}",
            "#!kafka-sample --bootstrap 127.0.0.1:1 --topic ..",
            $"#!kafka-sample --bootstrap 127.0.0.1:1 --topic {Binary}",
            "#!kafka-sample --bootstrap host:port:x --topic t",
            "#!kafka-sample --bootstrap : --topic t",
            "#!kafka-sample --bootstrap 127.0.0.1:99999 --topic t",
            $"{sample} --last -1",
            $"{sample} --last abc",
            $"{sample} --last 1e12",
            $"{sample} --last 0",
            $"{sample} --from yesterday",
            $"{sample} --from 2026-13-45",
            $"{sample} --offset x:y",
            $"{sample} --offset 1",
            $"{sample} --offset -1:-1",
            $"{sample} --offset 0:5 --last 3",
            $"{sample} --from -15m --offset 0:1",
            $"{sample} --partition -1",
            $"{sample} --partition x",
            $"{sample} --format xml",
            $"{sample} --format avro",
            $"{sample} --format avro --avro-schema /nonexistent-{Guid.NewGuid():N}.avsc",
            $"{sample} --format avro --schema-registry notaurl",
            $"{sample} --format string --avro-schema x.avsc",
            $"{sample} --security-protocol tls9",
            $"{sample} --sasl-mechanism ROT13 --security-protocol sasl_plaintext",
            $"{sample} --security-protocol ssl --ssl-ca /nonexistent-{Guid.NewGuid():N}.pem",
            $"{sample} --timeout forever",
            $"{sample} --timeout -1s",
            $"{sample} --variable 9x",
            $"{sample} --variable class",
            $"{sample} --count -5 --offset 0:0",
            $"{sample} --unknown x",
            $"{sample} {Huge}",
        ]);
        cells.AddRange(
        [
            "#!kafka-stream",
            "#!kafka-stream --topic t",
            "#!kafka-stream --session nosuch --topic t --bootstrap 127.0.0.1:1",
            "#!kafka-stream --session 9x --topic t",
            "#!kafka-stream --session nosuch --topic t --format json",
            "#!kafka-stream --session nosuch --topic t --format xml",
            "#!kafka-stream --session nosuch --topic t --rows -1",
            "#!kafka-stream --session nosuch --topic t --max-duration forever",
            "#!kafka-stream --session nosuch --topic t --starting-offsets middle",
            $"#!kafka-stream --session nosuch --topic {Binary}",
        ]);

        return cells;
    }

    /// <summary>A short label for a cell in a failure message (huge and binary cells are not printed whole).</summary>
    public static string Describe(string cell)
    {
        var printable = new string(cell.Select(c => char.IsControl(c) || c > '\u00fe' ? '?' : c).ToArray());
        return printable.Length <= 120 ? printable : string.Create(CultureInfo.InvariantCulture, $"{printable[..100]}... ({cell.Length} chars)");
    }
}

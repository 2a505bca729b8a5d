using System.Text;

namespace InteractiveSpark.Jobs.Tests.Reliability;

/// <summary>
/// R4 for the command line: malformed <c>ispark</c> invocations across run, submit, jobs, logs and sessions. Each must
/// exit 2 with one clear line on stderr and start nothing. Paths are relative to the folder <see cref="WriteFixturesAsync"/> fills.
/// </summary>
public static class CliMalformedInputCorpus
{
    /// <summary>A name no real job or session has: what the corpus looks up.</summary>
    public const string Nobody = "r4-nobody-4711";

    /// <summary>Writes the notebooks and files the corpus names into <paramref name="folder"/>.</summary>
    public static async Task WriteFixturesAsync(string folder, string repositoryRoot)
    {
        File.Copy(Path.Combine(repositoryRoot, "notebooks", "job-template.ipynb"), Path.Combine(folder, "nb.ipynb"), overwrite: true);
        async Task Text(string name, string text) => await File.WriteAllTextAsync(Path.Combine(folder, name), text);
        async Task Bytes(string name, byte[] bytes) => await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
        await Text("corrupt.ipynb", """{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "1""");
        await Text("notjson.ipynb", "this is not JSON");
        await Text("nbformat3.ipynb", """{"nbformat": 3, "worksheets": []}""");
        await Text("cells-number.ipynb", """{"nbformat": 4, "metadata": {}, "cells": 5}""");
        await Text("cell-number.ipynb", """{"nbformat": 4, "metadata": {}, "cells": [5]}""");
        await Text("cell-type.ipynb", """{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "weird", "source": "x"}]}""");
        await Text("source-number.ipynb", """{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": 42, "metadata": {}, "outputs": []}]}""");
        await Text("array.ipynb", "[1, 2, 3]");
        await Text("empty.ipynb", "");
        await Text("empty.dib", "");
        await Text("markdown-only.dib", "#!markdown\n\n# Just a title\n");
        await Text("text.txt", "not a notebook at all");
        await Bytes("binary.ipynb", [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 3, 0xFF, 0xFE, 0, 0]);
        await Bytes("binary.dib", [0, 1, 2, 3, 0x1B, 0x5B, 0x32, 0x4A, 0]);
        await Bytes("latin1.dib", Encoding.Latin1.GetBytes("#!csharp\n\nvar caf\u00e9 = \"cr\u00e8me br\u00fbl\u00e9e\";\n"));
        await using (var huge = File.Create(Path.Combine(folder, "huge.ipynb")))
        {
            huge.SetLength(65L * 1024 * 1024); // a sparse 65 MB of zeros: over the 64 MB a notebook may have
        }

        Directory.CreateDirectory(Path.Combine(folder, "adir"));
        Directory.CreateDirectory(Path.Combine(folder, "folder.ipynb"));
    }

    /// <summary>The invocations, each an argument list.</summary>
    public static IReadOnlyList<string[]> Invocations()
    {
        var mega = new string('x', 1 << 20);
        var big = new string('y', 40 * 1024);
        List<string[]> list =
        [
            // No command, unknown command, stray words.
            [], ["runn", "nb.ipynb"], ["--bogus"], ["run", "nb.ipynb", "nb.ipynb"], ["run", "nb.ipynb", "extra", "words"],
            ["\u001b[2J"], [mega],

            // run: unknown options, options without their value.
            ["run"], ["run", "--bogus", "nb.ipynb"], ["run", "nb.ipynb", "--bogus"], ["run", "nb.ipynb", "-x"], ["run", "nb.ipynb", "--Timeout", "5"],
            ["run", "nb.ipynb", "--timeout"], ["run", "nb.ipynb", "-p"], ["run", "nb.ipynb", "-o"], ["run", "nb.ipynb", "--kernel-log"],
            ["run", "nb.ipynb", "--packages"], ["run", "nb.ipynb", "--spark"], ["run", "nb.ipynb", "--start-timeout"],
            ["run", "nb.ipynb", "--spark-master"], ["run", "nb.ipynb", "--quiet=maybe"], ["run", "nb.ipynb", "--" + mega],

            // run: bad -p pairs.
            ["run", "nb.ipynb", "-p", "novalue"], ["run", "nb.ipynb", "-p", "=5"], ["run", "nb.ipynb", "-p", " =5"], ["run", "nb.ipynb", "-p", "="],
            ["run", "nb.ipynb", "-p", "1x=5"], ["run", "nb.ipynb", "-p", "a b=1"], ["run", "nb.ipynb", "-p", "a.b=1"], ["run", "nb.ipynb", "-p", "class=1"],
            ["run", "nb.ipynb", "-p", "'day=x"], ["run", "nb.ipynb", "-p", "\"day\"=x"], ["run", "nb.ipynb", "-p", "rows=1", "-p", "rows=2"],
            ["run", "nb.ipynb", "-p", "day=a", "-p", "day=a"], ["run", "nb.ipynb", "-p", "rows=many"], ["run", "nb.ipynb", "-p", "rows=1.5"],
            ["run", "nb.ipynb", "-p", "rows=99999999999"], ["run", "nb.ipynb", "-p", "rows="], ["run", "nb.ipynb", "-p", "rows=0x10"],
            ["run", "nb.ipynb", "-p", "threshold=abc"], ["run", "nb.ipynb", "-p", "threshold=NaN"], ["run", "nb.ipynb", "-p", "threshold=1e309"],
            ["run", "nb.ipynb", "-p", "threshold=Infinity"], ["run", "nb.ipynb", "-p", "threshold=-Infinity"], ["run", "nb.ipynb", "-p", "threshold=1,5"],
            ["run", "nb.ipynb", "-p", "day=" + mega], ["run", "nb.ipynb", "-p", "label=" + big], ["run", "nb.ipynb", "-p", mega + "=1"],
            ["run", "nb.ipynb", "-p", "day=\u001b[31mred"], ["run", "nb.ipynb", "-p", "day=a\u0000b"], ["run", "nb.ipynb", "-p", "day=bell\u0007"],
            ["run", "nb.ipynb", "-p", "day=line1\nline2"], ["run", "nb.ipynb", "-p", "day=caf\uFFFD"], ["run", "nb.ipynb", "-p", "label=\u007F"],
            ["run", "nb.ipynb", "-p", "n\u0000ame=1"], ["run", "nb.ipynb", "-p", "rows=" + mega],

            // run: bad numbers.
            ["run", "nb.ipynb", "--timeout", "NaN"], ["run", "nb.ipynb", "--timeout", "-1"], ["run", "nb.ipynb", "--timeout", "0"],
            ["run", "nb.ipynb", "--timeout", "1e309"], ["run", "nb.ipynb", "--timeout", "-1e309"], ["run", "nb.ipynb", "--timeout", "Infinity"],
            ["run", "nb.ipynb", "--timeout", "abc"], ["run", "nb.ipynb", "--timeout", ""], ["run", "nb.ipynb", "--timeout", "99999999999"],
            ["run", "nb.ipynb", "--timeout", "5s"], ["run", "nb.ipynb", "--timeout", mega], ["run", "nb.ipynb", "--start-timeout", "NaN"],
            ["run", "nb.ipynb", "--start-timeout", "-5"], ["run", "nb.ipynb", "--start-timeout", "1e309"], ["run", "nb.ipynb", "--start-timeout", "0"],

            // run: bad paths.
            ["run", "missing.ipynb"], ["run", "adir"], ["run", "folder.ipynb"], ["run", "text.txt"], ["run", "corrupt.ipynb"], ["run", "notjson.ipynb"],
            ["run", "nbformat3.ipynb"], ["run", "cells-number.ipynb"], ["run", "cell-number.ipynb"], ["run", "cell-type.ipynb"],
            ["run", "source-number.ipynb"], ["run", "array.ipynb"], ["run", "empty.ipynb"], ["run", "empty.dib"], ["run", "markdown-only.dib"],
            ["run", "binary.ipynb"], ["run", "binary.dib"], ["run", "latin1.dib"], ["run", "huge.ipynb"], ["run", mega + ".ipynb"],
            ["run", "a\u001b[2Jb.ipynb"], ["run", "a\u0000b.ipynb"], ["run", ""], ["run", "\"nb.ipynb"],
            ["run", "nb.ipynb", "-o", "out.dib"], ["run", "nb.ipynb", "-o", "adir"], ["run", "nb.ipynb", "-o", "folder.ipynb"],
            ["run", "nb.ipynb", "-o", "nb.ipynb"], ["run", "nb.ipynb", "-o", "/proc/r4-no-such/out.ipynb"], ["run", "nb.ipynb", "-o", ""],
            ["run", "nb.ipynb", "--kernel-log", "adir"], ["run", "nb.ipynb", "--kernel-log", "/proc/r4-no-such/kernel.log"],
            ["run", "nb.ipynb", "--packages", "/r4/no/such/folder"], ["run", "nb.ipynb", "--packages", "nb.ipynb"], ["run", "nb.ipynb", "--packages", ""],

            // run: --spark and its options.
            ["run", "nb.ipynb", "--spark", "remote"], ["run", "nb.ipynb", "--spark", ""], ["run", "nb.ipynb", "--spark", "LOCAL"],
            ["run", "nb.ipynb", "--spark", "local", "--spark-master", "foo"], ["run", "nb.ipynb", "--spark", "local", "--spark-master", ""],
            ["run", "nb.ipynb", "--spark", "local", "--spark-master", "local[0]"], ["run", "nb.ipynb", "--spark", "local", "--spark-master", "local[-1]"],
            ["run", "nb.ipynb", "--spark", "local", "--spark-driver-memory", "lots"], ["run", "nb.ipynb", "--spark", "local", "--spark-driver-memory", ""],
            ["run", "nb.ipynb", "--spark", "local", "--spark-driver-memory", "-1g"], ["run", "nb.ipynb", "--spark", "local", "--spark-driver-memory", "0"],
            ["run", "nb.ipynb", "--spark", "local", "--spark-driver-memory", "4 g"],

            // submit: only what is checked before a launcher is chosen (the launcher options are the Marathon submit's).
            ["submit"], ["submit", "nb.ipynb"], ["submit", "nb.ipynb", "--launcher"], ["submit", "nb.ipynb", "--launcher", "k8s"],
            ["submit", "nb.ipynb", "--launcher", ""], ["submit", "nb.ipynb", "--launcher", "DOCKER"], ["submit", "nb.ipynb", "--launcher", "docker", "--bogus"],
            ["submit", "missing.ipynb", "--launcher", "docker"], ["submit", "nb.ipynb", "--launcher", "docker", "-p", "novalue"],
            ["submit", "nb.ipynb", "--launcher", "docker", "-p", "rows=many"], ["submit", "nb.ipynb", "--launcher", "docker", "-p", "rows=1", "-p", "rows=2"],
            ["submit", "nb.ipynb", "--launcher", "docker", "-p", "day=" + mega], ["submit", "corrupt.ipynb", "--launcher", "docker"],
            ["submit", "binary.dib", "--launcher", "docker"], ["submit", "nb.ipynb", "--launcher", "docker", "--cpus", "abc"],
            ["submit", "nb.ipynb", "--launcher", "docker", "--job-timeout", "x"],
            // Docker's container limits, refused before the image check (a NaN CPU count became a zero limit).
            ["submit", "nb.ipynb", "--launcher", "docker", "--cpus", "NaN"], ["submit", "nb.ipynb", "--launcher", "docker", "--cpus", "-1"],
            ["submit", "nb.ipynb", "--launcher", "docker", "--cpus", "1e309"], ["submit", "nb.ipynb", "--launcher", "docker", "--memory", "lots"],
            ["submit", "nb.ipynb", "--launcher", "docker", "--memory", ""], ["submit", "nb.ipynb", "--launcher", "docker", "--memory", "1k"],
            ["submit", "nb.ipynb", "--launcher", "docker", "--memory", "NaNg"],
            // The sessions' size grammar (ByteSize): an exponent and a size past a petabyte used to pass here.
            ["submit", "nb.ipynb", "--launcher", "docker", "--memory", "1e3g"], ["submit", "nb.ipynb", "--launcher", "docker", "--memory", "99999999999999999999t"],

            // jobs and logs.
            ["jobs", "--collect"], ["jobs", "--remove"], ["jobs", "--remove", Nobody], ["jobs", "--remove", ""], ["jobs", "--remove", " "],
            ["jobs", "--collect", Nobody], ["jobs", "--collect", ""], ["jobs", "--collect", mega], ["jobs", "--remove", "\u001b[2J"], ["jobs", "--remove", mega],
            ["jobs", "--prune", "yes"], ["jobs", "extra"], ["jobs", "--tail", "5"],
            ["logs"], ["logs", Nobody], ["logs", ""], ["logs", "   "], ["logs", mega], ["logs", "a", "b"], ["logs", Nobody, "--tail", "-5"],
            ["logs", Nobody, "--tail", "abc"], ["logs", Nobody, "--tail", "1e309"], ["logs", Nobody, "--tail", "99999999999"],
            ["logs", Nobody, "--follow", "maybe"], ["logs", "\u001b]0;title\u0007"],

            // sessions.
            ["sessions", "--stop"], ["sessions", "--stop", Nobody], ["sessions", "--stop", ""], ["sessions", "--stop", mega],
            ["sessions", "--stop", "\u001b[31m"], ["sessions", "extra"], ["sessions", "--marathon", "http://localhost:1"], ["sessions", "--all-owners"],
            ["sessions", "--prune", "--marathon", "foo"], ["sessions", "--prune", "--marathon", "ftp://marathon:8080"],
            ["sessions", "--prune", "--marathon", "http://user:secret@marathon:8080"], ["sessions", "--prune", "--marathon", "http://"],
            ["sessions", "--prune", "--marathon", "http://[::1"], ["sessions", "--prune", "--marathon", "http://localhost:99999"],
            ["sessions", "--prune", "--marathon", mega], ["sessions", "--prune", "--marathon", "http://localhost:1", "--group", "BAD_G"],
            ["sessions", "--prune", "--marathon", "http://localhost:1", "--group", ""], ["sessions", "--prune", "--marathon", "http://localhost:1", "--group", "a//b"],
            ["sessions", "--prune", "--marathon", "http://localhost:1", "--group", "-x-"], ["sessions", "--prune", "--marathon"],
        ];
        return list;
    }

    /// <summary>An invocation for a report: arguments clipped, control characters escaped.</summary>
    public static string Describe(IReadOnlyList<string> args) =>
        "ispark " + string.Join(' ', args.Select(a => "[" + InputText.Clip(a, 60) + "]"));
}

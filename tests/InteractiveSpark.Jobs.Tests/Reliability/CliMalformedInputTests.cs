using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using InteractiveSpark.Cli;
using Xunit.Abstractions;

namespace InteractiveSpark.Jobs.Tests.Reliability;

/// <summary>In-process invocations redirect the console: nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ispark console";
}

/// <summary>
/// R4 for the <c>ispark</c> command line: every malformed invocation of <see cref="CliMalformedInputCorpus"/> exits with
/// code 2 and one clear line on stderr (no stack trace, no .NET type name, no control character, the input echoed
/// clipped: at most ~2,000 characters, the tool's stderr guard, most far less), and starts
/// nothing: no process under this test, no kernel or Spark in the corpus folder, no job container. The corpus runs
/// in-process through the tool's own entry (IsparkCli.RunAsync, what Main calls); a handful goes through the real
/// built tool as a process as well, with its product log.
/// </summary>
[Collection(CliConsoleCollection.Name)]
public sealed class CliMalformedInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _folder = IsparkTool.NewRunFolder();
    private readonly string _logs = Directory.CreateTempSubdirectory("ispark-r4-log-").FullName;
    private string? _previousDirectory;

    public async Task InitializeAsync()
    {
        await CliMalformedInputCorpus.WriteFixturesAsync(_folder, IsparkTool.Root);
        _previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _folder;
    }

    public Task DisposeAsync()
    {
        Environment.CurrentDirectory = _previousDirectory!;
        Directory.Delete(_logs, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_malformed_invocation_exits_2_with_one_clear_line_and_starts_nothing()
    {
        var corpus = CliMalformedInputCorpus.Invocations();
        corpus.Count.Should().BeGreaterThanOrEqualTo(100);
        using var docker = new DockerClientConfiguration().CreateClient();
        var containersBefore = await JobContainersAsync(docker);
        var problems = new List<string>();
        var slowest = (Time: TimeSpan.Zero, Case: "");
        var total = Stopwatch.StartNew();
        foreach (var args in corpus)
        {
            var describe = CliMalformedInputCorpus.Describe(args);
            var before = Started();
            var clock = Stopwatch.StartNew();
            var (exitCode, stdout, stderr) = await InProcessAsync(args);
            if (clock.Elapsed > slowest.Time)
            {
                slowest = (clock.Elapsed, describe);
            }

            var after = Started();
            var problem = Judge(exitCode, stdout, stderr) ?? (after.Except(before).ToList() is { Count: > 0 } fresh ? "started " + string.Join(", ", fresh) : null);
            if (problem is not null)
            {
                problems.Add($"{describe}: {problem}");
            }
        }

        var newContainers = (await JobContainersAsync(docker)).Except(containersBefore).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"R4 CLI: {corpus.Count} malformed invocations, {corpus.Count - problems.Count} refused cleanly in {total.Elapsed.TotalSeconds:0.0} s (slowest {slowest.Time.TotalSeconds:0.00} s: {slowest.Case})"));
        foreach (var problem in problems)
        {
            output.WriteLine("R4 CLI problem: " + (problem.Length > 500 ? problem[..500] + "..." : problem));
        }

        problems.Should().BeEmpty("every malformed invocation must exit 2 with one clear line and start nothing (see the R4 CLI problem lines)");
        newContainers.Should().BeEmpty("no job container may have been created");
        total.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(2), "the whole corpus answers fast");
        var log = ReadLog();
        log.Should().Contain("ispark run started").And.Contain("ended with exit code 2");
        log.Should().NotContain(new string('x', 2100), "the log clips what it echoes, a 1 MB argument included");
        log.Should().NotContain(":secret@", "a password in a URL is redacted from the logged arguments").And.Contain("://user:[redacted]@");
    }

    [Fact]
    public async Task The_real_tool_refuses_a_handful_the_same_way_and_logs_them_to_ISPARK_LOG_DIR()
    {
        var environment = new Dictionary<string, string> { ["ISPARK_LOG_DIR"] = _logs };
        string[][] cases =
        [
            [], ["run", "--bogus", "nb.ipynb"], ["run", "nb.ipynb", "-p", "rows=many"], ["run", "nb.ipynb", "--timeout", "NaN"],
            ["run", "missing.ipynb"], ["run", "binary.dib"], ["submit", "nb.ipynb", "--launcher", "k8s"], ["logs", CliMalformedInputCorpus.Nobody, "--tail", "abc"],
            ["sessions", "--prune", "--marathon", "http://user:secret@marathon:8080"], ["run", "nb.ipynb", "-p", "label=" + new string('z', 100_000)],
        ];
        foreach (var args in cases)
        {
            var result = await IsparkTool.RunAsync(args, _folder, environment, TimeSpan.FromSeconds(60));
            Judge(result.ExitCode, "", result.Output).Should().BeNull(CliMalformedInputCorpus.Describe(args) + " -> " + result.Output);
        }

        // Bytes that are not UTF-8 reach the tool only through a process (a shell passes them as they are).
        var tool = IsparkTool.ToolPath;
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = _folder, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec dotnet '{tool}' run nb.ipynb -p \"day=$(printf 'caf\\351 \\377')\"");
        psi.Environment["ISPARK_LOG_DIR"] = _logs;
        var invalid = await IsparkTool.RunProcessAsync(psi, TimeSpan.FromSeconds(60));
        Judge(invalid.ExitCode, "", invalid.Output).Should().BeNull(invalid.Output);
        invalid.Output.Should().Contain("bytes that are not UTF-8");

        var log = ReadLog();
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.Contains("[INF] ispark session=- InteractiveSpark.Cli: ispark run started", StringComparison.Ordinal) && l.Contains("run --bogus nb.ipynb", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("ispark run: parameter 'rows': 'many' is not a int", StringComparison.Ordinal));
        lines.Where(l => l.Contains(" ended with exit code 2 ", StringComparison.Ordinal)).Should().HaveCount(cases.Length + 1);
        log.Should().NotContain(":secret@").And.NotContain(new string('z', 2100));
    }

    /// <summary>Null when the answer is what R4 asks; else what is wrong with it.</summary>
    private static string? Judge(int exitCode, string stdout, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string Show() => InputText.Clip(stderr, 300);
        return exitCode != 2 ? $"exit code {exitCode}: {Show()}"
            : lines.Length != 1 ? $"{lines.Length} lines on stderr: {Show()}"
            : stdout.Length > 0 ? $"wrote to stdout: {InputText.Clip(stdout, 200)}"
            : lines[0].Contains("   at ", StringComparison.Ordinal) || lines[0].Contains("Exception", StringComparison.Ordinal) || lines[0].Contains("System.", StringComparison.Ordinal)
                ? $"a .NET exception or type: {Show()}"
            : lines[0].Length > 2100 ? $"a {lines[0].Length}-character line: {Show()}"
            : !lines[0].StartsWith("ispark", StringComparison.Ordinal) || lines[0].Length < 20 ? $"not a clear line: {Show()}"
            : lines[0].Any(c => char.IsControl(c)) ? $"control characters echoed: {Show()}"
            : null;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> InProcessAsync(string[] args)
    {
        var (outWas, errWas) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await IsparkCli.RunAsync(args, name => name == "ISPARK_LOG_DIR" ? _logs : Environment.GetEnvironmentVariable(name))
                .WaitAsync(TimeSpan.FromSeconds(30));
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(outWas);
            Console.SetError(errWas);
        }
    }

    /// <summary>
    /// What is running that the tool could have started: the children of this process, and any process whose working
    /// folder is the corpus folder (a kernel runs in the notebook's folder), as "pid command".
    /// </summary>
    private HashSet<string> Started()
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var task in Directory.EnumerateDirectories($"/proc/{self}/task"))
        {
            foreach (var child in SafeRead(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                found.Add(child + " " + SafeRead($"/proc/{child}/comm").Trim());
            }
        }

        foreach (var proc in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)))
        {
            try
            {
                var cwd = new DirectoryInfo($"/proc/{proc}/cwd").ResolveLinkTarget(false)?.FullName;
                if (cwd is not null && cwd.StartsWith(_folder, StringComparison.Ordinal))
                {
                    found.Add(proc + " " + SafeRead($"/proc/{proc}/comm").Trim());
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look at.
            }
        }

        return found;
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Job containers (any state) whose notebook is one of the corpus's files.</summary>
    private static async Task<HashSet<string>> JobContainersAsync(DockerClient docker)
    {
        var notebooks = new[] { "nb.ipynb", "corrupt.ipynb", "binary.dib", "missing.ipynb" };
        var list = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["ispark.job"] = true } },
        });
        return list.Where(c => c.Labels.TryGetValue("ispark.notebook", out var n) && notebooks.Contains(n)).Select(c => c.ID).ToHashSet();
    }

    private string ReadLog()
    {
        var files = Directory.GetFiles(_logs, "ispark-*.log");
        files.Should().ContainSingle("one ispark log file a day");
        using var stream = new FileStream(files[0], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}

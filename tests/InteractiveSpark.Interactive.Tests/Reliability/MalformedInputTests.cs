using System.Diagnostics;
using InteractiveSpark.Sessions.Docker;
using Xunit.Abstractions;

namespace InteractiveSpark.Interactive.Tests.Reliability;

/// <summary>
/// R4: every malformed magic of the corpus gives one clear error, in bounded time; the kernel stays alive; nothing is
/// started (no session, no container).
/// </summary>
public sealed class MalformedInputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerCell = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_malformed_magic_is_refused_with_one_clear_message_and_nothing_starts()
    {
        var corpus = MalformedInputCorpus.Magics();
        corpus.Count.Should().BeGreaterThanOrEqualTo(200);
        using var kernel = await InProcessKernel.StartAsync();
        var problems = new List<string>();
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        foreach (var cell in corpus)
        {
            var clock = Stopwatch.StartNew();
            CellResult result;
            try
            {
                result = await kernel.RunAsync(cell, PerCell);
            }
            catch (TimeoutException)
            {
                problems.Add($"no answer within {PerCell.TotalSeconds} s: {MalformedInputCorpus.Describe(cell)}");
                continue;
            }

            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            if (clock.Elapsed > TimeSpan.FromSeconds(3))
            {
                output.WriteLine($"R4 slow ({clock.Elapsed.TotalSeconds:0.0} s): {MalformedInputCorpus.Describe(cell)}");
            }

            var message = result.Error;
            if (message is null)
            {
                problems.Add($"accepted: {MalformedInputCorpus.Describe(cell)} -> {string.Join(" | ", result.Outputs.Select(MalformedInputCorpus.Describe))}");
            }
            else if (message.Contains("   at ", StringComparison.Ordinal) || message.Contains("Exception:", StringComparison.Ordinal)
                     || message.Contains("(Parameter '", StringComparison.Ordinal))
            {
                problems.Add($"stack trace or raw exception: {MalformedInputCorpus.Describe(cell)} -> {MalformedInputCorpus.Describe(message)}");
            }
            else if (message.Length > 1200 || message.Trim().Length < 10)
            {
                problems.Add($"not one clear message ({message.Length} chars): {MalformedInputCorpus.Describe(cell)} -> {MalformedInputCorpus.Describe(message)}");
            }
        }

        output.WriteLine($"R4: {corpus.Count} malformed magics, {corpus.Count - problems.Count} refused cleanly in {total.Elapsed.TotalSeconds:0.0} s (slowest {slowest.TotalSeconds:0.00} s)");
        foreach (var problem in problems)
        {
            output.WriteLine("R4 problem: " + (problem.Length > 400 ? problem[..400] + "..." : problem));
        }

        problems.Should().BeEmpty("every malformed magic must be refused cleanly (see the R4 problem lines)");

        var alive = await kernel.RunAsync("var afterCorpus = 6 * 7;");
        alive.Error.Should().BeNull("the kernel must still run code after every refusal");
        kernel.CSharp.TryGetValue<int>("afterCorpus", out var answer).Should().BeTrue();
        answer.Should().Be(42);
        SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().BeEmpty("no session may have been opened");
        var containers = await DockerSparkContainers.ListAsync(new Dictionary<string, string?> { [DockerSparkContainers.NameLabel] = MalformedInputCorpus.Name });
        containers.Should().BeEmpty("no container may have been started");
    }
}

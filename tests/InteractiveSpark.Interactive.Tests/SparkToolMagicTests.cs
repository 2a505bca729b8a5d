using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>#!spark-logs and #!spark-ui in-process, on a session the notebook started with the local launcher.</summary>
public sealed class SparkToolMagicTests
{
    [Fact]
    public async Task Logs_and_ui_of_an_unknown_session_say_which_sessions_are_open()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var logs = await kernel.RunAsync("#!spark-logs --name nope --tail 20");
        var ui = await kernel.RunAsync("#!spark-ui --name nope");

        logs.Error.Should().Be("No Spark session named 'nope' is open in this notebook (none is open): open one with #!spark-connect.");
        ui.Error.Should().Be("No Spark session named 'nope' is open in this notebook (none is open): open one with #!spark-connect.");
    }

    [Fact]
    public async Task A_local_session_shows_its_log_tail_grep_and_follow_and_a_ui_link_that_answers()
    {
        using var kernel = await InProcessKernel.StartAsync();
        var connect = await kernel.RunAsync(
            "#!spark-connect --name loc --launcher local --master local[1] --driver-memory 1g --startup-timeout 180", TimeSpan.FromMinutes(4));
        connect.Error.Should().BeNull();
        var server = SparkKernelExtension.SessionsOf(kernel.Root)!.All.Should().ContainSingle().Subject.Driver.Should().BeOfType<InteractiveSpark.Sessions.Local.LocalSparkDriver>().Subject.Server;
        var token = server.ConnectionString.Token!;

        // --tail 20 --grep Spark: only matching lines, the last 20 of them, in the log's order.
        var grep = await kernel.RunAsync("#!spark-logs --name loc --tail 20 --grep Spark");
        grep.Error.Should().BeNull();
        var lines = grep.LastOutput!.TrimEnd('\n').Split('\n');
        var expected = server.RecentLog.Where(l => l.Contains("Spark", StringComparison.Ordinal)).TakeLast(20).ToArray();
        expected.Should().NotBeEmpty();
        lines[0].Should().Be($"loc: driver log, {expected.Length} line{(expected.Length == 1 ? "" : "s")} matching /Spark/");
        lines.Skip(1).Should().Equal(expected);
        lines.Skip(1).Should().Contain(l => l.Contains("Spark Connect server started at", StringComparison.Ordinal));

        var tail = await kernel.RunAsync("#!spark-logs --name loc --driver --tail 3");
        tail.Error.Should().BeNull();
        tail.LastOutput!.TrimEnd('\n').Split('\n').Skip(1).Should().HaveCount(3);

        // A bad pattern, a local session asked for an executor, both options at once: clear messages.
        (await kernel.RunAsync("#!spark-logs --name loc --grep \"(unclosed\"")).Error.Should().StartWith("--grep '(unclosed' is not a valid regular expression");
        (await kernel.RunAsync("#!spark-logs --name loc --executor 1")).Error.Should().StartWith("A local session runs its executors inside the driver process");
        (await kernel.RunAsync("#!spark-logs --name loc --driver --executor 1")).Error.Should().Be("#!spark-logs takes --driver or --executor K, not both.");
        (await kernel.RunAsync("#!spark-logs --name loc --tail many")).Error.Should().StartWith("--tail takes a number of lines");

        // --follow shows the tail, then ends by itself after --max-duration.
        var follow = await kernel.RunAsync("#!spark-logs --name loc --tail 5 --follow --max-duration 2s", TimeSpan.FromSeconds(30));
        follow.Error.Should().BeNull();
        follow.LastOutput.Should().StartWith("loc: driver log, 5 lines - stopped after --max-duration");

        // The UI link answers HTTP 200.
        var ui = await kernel.RunAsync("#!spark-ui --name loc");
        ui.Error.Should().BeNull();
        ui.LastOutput.Should().Be($"Spark UI of loc: http://localhost:{server.UiPort}/");
        var html = string.Join("\n", ui.Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues.Where(v => v.MimeType == HtmlFormatter.MimeType).Select(v => v.Value)));
        var href = Regex.Match(html, "href=\"([^\"]+)\"").Groups[1].Value;
        href.Should().Be($"http://localhost:{server.UiPort}/");
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(href));
        ((int)response.StatusCode).Should().Be(200);

        foreach (var output in grep.Outputs.Concat(tail.Outputs).Concat(follow.Outputs).Concat(ui.Outputs))
        {
            output.Should().NotContain(token);
        }
    }
}

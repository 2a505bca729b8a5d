using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using InteractiveSpark.Jupyter.CSharp;
using InteractiveSpark.Kafka;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// <c>#!kafka-sample</c> and <c>#!kafka-stream</c> on the product's own Jupyter kernel (its C# cells, in process), against
/// the real broker and Spark: the sample and its C# variable; a stream preview whose cell ends at once and whose display
/// keeps updating after it (update_display_data with one display id), stopped by <c>#!kafka-stream --stop</c> with no
/// streaming query left.
/// </summary>
[Collection(KernelKafkaCollection.Name)]
public sealed class KernelKafkaMagicTests(KafkaBrokerFixture kafka, SparkServerFixture spark)
{
    [Fact]
    public async Task Kafka_sample_on_the_kernel_shows_the_messages_and_sets_the_csharp_variable()
    {
        var topic = KafkaBrokerFixture.NewTopic("kernel-sample");
        await KafkaTopics.CreateAsync(Connection, topic, 2);
        await KafkaTopics.ProduceAsync(Connection, topic, Enumerable.Range(0, 6).Select(i =>
            KafkaMessage.Text($"k{i}", $$"""{"user":"u{{i}}","amount":{{i}}.5}""")));
        var cells = new CSharpCells(captureConsole: false);
        try
        {
            var output = new Recorded();
            var outcome = await cells.ExecuteAsync($"#!kafka-sample --bootstrap {kafka.Bootstrap} --topic {topic} --last 2 --format json --variable orders", output, default);
            outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
            var shown = output.Sent.Single(s => s.Kind == "display").Bundle!;
            shown["text/plain"].Should().Contain("; in C#: orders").And.Contain("JSON fields");
            shown["text/html"].Should().Contain("<table").And.Contain("amount");

            var count = new Recorded();
            (await cells.ExecuteAsync("orders.Records.Count", count, default)).ErrorName.Should().BeNull();
            count.Sent.Single(s => s.Kind == "result").Bundle!["text/plain"].Should().Be("4", "the last 2 of each of the 2 partitions");

            (await cells.ExecuteAsync("#!kafka-sample --bootstrap 127.0.0.1:1 --topic t --timeout 2s", new Recorded(), default)).ErrorValue
                .Should().NotContain("\n").And.NotContain("Exception");
            (await cells.ExecuteAsync($"#!kafka-sample --bootstrap {kafka.Bootstrap} --topic {topic} --variable 9x", new Recorded(), default)).ErrorValue
                .Should().StartWith("--variable '9x' cannot be a C# variable name");
        }
        finally
        {
            await cells.ShutdownAsync(restart: false);
        }
    }

    [Fact]
    public async Task Kafka_stream_on_the_kernel_keeps_updating_after_its_cell_ended_until_stop()
    {
        var topic = KafkaBrokerFixture.NewTopic("kernel-live");
        await KafkaTopics.CreateAsync(Connection, topic, 2);
        var cells = new CSharpCells(captureConsole: false);
        using var stopProducing = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; !stopProducing.IsCancellationRequested; i++)
            {
                await KafkaTopics.ProduceAsync(Connection, topic, Enumerable.Range(0, 20).Select(j =>
                    KafkaMessage.Text($"k{j}", $$"""{"user":"u{{j}}","amount":{{i}}.5}""")));
                await Task.Delay(300);
            }
        });
        try
        {
            (await cells.ExecuteAsync($"#!spark-connect --name live --url {await spark.UrlAsync()}", new Recorded(), default)).ErrorName.Should().BeNull();
            var stream = new Recorded();
            var cell = Stopwatch.StartNew();
            var outcome = await cells.ExecuteAsync(
                $"#!kafka-stream --session live --bootstrap {kafka.Bootstrap} --topic {topic} --format json --schema \"user STRING, amount DOUBLE\" --starting-offsets earliest --rows 5 --max-duration 5m",
                stream, default);
            outcome.ErrorName.Should().BeNull(outcome.ErrorValue);
            var cellTook = cell.Elapsed;
            var atCellEnd = stream.Sent.Count;

            // The cell has ended; the preview's display keeps changing, until rows have arrived (the first micro-batch
            // can take most of a minute on a loaded machine: four updates alone once all still said 0 rows).
            static long Rows((string Kind, MimeBundle? Bundle, string? DisplayId) s) => long.Parse(s.Bundle!["text/plain"]!.Split(": ")[2].Split(' ')[0], CultureInfo.InvariantCulture);
            var waited = Stopwatch.StartNew();
            while (stream.Sent.Skip(atCellEnd).Where(s => s.Kind == "update" && s.Bundle!["text/plain"]!.Contains("- running", StringComparison.Ordinal)).ToArray() is var updates
                   && (updates.Length < 4 || Rows(updates[^1]) == 0)
                   && waited.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(250);
            }

            var display = stream.Sent.First(s => s.Kind == "display");
            display.DisplayId.Should().NotBeNullOrEmpty();
            var running = stream.Sent.Skip(atCellEnd).Where(s => s.Kind == "update" && s.Bundle!["text/plain"]!.Contains("- running", StringComparison.Ordinal)).ToArray();
            running.Length.Should().BeGreaterThanOrEqualTo(4, $"the view keeps updating after the cell ended (the cell took {cellTook})");
            running.Select(s => s.DisplayId).Distinct().Should().ContainSingle().Which.Should().Be(display.DisplayId, "every update replaces the one display");
            var counts = running.Select(Rows).ToArray();
            counts.Should().BeInAscendingOrder();
            counts[^1].Should().BeGreaterThan(0);
            running[^1].Bundle!["text/html"].Should().Contain("input rows/s").And.Contain("<th>amount<br><small>double");

            var stop = new Recorded();
            (await cells.ExecuteAsync("#!kafka-stream --session live --stop", stop, default)).ErrorName.Should().BeNull();
            var stopText = stop.Sent.Single(s => s.Kind == "display").Bundle!["text/plain"];
            stopText.Should().Contain("stopped and removed").And.EndWith("the session has 0 active streaming queries.");
            stream.Sent.Last().Bundle!["text/plain"]!.Split('\n')[0].Should().Contain("stopped by #!kafka-stream --stop; stopped: streaming query kafka_stream_");

            var active = new Recorded();
            (await cells.ExecuteAsync("(await live.Streams.ActiveAsync()).Count", active, default)).ErrorName.Should().BeNull();
            active.Sent.Single(s => s.Kind == "result").Bundle!["text/plain"].Should().Be("0");
        }
        finally
        {
            await stopProducing.CancelAsync();
            await producer;
            await cells.ShutdownAsync(restart: false);
        }
    }

    private KafkaConnection Connection => new(kafka.Bootstrap);

    private sealed class Recorded : ICellOutput
    {
        public ConcurrentQueue<(string Kind, MimeBundle? Bundle, string? DisplayId)> Sent { get; } = new();

        public void Stream(string name, string text) => Sent.Enqueue(("stream", MimeBundle.Text(text), null));

        public void Display(MimeBundle bundle, string? displayId = null) => Sent.Enqueue(("display", bundle, displayId));

        public void UpdateDisplay(MimeBundle bundle, string displayId) => Sent.Enqueue(("update", bundle, displayId));

        public void Result(MimeBundle bundle) => Sent.Enqueue(("result", bundle, null));

        public void ClearOutput(bool wait)
        {
        }

        public void Page(MimeBundle bundle)
        {
        }

        public Task<string> InputAsync(string prompt, bool password, CancellationToken cancellation) => Task.FromResult("");
    }
}

/// <summary>The kernel's Kafka tests share one broker and one Spark server.</summary>
[CollectionDefinition(Name)]
public sealed class KernelKafkaCollection : ICollectionFixture<KafkaBrokerFixture>, ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kernel Kafka";
}

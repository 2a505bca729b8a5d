using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace InteractiveSpark.Kafka.Tests;

/// <summary>
/// <c>#!kafka-sample</c> and <c>#!kafka-stream</c> in a notebook kernel (in process) against the real broker and Spark:
/// what the cell shows, the C# variable, the clear failures, a live consumer group left untouched (issue 11, R6), the
/// in-place updates of the stream and the streaming query gone afterwards.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaMagicTests
{
    private readonly KafkaBrokerFixture _kafka;
    private readonly SparkServerFixture _spark;

    public KafkaMagicTests(KafkaBrokerFixture kafka, SparkServerFixture spark)
    {
        _kafka = kafka;
        _spark = spark;
    }

    [Fact]
    public async Task Kafka_sample_shows_the_messages_and_json_fields_and_sets_a_csharp_variable()
    {
        var topic = KafkaBrokerFixture.NewTopic("magic");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 2);
        await KafkaTopics.ProduceAsync(_kafka.Connection, topic, Enumerable.Range(0, 6).Select(i =>
            KafkaMessage.Text($"k{i}", $$"""{"user":"u{{i}}","amount":{{i}}.5}""") with { Partition = i % 2 }));
        using var kernel = await InProcessKernel.StartAsync();

        var cell = await kernel.RunAsync($"#!kafka-sample --bootstrap {_kafka.Bootstrap} --topic {topic} --last 2 --format json --variable orders");

        cell.Error.Should().BeNull();
        var text = cell.Outputs.Single();
        text.Should().StartWith($"{topic} at {_kafka.Bootstrap}: 4 messages from 2 partitions, json, read in ")
            .And.Contain("(no consumer group, nothing committed); in C#: orders")
            .And.Contain("JSON fields:");
        text.Split('\n').Should().Contain(l => l.StartsWith("|        0|     1|", StringComparison.Ordinal) && l.EndsWith("|k2 |null   |{\"user\":\"u2\",\"amount\":2.5}|", StringComparison.Ordinal));
        text.Split('\n').Should().Contain("|        1|     2|u5  |   5.5|");
        cell.Htmls.Single().Should().Contain("<th>amount<br><small>double").And.Contain("JSON fields");

        var use = await kernel.RunAsync("orders.Records.Count + \" \" + orders.Records[0].Json?.GetProperty(\"user\").GetString()");
        use.Error.Should().BeNull();
        use.Output.Should().Be("4 u2");
    }

    [Fact]
    public async Task Kafka_sample_failures_are_one_clear_message_in_bounded_time()
    {
        using var kernel = await InProcessKernel.StartAsync();

        var missing = await kernel.RunAsync($"#!kafka-sample --bootstrap {_kafka.Bootstrap} --topic nope");
        missing.Error.Should().StartWith($"Topic 'nope' does not exist at {_kafka.Bootstrap} (");

        var closed = $"127.0.0.1:{KafkaBrokerFixture.FreePort()}";
        var watch = Stopwatch.StartNew();
        var unreachable = await kernel.RunAsync($"#!kafka-sample --bootstrap {closed} --topic t --timeout 3s");
        unreachable.Error.Should().StartWith($"Kafka at {closed} did not answer within 3 s (");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

        var bad = await kernel.RunAsync($"#!kafka-sample --bootstrap {_kafka.Bootstrap} --topic t --offset 3");
        bad.Error.Should().Be("--offset takes PARTITION:OFFSET, e.g. 0:1500 (got '3').");
        var avro = await kernel.RunAsync($"#!kafka-sample --bootstrap {_kafka.Bootstrap} --topic t --format avro");
        avro.Error.Should().Be("--format avro needs --schema-registry URL or --avro-schema FILE.");
    }

    [Fact]
    public async Task Kafka_sample_leaves_a_live_consumer_groups_committed_offsets_alone_and_joins_no_group()
    {
        var topic = KafkaBrokerFixture.NewTopic("grouped");
        var group = $"billing-{Guid.NewGuid():N}"[..16];
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 3);
        await KafkaTopics.ProduceAsync(_kafka.Connection, topic, Enumerable.Range(0, 30).Select(i => KafkaMessage.Text($"k{i}", $"v{i}") with { Partition = i % 3 }));

        // A live member of the group: subscribed, it has read and committed part of the topic, and stays in the group.
        using var member = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.Bootstrap, GroupId = group, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        member.Subscribe(topic);
        var read = 0;
        var deadline = Stopwatch.StartNew();
        while (read < 12 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (member.Consume(TimeSpan.FromMilliseconds(200)) is { } r)
            {
                read++;
                member.Commit(r);
            }
        }

        read.Should().Be(12);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.Bootstrap }).Build();
        var groupsBefore = await Groups(admin);
        var committedBefore = await Committed(admin, group);
        groupsBefore.Should().Contain(group);
        committedBefore.Values.Sum().Should().Be(12);
        var membersBefore = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single().Members.Count;

        using var kernel = await InProcessKernel.StartAsync();
        foreach (var options in new[] { "--last 5", "--from -1d --count 3", "--offset 1:2 --count 4", "--key k7" })
        {
            var cell = await kernel.RunAsync($"#!kafka-sample --bootstrap {_kafka.Bootstrap} --topic {topic} {options}");
            cell.Error.Should().BeNull(options);
            member.Consume(TimeSpan.FromMilliseconds(50)); // the member keeps polling, so it stays in the group
        }

        (await Committed(admin, group)).Should().Equal(committedBefore, "sampling commits nothing to the group");
        (await Groups(admin)).Should().BeEquivalentTo(groupsBefore, "sampling joins no group and creates none");
        (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single().Members.Should().HaveCount(membersBefore);
        member.Close();

        static async Task<string[]> Groups(IAdminClient admin) =>
            (await admin.ListConsumerGroupsAsync()).Valid.Select(g => g.GroupId).Order().ToArray();

        static async Task<Dictionary<int, long>> Committed(IAdminClient admin, string group) =>
            (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)]))
                .Single().Partitions.ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }

    [Fact]
    public async Task Kafka_stream_updates_its_table_and_chart_in_place_then_stops_and_removes_the_query()
    {
        var topic = KafkaBrokerFixture.NewTopic("live");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 2);
        using var kernel = await InProcessKernel.StartAsync();
        var url = await _spark.UrlAsync();
        (await kernel.RunAsync($"#!spark-connect --name dev --url {url}")).Error.Should().BeNull();

        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await KafkaTopics.ProduceAsync(_kafka.Connection, topic, Enumerable.Range(0, 20).Select(j =>
                    KafkaMessage.Text($"k{j}", $$"""{"user":"u{{j}}","amount":{{i}}.5}""")));
                await Task.Delay(300);
            }
        });
        CellResult cell;
        try
        {
            cell = await kernel.RunAsync(
                $"#!kafka-stream --session dev --bootstrap {_kafka.Bootstrap} --topic {topic} --format json --schema \"user STRING, amount DOUBLE\" --starting-offsets earliest --rows 5 --max-duration 12s");
        }
        finally
        {
            stop.Cancel();
            await producer;
        }

        cell.Error.Should().BeNull();
        var updates = cell.Events.OfType<DisplayedValueUpdated>().ToArray();
        updates.Length.Should().BeGreaterThanOrEqualTo(4, "the table and chart refresh every second in place");
        updates.Select(u => u.ValueId).Distinct().Should().ContainSingle("every update replaces the one displayed value")
            .Which.Should().Be(cell.Events.OfType<DisplayedValueProduced>().Single().ValueId);
        var texts = cell.Outputs;
        var counts = texts.Skip(1).SkipLast(1).Select(t => long.Parse(t.Split(": ")[2].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        counts.Should().BeInAscendingOrder().And.Contain(c => c > 0);
        counts[^1].Should().BeGreaterThan(counts[0], "rows keep arriving while it runs");
        texts[^2].Split('\n')[0].Should().MatchRegex($@"^dev: {topic} at {_kafka.Bootstrap}: \d+ rows in \d+ s, [\d.]+ rows/s, batch \d+ - running \(interrupt the cell or #!kafka-stream --stop to end\)$");
        texts[^2].Should().Contain("|partition|offset|timestamp").And.Contain("|user|amount|");
        cell.Htmls[^2].Should().Contain("Plotly.newPlot").And.Contain("input rows/s").And.Contain("<th>amount<br><small>double");
        texts[^1].Split('\n')[0].Should().MatchRegex(
            @"- --max-duration 12 s reached; stopped: streaming query kafka_stream_\S+ \([0-9a-f-]{36}\) stopped and removed; \d+ rows read; the session has 0 active streaming queries\.$");

        var active = await kernel.RunAsync("$\"active: {(await dev.Streams.ActiveAsync()).Count}\"");
        active.Error.Should().BeNull();
        active.Output.Should().Be("active: 0");
    }

    [Fact]
    public async Task Interrupting_kafka_stream_stops_its_query_and_stop_reports_nothing_left()
    {
        var topic = KafkaBrokerFixture.NewTopic("interrupt");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 1);
        using var kernel = await InProcessKernel.StartAsync();
        var url = await _spark.UrlAsync();
        (await kernel.RunAsync($"#!spark-connect --name dev --url {url}")).Error.Should().BeNull();

        var running = kernel.Root.SendAsync(new SubmitCode($"#!kafka-stream --session dev --bootstrap {_kafka.Bootstrap} --topic {topic}"));
        var started = Stopwatch.StartNew();
        var queries = 0;
        while (queries == 0 && started.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(500);
            queries = SparkKernelSessions(kernel).Count;
        }

        queries.Should().Be(1, "the preview's query runs on dev");
        await kernel.Root.SendAsync(new Cancel());
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        var left = -1;
        for (var i = 0; i < 40 && left != 0; i++)
        {
            await Task.Delay(500);
            left = SparkKernelSessions(kernel).Count;
        }

        left.Should().Be(0, "the interrupted preview stopped its query");
        var stopCell = await kernel.RunAsync("#!kafka-stream --session dev --stop");
        stopCell.Error.Should().BeNull();
        stopCell.Outputs.Single().Should().Be("dev: no Kafka stream preview was running; the session has 0 active streaming queries.");

        static IReadOnlyList<SparkConnect.Streaming.StreamingQuery> SparkKernelSessions(InProcessKernel kernel)
        {
            kernel.CSharp.TryGetValue<SparkConnect.SparkSession>("dev", out var dev).Should().BeTrue();
            return dev!.Streams.ActiveAsync().GetAwaiter().GetResult();
        }
    }
}

using System.Text.Json;
using InteractiveSpark.Charts;
using InteractiveSpark.SparkConnect.Streaming;

namespace InteractiveSpark.Kafka.Tests;

/// <summary>
/// The structured-streaming API of our Spark Connect client against real Spark, and <see cref="KafkaStreamPreview"/>
/// reading a real broker through Spark's Kafka source. Every query is stopped, and the session's active list is
/// checked empty afterwards.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StreamingQueryTests
{
    private readonly KafkaBrokerFixture _kafka;
    private readonly SparkServerFixture _spark;

    public StreamingQueryTests(KafkaBrokerFixture kafka, SparkServerFixture spark)
    {
        _kafka = kafka;
        _spark = spark;
    }

    [Fact]
    public async Task A_rate_stream_into_memory_reports_status_and_progress_and_stops_and_is_removed()
    {
        await using var session = await _spark.ConnectAsync();
        var name = $"rate_{Guid.NewGuid():N}"[..16];
        var stream = session.ReadStream.Format("rate").Option("rowsPerSecond", 50).Load();
        (await stream.IsStreamingAsync()).Should().BeTrue();

        var query = await stream.WriteStream.Format("memory").QueryName(name).OutputMode("append")
            .TriggerProcessingTime(TimeSpan.FromMilliseconds(500)).StartAsync();
        try
        {
            query.Name.Should().Be(name);
            query.Id.Should().MatchRegex("^[0-9a-f-]{36}$");
            (await query.IsActiveAsync()).Should().BeTrue();
            (await session.Streams.ActiveAsync()).Select(q => q.Id).Should().Contain(query.Id);
            (await session.Streams.GetAsync(query.Id))!.RunId.Should().Be(query.RunId);

            StreamingQueryProgress? last = null;
            for (var i = 0; i < 60 && (last is null || last.NumInputRows == 0); i++)
            {
                await Task.Delay(500);
                last = await query.LastProgressAsync();
            }

            last.Should().NotBeNull("the query ran micro-batches");
            last!.Id.Should().Be(query.Id);
            last.NumInputRows.Should().BeGreaterThan(0, last.Json);
            JsonDocument.Parse(last.Json).RootElement.GetProperty("sink").GetProperty("description").GetString().Should().Contain("MemorySink");
            var recent = await query.RecentProgressAsync();
            recent.Select(p => p.BatchId).Should().BeInAscendingOrder().And.Contain(last.BatchId);
            (await (await session.SqlAsync($"SELECT count(*) AS n FROM {name}")).CollectAsync())[0].Get<long>("n").Should().BeGreaterThan(0);
            (await query.ExplainAsync()).Should().NotBeNullOrWhiteSpace();

            StreamRateChart.ToHtml(recent).Should().Contain("input rows/s").And.Contain("processed rows/s").And.Contain("Plotly.newPlot");
        }
        finally
        {
            await query.StopAsync();
        }

        (await query.IsActiveAsync()).Should().BeFalse();
        (await query.AwaitTerminationAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
        (await query.ExceptionAsync()).Should().BeNull("it was stopped, not failed");
        (await session.Streams.ActiveAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_kafka_preview_on_spark_shows_the_latest_json_rows_and_rates_then_stops_and_drops_its_table()
    {
        var topic = KafkaBrokerFixture.NewTopic("stream");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 2);
        await using var session = await _spark.ConnectAsync();
        var preview = await KafkaStreamPreview.StartAsync(session, new KafkaStreamOptions(_kafka.Connection, topic)
        {
            Format = KafkaValueFormat.Json,
            Schema = "user STRING, amount DOUBLE",
            StartingOffsets = "earliest",
            Rows = 5,
            Trigger = TimeSpan.FromMilliseconds(500),
        });
        await using (preview)
        {
            KafkaStreamSnapshot? snapshot = null;
            for (var round = 0; round < 40 && (snapshot is null || snapshot.TotalRows < 40); round++)
            {
                await KafkaTopics.ProduceAsync(_kafka.Connection, topic, Enumerable.Range(0, 10).Select(i =>
                    KafkaMessage.Text($"u{i}", $$"""{"user":"u{{i}}","amount":{{round * 10 + i}}.5}""")));
                await Task.Delay(500);
                snapshot = await preview.SnapshotAsync();
            }

            snapshot!.TotalRows.Should().BeGreaterThanOrEqualTo(40);
            snapshot.Schema.Fields.Select(f => f.Name).Should().Equal("partition", "offset", "timestamp", "key", "user", "amount");
            snapshot.Rows.Should().HaveCount(5);
            snapshot.Rows.Select(r => r.Get<string>("user")).Should().OnlyContain(u => u.StartsWith('u'));
            snapshot.Rows.Select(r => r.Get<DateTimeOffset>("timestamp")).Should().BeInDescendingOrder();
            snapshot.Progress.Should().NotBeEmpty();
            snapshot.Status.IsActive.Should().BeTrue();
            (await session.Streams.ActiveAsync()).Select(q => q.Id).Should().Equal(preview.Query.Id);

            var stopped = await preview.StopAsync();
            stopped.Should().StartWith($"stopped: streaming query {preview.Table} ({preview.Query.Id}) stopped and removed; ")
                .And.EndWith("the session has 0 active streaming queries.");
        }

        (await session.Streams.ActiveAsync()).Should().BeEmpty();
        var tables = await (await session.SqlAsync("SHOW VIEWS")).CollectAsync();
        tables.Select(r => r.Get<string>("viewName")).Should().NotContain(preview.Table, "its memory table was dropped");
    }
}

using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Kafka.Tests;

/// <summary>
/// notebooks/kafka.ipynb through Jupyter (nbconvert --execute) and the dotnet-interactive kernel, against the test
/// broker (KAFKA_BOOTSTRAP) and a local Spark session the notebook starts and stops itself, as a user would run it.
/// On InteractiveSpark's own kernel <c>#!kafka-stream</c> returns at once and keeps updating its display after its cell
/// (what .NET Interactive cannot do), so nbconvert would record only its first frame there: that kernel's stream is
/// tested by KernelKafkaMagicTests, the rest of this notebook's magics by the kernel's own magic tests.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaNotebookTests
{
    private readonly KafkaBrokerFixture _kafka;
    public KafkaNotebookTests(KafkaBrokerFixture kafka) => _kafka = kafka;

    [Fact]
    public async Task The_kafka_notebook_samples_and_streams_against_the_real_broker_and_spark()
    {
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/kafka.ipynb", new NotebookRunOptions
        {
            Timeout = TimeSpan.FromMinutes(6),
            Environment = new Dictionary<string, string>
            {
                ["ISPARK_PACKAGES"] = NotebookRunner.PackagesFolder,
                ["KAFKA_BOOTSTRAP"] = _kafka.Bootstrap,
            },
        });

        notebook.Errors.Should().BeEmpty();
        ExecutedCell Cell(string id) => notebook.Cells.Single(c => (string?)c.Json["id"] == id);

        const string topic = "orders-demo";
        Cell("data").Text.Should().Be($"300 orders written to {topic}");
        var sample = Cell("sample").Text.Split('\n');
        sample[0].Should().MatchRegex($@"^{topic} at {_kafka.Bootstrap}: 9 messages from 3 partitions, json, read in \d+ ms \(no consumer group, nothing committed\); in C#: kafkaSample$");
        sample.Should().Contain("schema: partition int not null, offset bigint not null, customer string, item string, amount double");
        Cell("sample").Data("text/html").Single().Should().Contain("<th>amount<br><small>double");
        Cell("variable").Text.Should().MatchRegex(@"^9 orders, \d+\.\d\d in total, from partitions 0 \(0\.\.\d+\), 1 \(0\.\.\d+\), 2 \(0\.\.\d+\)$");
        var key = Cell("key").Text.Split('\n');
        key[0].Should().StartWith($"{topic} at {_kafka.Bootstrap}: 2 messages with key 'customer-7' from 3 partitions, string");
        key.Where(l => l.StartsWith('|') && l.Contains("customer-7", StringComparison.Ordinal)).Should().HaveCount(2);
        Cell("offset").Text.Split('\n')[0].Should().StartWith($"{topic} at {_kafka.Bootstrap}: 2 messages from partition 0, bytes");

        // The stream's one display ends as its last update: rows read, the chart, the table and the stop line.
        var stream = Cell("stream");
        stream.Outputs.Should().ContainSingle("one display, updated in place");
        var final = stream.Text.Split('\n')[0];
        final.Should().MatchRegex($@"^dev: {topic} at {_kafka.Bootstrap}: (\d+) rows in \d+ s, [\d.]+ rows/s, batch \d+ - --max-duration 30 s reached; stopped: streaming query kafka_stream_\S+ \([0-9a-f-]{{36}}\) stopped and removed; \d+ rows read; the session has 0 active streaming queries\.$");
        long.Parse(final.Split(": ")[2].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
        stream.Text.Should().Contain("|customer  |item  |amount|");
        stream.Data("text/html").Single().Should().Contain("Plotly.newPlot").And.Contain("input rows/s");
        Cell("stop").Text.Should().Be("dev: no Kafka stream preview was running; the session has 0 active streaming queries.");
        Cell("end").Text.Should().StartWith("dev: stopped (session ");
        Cell("connect").Text.Split('\n')[^1].Should().MatchRegex(@"^dev: Spark 4\.\d+\.\d+\S*, local process \d+ \(local\[2\]\), session [0-9a-f-]{36}, ");
        notebook.Document.ToJsonString().Should().NotContain("token=", "no output shows the Spark token");
    }
}

using System.Diagnostics;
using System.Text;
using Avro;
using Avro.Generic;
using Avro.IO;

namespace InteractiveSpark.Kafka.Tests;

/// <summary><see cref="KafkaSampler"/> against a real KRaft broker: what a kcat user checks, plus the clear failures.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSamplerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly KafkaBrokerFixture _kafka;

    public KafkaSamplerTests(KafkaBrokerFixture kafka) => _kafka = kafka;

    /// <summary>A topic with 3 partitions × 20 messages: key k{p}-{i % 4}, value "p{p}-m{i}", a header, timestamps T0 + i minutes.</summary>
    private async Task<string> TextTopicAsync()
    {
        var topic = KafkaBrokerFixture.NewTopic("text");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 3);
        var messages = Enumerable.Range(0, 3).SelectMany(p => Enumerable.Range(0, 20).Select(i =>
            KafkaMessage.Text($"k{p}-{i % 4}", $"p{p}-m{i}") with
            {
                Partition = p,
                Timestamp = T0.AddMinutes(i),
                Headers = [new("trace", Encoding.UTF8.GetBytes($"t{p}{i}"))],
            }));
        (await KafkaTopics.ProduceAsync(_kafka.Connection, topic, messages)).Should().Be(60);
        return topic;
    }

    [Fact]
    public async Task Last_n_reads_the_tail_of_every_partition_with_keys_headers_and_timestamps()
    {
        var topic = await TextTopicAsync();

        var sample = await new KafkaSampler(_kafka.Connection).SampleAsync(new KafkaSampleRequest(topic) { Last = 4 });

        sample.Records.Should().HaveCount(12);
        foreach (var p in new[] { 0, 1, 2 })
        {
            var records = sample.Records.Where(r => r.Partition == p).ToArray();
            records.Select(r => r.Offset).Should().Equal(16, 17, 18, 19);
            records.Select(r => r.ValueText).Should().Equal($"p{p}-m16", $"p{p}-m17", $"p{p}-m18", $"p{p}-m19");
            records[0].Key.Should().Be($"k{p}-0");
            records[0].Timestamp.Should().Be(T0.AddMinutes(16));
            records[0].Headers.Select(h => $"{h.Key}={h.Value}").Should().Equal($"trace=t{p}16");
        }

        sample.Partitions.Should().HaveCount(3).And.OnlyContain(r => r.Low == 0 && r.High == 20 && r.Shown == 4);
        sample.Summary.Should().StartWith($"{topic} at {_kafka.Bootstrap}: 12 messages from 3 partitions, string, read in ")
            .And.EndWith("(no consumer group, nothing committed)");
        sample.Notes.Should().BeEmpty();
        sample.ToRows()[0].Schema.Should().Be(KafkaSample.RecordSchema);
    }

    [Fact]
    public async Task From_a_time_offset_partition_and_key_pick_what_kcat_would()
    {
        var topic = await TextTopicAsync();
        var sampler = new KafkaSampler(_kafka.Connection);

        var from = await sampler.SampleAsync(new KafkaSampleRequest(topic) { From = T0.AddMinutes(17), Count = 2 });
        from.Records.Select(r => $"{r.Partition}:{r.Offset}").Should().Equal("0:17", "0:18", "1:17", "1:18", "2:17", "2:18");

        var offset = await sampler.SampleAsync(new KafkaSampleRequest(topic) { Offset = (1, 5), Count = 3 });
        offset.Records.Select(r => r.ValueText).Should().Equal("p1-m5", "p1-m6", "p1-m7");

        var partition = await sampler.SampleAsync(new KafkaSampleRequest(topic) { Partition = 2, Last = 2 });
        partition.Records.Select(r => r.ValueText).Should().Equal("p2-m18", "p2-m19");

        // Key k0-1 is on offsets 1, 5, 9, 13, 17 of partition 0: the last 3 of them.
        var key = await sampler.SampleAsync(new KafkaSampleRequest(topic) { Key = "k0-1", Last = 3 });
        key.Records.Select(r => $"{r.Partition}:{r.Offset}").Should().Equal("0:9", "0:13", "0:17");

        var late = await sampler.SampleAsync(new KafkaSampleRequest(topic) { From = T0.AddDays(1) });
        late.Records.Should().BeEmpty();
        late.Notes.Should().ContainSingle().Which.Should().StartWith("no message at or after 2026-11-02 12:00:00Z");

        var past = await sampler.SampleAsync(new KafkaSampleRequest(topic) { Offset = (0, 99) });
        past.Notes.Should().ContainSingle().Which.Should().Be("offset 99 is at or past the end of partition 0 (its offsets run 0..19).");
    }

    [Fact]
    public async Task Json_values_become_a_table_of_their_fields_and_a_bad_value_is_named()
    {
        var topic = KafkaBrokerFixture.NewTopic("json");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 1);
        await KafkaTopics.ProduceAsync(_kafka.Connection, topic,
        [
            KafkaMessage.Text("a", """{"user":"ann","amount":12.5,"n":1,"ok":true}"""),
            KafkaMessage.Text("b", """{"user":"bob","amount":3,"n":2,"ok":false,"tags":["x"]}"""),
            KafkaMessage.Text("c", "not json {"),
            new KafkaMessage(Encoding.UTF8.GetBytes("d"), null),
        ]);

        var sample = await new KafkaSampler(_kafka.Connection).SampleAsync(new KafkaSampleRequest(topic) { Format = KafkaValueFormat.Json });

        sample.Records.Should().HaveCount(4);
        sample.Records[0].Json!.Value.GetProperty("user").GetString().Should().Be("ann");
        sample.JsonFields.Should().Equal("user", "amount", "n", "ok", "tags");
        var (schema, rows) = sample.FieldTable()!.Value;
        schema.Fields.Select(f => $"{f.Name} {f.DataType.SimpleString}").Should().Equal(
            "partition int", "offset bigint", "user string", "amount double", "n bigint", "ok boolean", "tags string");
        rows.Should().HaveCount(2);
        rows[1].ToArray().Should().Equal(0, 1L, "bob", 3.0, 2L, false, "[\"x\"]");
        sample.Records[2].Error.Should().StartWith("not JSON: ").And.Contain("(text: not json {)");
        sample.Records[3].Value.Should().BeNull("a tombstone has no value");
        sample.Records[3].Error.Should().BeNull();
        sample.Undecodable.Should().Be(1);
        sample.Notes.Should().ContainSingle().Which.Should().Be(
            "1 of 4 values could not be decoded as json; the first, at partition 0 offset 2: " + sample.Records[2].Error + ". Try --format bytes or string.");
    }

    [Fact]
    public async Task Avro_values_decode_with_a_schema_file_plain_or_in_the_registry_wire_format()
    {
        const string avsc = """
            {"type":"record","name":"Order","fields":[
              {"name":"id","type":"long"},{"name":"item","type":"string"},
              {"name":"price","type":["null","double"],"default":null},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["NEW","OLD"]}}]}
            """;
        var schemaFile = Path.Combine(Path.GetTempPath(), $"order-{Guid.NewGuid():N}.avsc");
        await File.WriteAllTextAsync(schemaFile, avsc);
        try
        {
            var schema = (RecordSchema)Schema.Parse(avsc);
            byte[] Encode(long id, string item, double? price, string kind, bool framed)
            {
                var record = new GenericRecord(schema);
                record.Add("id", id);
                record.Add("item", item);
                record.Add("price", price);
                record.Add("kind", new GenericEnum((EnumSchema)schema["kind"].Schema, kind));
                using var ms = new MemoryStream();
                if (framed) ms.Write([0, 0, 0, 0, 7]); // Confluent's wire format: magic byte 0, schema id 7
                new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(ms));
                return ms.ToArray();
            }

            var topic = KafkaBrokerFixture.NewTopic("avro");
            await KafkaTopics.CreateAsync(_kafka.Connection, topic, 1);
            await KafkaTopics.ProduceAsync(_kafka.Connection, topic,
            [
                new KafkaMessage(null, Encode(1, "tea", 2.5, "NEW", framed: false)),
                new KafkaMessage(null, Encode(2, "cake", null, "OLD", framed: true)),
                new KafkaMessage(null, [0xff, 0xfe]),
            ]);

            var sample = await new KafkaSampler(_kafka.Connection).SampleAsync(
                new KafkaSampleRequest(topic) { Format = KafkaValueFormat.Avro, AvroSchemaFile = schemaFile });

            sample.Records[0].ValueText.Should().Be("""{"id":1,"item":"tea","price":2.5,"kind":"NEW"}""");
            sample.Records[1].ValueText.Should().Be("""{"id":2,"item":"cake","price":null,"kind":"OLD"}""");
            sample.Records[2].Error.Should().StartWith("not Avro of the schema: ").And.EndWith("(2 bytes: fffe)");
            sample.JsonFields.Should().Equal("id", "item", "price", "kind");
        }
        finally
        {
            File.Delete(schemaFile);
        }
    }

    [Fact]
    public async Task Bytes_and_non_utf8_values_show_as_hex()
    {
        var topic = KafkaBrokerFixture.NewTopic("bytes");
        await KafkaTopics.CreateAsync(_kafka.Connection, topic, 1);
        await KafkaTopics.ProduceAsync(_kafka.Connection, topic, [new KafkaMessage([0xc3], [0x00, 0xc3, 0x28])]);

        var bytes = await new KafkaSampler(_kafka.Connection).SampleAsync(new KafkaSampleRequest(topic) { Format = KafkaValueFormat.Bytes });
        bytes.Records.Single().ValueText.Should().Be("00c328");
        bytes.Records.Single().Key.Should().Be("c3", "a key that is not UTF-8 shows as hex");

        var text = await new KafkaSampler(_kafka.Connection).SampleAsync(new KafkaSampleRequest(topic));
        text.Records.Single().Error.Should().Be("not UTF-8 text (3 bytes: 00c328)");
    }

    [Fact]
    public async Task A_missing_topic_or_partition_says_so_with_the_topics_there_are()
    {
        var topic = await TextTopicAsync();
        var sampler = new KafkaSampler(_kafka.Connection);

        var missing = () => sampler.SampleAsync(new KafkaSampleRequest("no-such-topic"));
        (await missing.Should().ThrowAsync<KafkaSampleException>()).Which.Message.Should()
            .StartWith($"Topic 'no-such-topic' does not exist at {_kafka.Bootstrap} (its topics: ").And.Contain(topic);

        var partition = () => sampler.SampleAsync(new KafkaSampleRequest(topic) { Partition = 7 });
        (await partition.Should().ThrowAsync<KafkaSampleException>()).Which.Message.Should().Be($"Topic '{topic}' has no partition 7: it has 3 (0..2).");

        var both = () => sampler.SampleAsync(new KafkaSampleRequest(topic) { Last = 1, Offset = (0, 1) });
        (await both.Should().ThrowAsync<KafkaSampleException>()).Which.Message.Should().Be("Give one of --last N, --from TIME or --offset P:O.");
    }

    [Fact]
    public async Task An_unreachable_broker_or_a_wrong_security_setting_fails_in_bounded_time_without_the_password()
    {
        var closed = $"127.0.0.1:{KafkaBrokerFixture.FreePort()}";
        var watch = Stopwatch.StartNew();
        var unreachable = () => new KafkaSampler(new KafkaConnection(closed) { Timeout = TimeSpan.FromSeconds(3) })
            .SampleAsync(new KafkaSampleRequest("events"));
        (await unreachable.Should().ThrowAsync<KafkaSampleException>()).Which.Message.Should()
            .StartWith($"Kafka at {closed} did not answer within 3 s (").And.EndWith("Check --bootstrap and that the broker runs and is reachable from here (a secured cluster needs --security-protocol and its credentials).");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

        // SASL against the plaintext listener: the handshake never succeeds.
        watch.Restart();
        var sasl = () => new KafkaSampler(new KafkaConnection(_kafka.Bootstrap)
        {
            SaslMechanism = "PLAIN", SaslUsername = "alice", SaslPassword = "s3cret-pw", Timeout = TimeSpan.FromSeconds(3),
        }).SampleAsync(new KafkaSampleRequest("events"));
        var error = (await sasl.Should().ThrowAsync<KafkaSampleException>()).Which;
        error.Message.Should().StartWith($"Kafka at {_kafka.Bootstrap} (sasl_plaintext) did not answer within 3 s").And.NotContain("s3cret-pw");
        error.ToString().Should().NotContain("s3cret-pw");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }
}

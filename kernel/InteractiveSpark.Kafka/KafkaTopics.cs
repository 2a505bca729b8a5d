using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace InteractiveSpark.Kafka;

/// <summary>
/// Small topic chores through Confluent.Kafka's admin client and producer: create a topic, write messages. For
/// notebooks, tests and benchmarks that need a topic with data; nothing here reads or joins a consumer group.
/// </summary>
public static class KafkaTopics
{
    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions (replication factor 1 unless given).</summary>
    public static async Task CreateAsync(KafkaConnection connection, string topic, int partitions, short replicationFactor = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var admin = new AdminClientBuilder(Config(connection)).SetLogHandler((_, _) => { }).Build();
        try
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor }],
                new CreateTopicsOptions { RequestTimeout = connection.Timeout, OperationTimeout = connection.Timeout })
                .WaitAsync(connection.Timeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            // Already there: fine.
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            throw new KafkaSampleException($"Could not create topic '{topic}' at {connection}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes messages (key, value, optional headers and timestamp) and waits until the broker has them all.
    /// Returns how many were written.
    /// </summary>
    public static async Task<long> ProduceAsync(
        KafkaConnection connection, string topic, IEnumerable<KafkaMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(messages);
        var config = new ProducerConfig { LingerMs = 5, BatchSize = 1_000_000, CompressionType = CompressionType.Lz4, Acks = Acks.Leader };
        connection.Apply(config);
        Error? failed = null;
        long written = 0;
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        foreach (var m in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = new Message<byte[]?, byte[]?>
            {
                Key = m.Key,
                Value = m.Value,
                Timestamp = m.Timestamp is { } t ? new Timestamp(t.UtcDateTime) : Timestamp.Default,
            };
            if (m.Headers is { Count: > 0 } hs)
            {
                message.Headers = [];
                foreach (var (k, v) in hs) message.Headers.Add(k, v);
            }

            var tp = m.Partition is { } p ? new TopicPartition(topic, p) : new TopicPartition(topic, Partition.Any);
            while (true)
            {
                try
                {
                    producer.Produce(tp, message, r =>
                    {
                        if (r.Error.IsError) failed ??= r.Error;
                        else Interlocked.Increment(ref written);
                    });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        await Task.Run(() => producer.Flush(cancellationToken), cancellationToken).ConfigureAwait(false);
        if (failed is { } f)
        {
            throw new KafkaSampleException($"Writing to '{topic}' at {connection} failed: {f.Reason}");
        }

        return written;
    }

    private static AdminClientConfig Config(KafkaConnection connection)
    {
        var config = new AdminClientConfig();
        connection.Apply(config);
        return config;
    }
}

/// <summary>One message to write with <see cref="KafkaTopics.ProduceAsync"/>.</summary>
/// <param name="Key">The key bytes, or null.</param>
/// <param name="Value">The value bytes, or null (a tombstone).</param>
public sealed record KafkaMessage(byte[]? Key, byte[]? Value)
{
    /// <summary>A message with UTF-8 text key and value.</summary>
    public static KafkaMessage Text(string? key, string? value) =>
        new(key is null ? null : System.Text.Encoding.UTF8.GetBytes(key), value is null ? null : System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>The partition (null: chosen by the key's hash, or spread when there is no key).</summary>
    public int? Partition { get; init; }

    /// <summary>The timestamp (null: the producer's clock).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Headers.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>>? Headers { get; init; }
}

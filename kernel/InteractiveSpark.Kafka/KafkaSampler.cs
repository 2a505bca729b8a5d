using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace InteractiveSpark.Kafka;

/// <summary>
/// Reads a sample of a topic the way kcat does: by <em>assignment</em>, partition by partition, from offsets it works
/// out itself (the tail of each partition, a time, or a given offset). It never subscribes, so it joins no consumer
/// group, and it commits nothing: looking at a topic cannot disturb the applications that consume it.
/// </summary>
/// <remarks>
/// <c>await new KafkaSampler(new KafkaConnection("broker:9092")).SampleAsync(new KafkaSampleRequest("events") { Last = 20 })</c>.
/// Every wait is bounded: an unreachable cluster fails after <see cref="KafkaConnection.Timeout"/>, a slow read
/// returns what it has after <see cref="KafkaSampleRequest.Timeout"/>.
/// </remarks>
public sealed class KafkaSampler
{
    // librdkafka's logical offset "N messages before the end" (RD_KAFKA_OFFSET_TAIL): the client resolves it
    // against each partition's end itself, so the tail needs no separate round trip per partition.
    private const long TailBase = -2000;

    /// <summary>A sampler for the cluster at <paramref name="connection"/>.</summary>
    public KafkaSampler(KafkaConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    /// <summary>The cluster.</summary>
    public KafkaConnection Connection { get; }

    /// <summary>Reads the sample <paramref name="request"/> describes.</summary>
    /// <exception cref="KafkaSampleException">The cluster cannot be reached, the topic or partition does not exist, a setting is wrong.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<KafkaSample> SampleAsync(KafkaSampleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var watch = Stopwatch.StartNew();
        using var decoder = ValueDecoder.Create(request, Connection.Timeout);

        // librdkafka's calls block: the read runs on a pool thread and watches the token itself.
        var (messages, partitions, notes) = await Task.Run(() => Read(request, cancellationToken), cancellationToken).ConfigureAwait(false);

        var records = new List<KafkaRecord>(messages.Count);
        foreach (var m in messages)
        {
            var (value, text, error) = await decoder.DecodeAsync(m.Message.Value, cancellationToken).ConfigureAwait(false);
            records.Add(new KafkaRecord
            {
                Partition = m.Partition.Value,
                Offset = m.Offset.Value,
                Timestamp = m.Message.Timestamp.Type == TimestampType.NotAvailable ? null : new DateTimeOffset(m.Message.Timestamp.UtcDateTime),
                KeyBytes = m.Message.Key,
                Key = m.Message.Key is { } k ? ValueDecoder.Text(k) : null,
                Headers = m.Message.Headers?.Select(h => new KeyValuePair<string, string?>(h.Key, h.GetValueBytes() is { } b ? ValueDecoder.Text(b) : null)).ToArray() ?? [],
                ValueBytes = m.Message.Value,
                Value = value,
                ValueText = text,
                Error = error,
            });
        }

        var bad = records.Where(r => r.Error is not null).ToArray();
        if (bad.Length > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{bad.Length} of {records.Count} values could not be decoded as {request.Format.ToString().ToLowerInvariant()}; the first, at partition {bad[0].Partition} offset {bad[0].Offset}: {bad[0].Error}. Try --format bytes or string."));
        }

        watch.Stop();
        return new KafkaSample(request, Connection.ToString(), records, partitions, notes, watch.Elapsed);
    }

    private (List<ConsumeResult<byte[]?, byte[]?>> Messages, List<KafkaPartitionRead> Partitions, List<string> Notes) Read(
        KafkaSampleRequest request, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var config = new ConsumerConfig
        {
            // Confluent.Kafka's consumer needs a group.id, but a group is only joined by Subscribe and only written to by
            // a commit: this consumer is assigned its partitions and never commits, so the (unique, unused) id never
            // shows up on the broker (a test lists the groups and their offsets before and after).
            GroupId = $"interactivespark-sample-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AllowAutoCreateTopics = false,
            ClientId = "interactivespark-kafka-sample",
            // A sample wants the end of each partition soon: the broker answers an empty fetch after 10 ms, not 500.
            FetchWaitMaxMs = 10,
            AutoOffsetReset = AutoOffsetReset.Latest,
        };
        Connection.Apply(config);

        Error? lastError = null;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, e) => lastError = e)
            .SetLogHandler((_, _) => { }) // librdkafka's own log lines would go to the notebook's stderr
            .Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();

        var partitions = Partitions(admin, request, () => lastError);
        var notes = new List<string>();
        var perPartition = request.PerPartition;
        var scanning = request.Key is not null;
        var start = StartOffsets(consumer, request, partitions, notes, scanning);
        var reads = partitions.ToDictionary(p => p, p => new PartitionBuffer(perPartition));
        var pending = new HashSet<int>(start.Select(s => s.Partition.Value));
        var keyBytes = request.Key is { } key ? System.Text.Encoding.UTF8.GetBytes(key) : null;
        if (start.Count > 0)
        {
            consumer.Assign(start);
        }

        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = request.Timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"stopped after {request.Timeout.TotalSeconds:0.#} s before reaching the end of partition{(pending.Count == 1 ? "" : "s")} {string.Join(", ", pending.Order())}{(lastError is { } e ? $" (last error: {e.Reason})" : "")}."));
                break;
            }

            var result = consumer.Consume(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                if (lastError is { IsFatal: true } fatal) throw new KafkaSampleException($"Kafka at {Connection}: {fatal.Reason}");
                continue;
            }

            var p = result.Partition.Value;
            if (result.IsPartitionEOF)
            {
                pending.Remove(p);
                continue;
            }

            var buffer = reads[p];
            buffer.Read++;
            if (keyBytes is not null && !(result.Message.Key is { } k && k.AsSpan().SequenceEqual(keyBytes)))
            {
                if (scanning && request.From is not null && buffer.Read >= request.ScanLimit) Done(p);
                continue;
            }

            if (request.Last is not null || (request.From is null && request.Offset is null))
            {
                buffer.KeepLast(result); // the tail: keep the last N (with a key filter, the last N matching)
            }
            else
            {
                buffer.Messages.Add(result); // from a time or offset: the first N
                if (buffer.Messages.Count >= perPartition) Done(p);
            }

            if (scanning && request.From is not null && buffer.Read >= request.ScanLimit) Done(p);
        }

        var messages = new List<ConsumeResult<byte[]?, byte[]?>>();
        var ranges = new List<KafkaPartitionRead>();
        foreach (var p in partitions)
        {
            var w = consumer.GetWatermarkOffsets(new TopicPartition(request.Topic, p));
            var buffer = reads[p];
            messages.AddRange(buffer.Messages);
            ranges.Add(new KafkaPartitionRead(p, w.Low.IsSpecial ? null : w.Low.Value, w.High.IsSpecial ? null : w.High.Value, buffer.Read, buffer.Messages.Count));
        }

        if (scanning && reads.Values.Any(b => b.Read >= request.ScanLimit))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the key was looked for in at most {request.ScanLimit} messages per partition."));
        }

        consumer.Close();
        return (messages, ranges, notes);

        void Done(int partition)
        {
            if (pending.Remove(partition))
            {
                consumer.Pause([new TopicPartition(request.Topic, partition)]);
            }
        }
    }

    /// <summary>The topic's partitions (or the one asked for), with clear messages for a missing topic or cluster.</summary>
    private List<int> Partitions(IAdminClient admin, KafkaSampleRequest request, Func<Error?> lastError)
    {
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(request.Topic, Connection.Timeout);
        }
        catch (KafkaException e)
        {
            throw Unreachable(e.Error, lastError());
        }

        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == request.Topic);
        if (topic is null || topic.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic)
        {
            string others;
            try
            {
                var names = admin.GetMetadata(Connection.Timeout).Topics.Select(t => t.Topic).Where(n => !n.StartsWith("__", StringComparison.Ordinal)).Order().ToArray();
                others = names.Length == 0 ? "it has no topics" : $"its topics: {string.Join(", ", names.Take(20))}{(names.Length > 20 ? $" and {names.Length - 20} more" : "")}";
            }
            catch (KafkaException)
            {
                others = "its topics could not be listed";
            }

            throw new KafkaSampleException($"Topic '{request.Topic}' does not exist at {Connection} ({others}).");
        }

        if (topic.Error.Code == ErrorCode.TopicAuthorizationFailed)
        {
            throw new KafkaSampleException($"Not allowed to read topic '{request.Topic}' at {Connection} (topic authorization failed): check the user's ACLs.");
        }

        if (topic.Error.Code != ErrorCode.NoError)
        {
            throw new KafkaSampleException($"Topic '{request.Topic}' at {Connection}: {topic.Error.Reason}.");
        }

        var all = topic.Partitions.Select(p => p.PartitionId).Order().ToList();
        var only = request.Offset?.Partition ?? request.Partition;
        if (only is { } one)
        {
            if (!all.Contains(one))
            {
                throw new KafkaSampleException($"Topic '{request.Topic}' has no partition {one}: it has {all.Count} (0..{all.Count - 1}).");
            }

            return [one];
        }

        return all;
    }

    private KafkaSampleException Unreachable(Error error, Error? last)
    {
        var why = last is { } l && l.Code != error.Code ? $"{error.Reason}; {l.Reason}" : error.Reason;
        var hint = Connection.EffectiveSecurityProtocol == "plaintext"
            ? "Check --bootstrap and that the broker runs and is reachable from here (a secured cluster needs --security-protocol and its credentials)."
            : "Check --bootstrap, that the broker runs, and the security settings (protocol, mechanism, user, CA).";
        return new KafkaSampleException(
            string.Create(CultureInfo.InvariantCulture, $"Kafka at {Connection} did not answer within {Connection.Timeout.TotalSeconds:0.#} s ({why}). {hint}"));
    }

    private List<TopicPartitionOffset> StartOffsets(
        IConsumer<byte[]?, byte[]?> consumer, KafkaSampleRequest request, List<int> partitions, List<string> notes, bool scanning)
    {
        var topic = request.Topic;
        if (request.Offset is { } at)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, at.Partition), Connection.Timeout);
            if (at.Offset >= w.High.Value)
            {
                notes.Add($"offset {at.Offset} is at or past the end of partition {at.Partition} (its offsets run {w.Low.Value}..{w.High.Value - 1}).");
                return [];
            }

            if (at.Offset < w.Low.Value)
            {
                notes.Add($"offset {at.Offset} of partition {at.Partition} is gone (retention or compaction); reading from its first offset {w.Low.Value}.");
                return [new TopicPartitionOffset(topic, at.Partition, w.Low)];
            }

            return [new TopicPartitionOffset(topic, at.Partition, at.Offset)];
        }

        if (request.From is { } from)
        {
            var times = partitions.Select(p => new TopicPartitionTimestamp(topic, p, new Timestamp(from.UtcDateTime))).ToList();
            List<TopicPartitionOffset> found;
            try
            {
                found = consumer.OffsetsForTimes(times, Connection.Timeout);
            }
            catch (KafkaException e)
            {
                throw new KafkaSampleException($"Kafka at {Connection} could not look up offsets for {from:O}: {e.Error.Reason}.", e);
            }

            var starts = found.Where(o => o.Offset.Value >= 0).ToList();
            if (starts.Count == 0)
            {
                notes.Add($"no message at or after {from.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z in {(partitions.Count == 1 ? $"partition {partitions[0]}" : "any partition")}.");
            }

            return starts;
        }

        var back = scanning ? Math.Max(request.ScanLimit, request.PerPartition) : request.PerPartition;
        return partitions.Select(p => new TopicPartitionOffset(topic, p, new Offset(TailBase - back))).ToList();
    }

    /// <summary>What one partition gave: how many were read, and the messages kept.</summary>
    private sealed class PartitionBuffer(int keep)
    {
        public int Read { get; set; }

        public List<ConsumeResult<byte[]?, byte[]?>> Messages { get; } = [];

        public void KeepLast(ConsumeResult<byte[]?, byte[]?> message)
        {
            if (Messages.Count == keep)
            {
                Messages.RemoveAt(0);
            }

            Messages.Add(message);
        }
    }
}

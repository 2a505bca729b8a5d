using System.Text.Json;

namespace InteractiveSpark.Kafka;

/// <summary>One message as read from a partition, with its value decoded (or the reason it could not be).</summary>
public sealed record KafkaRecord
{
    /// <summary>The partition.</summary>
    public required int Partition { get; init; }

    /// <summary>The offset within the partition.</summary>
    public required long Offset { get; init; }

    /// <summary>The message timestamp (create or log-append time), null when the message has none.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The key's bytes (null: no key).</summary>
    public byte[]? KeyBytes { get; init; }

    /// <summary>The key as text: UTF-8, or hex when the bytes are not UTF-8; null when there is no key.</summary>
    public string? Key { get; init; }

    /// <summary>The headers in order; values as UTF-8 text, or hex when they are not.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Headers { get; init; } = [];

    /// <summary>The value's bytes (null: a tombstone).</summary>
    public byte[]? ValueBytes { get; init; }

    /// <summary>
    /// The decoded value: a <see cref="string"/> (format string), a <see cref="JsonElement"/> (json, and avro as its JSON
    /// form), the bytes (format bytes); null for a tombstone or an undecodable value (see <see cref="Error"/>).
    /// </summary>
    public object? Value { get; init; }

    /// <summary>The value as shown: the text, compact JSON, or hex.</summary>
    public string? ValueText { get; init; }

    /// <summary>Why the value could not be decoded in the requested format, or null.</summary>
    public string? Error { get; init; }

    /// <summary>The value as JSON when it is JSON (json or avro format, decoded).</summary>
    public JsonElement? Json => Value is JsonElement e ? e : null;
}

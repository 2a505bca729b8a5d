using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Schema = Avro.Schema;

namespace InteractiveSpark.Kafka;

/// <summary>
/// Turns message bytes into what a sample shows, in one of <see cref="KafkaValueFormat"/>. A value that does not decode
/// gets an error text instead of failing the whole sample (a topic with one bad message is still worth looking at).
/// </summary>
internal sealed class ValueDecoder : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private const int MaxHexBytes = 256;

    private readonly KafkaValueFormat _format;
    private readonly string _topic;
    private readonly CachedSchemaRegistryClient? _registry;
    private readonly AvroDeserializer<GenericRecord>? _registryDeserializer;
    private readonly Schema? _fileSchema;

    private ValueDecoder(KafkaValueFormat format, string topic, CachedSchemaRegistryClient? registry, Schema? fileSchema)
    {
        _format = format;
        _topic = topic;
        _registry = registry;
        _fileSchema = fileSchema;
        if (registry is not null)
        {
            _registryDeserializer = new AvroDeserializer<GenericRecord>(registry);
        }
    }

    public static ValueDecoder Create(KafkaSampleRequest request, TimeSpan timeout)
    {
        CachedSchemaRegistryClient? registry = null;
        Schema? schema = null;
        if (request.SchemaRegistryUrl is { } url)
        {
            registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig
            {
                Url = url,
                RequestTimeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1000, 60_000),
                MaxRetries = 0,
            });
        }

        if (request.AvroSchemaFile is { } file)
        {
            try
            {
                schema = Schema.Parse(File.ReadAllText(file));
            }
            catch (Exception e) when (e is SchemaParseException or AvroException or JsonException or IOException)
            {
                throw new KafkaSampleException($"The Avro schema in {file} does not parse: {e.Message}", e);
            }
        }

        return new ValueDecoder(request.Format, request.Topic, registry, schema);
    }

    /// <summary>Decodes <paramref name="bytes"/>: (value, text shown, error).</summary>
    public async Task<(object? Value, string? Text, string? Error)> DecodeAsync(byte[]? bytes, CancellationToken cancellationToken)
    {
        if (bytes is null)
        {
            return (null, null, null); // a tombstone
        }

        switch (_format)
        {
            case KafkaValueFormat.Bytes:
                return (bytes, Hex(bytes), null);
            case KafkaValueFormat.String:
                return TryUtf8(bytes, out var text) ? (text, text, null) : (null, null, $"not UTF-8 text ({bytes.Length} bytes: {Hex(bytes)})");
            case KafkaValueFormat.Json:
                if (!TryUtf8(bytes, out var json))
                {
                    return (null, null, $"not JSON: not even UTF-8 text ({bytes.Length} bytes: {Hex(bytes)})");
                }

                try
                {
                    using var doc = JsonDocument.Parse(json);
                    var element = doc.RootElement.Clone();
                    return (element, JsonSerializer.Serialize(element), null);
                }
                catch (JsonException e)
                {
                    return (null, null, $"not JSON: {FirstSentence(e.Message)} (text: {Shorten(json)})");
                }

            case KafkaValueFormat.Avro:
                return await AvroAsync(bytes, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"Unknown format {_format}.");
        }
    }

    /// <summary>A key or header as text: UTF-8 when it is, else hex.</summary>
    public static string Text(byte[] bytes) => TryUtf8(bytes, out var text) ? text : Hex(bytes);

    private async Task<(object?, string?, string?)> AvroAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            object? datum;
            if (_registryDeserializer is not null)
            {
                if (bytes.Length < 5 || bytes[0] != 0)
                {
                    return (null, null, $"not in the Schema Registry wire format (magic byte 0 + schema id) ({bytes.Length} bytes: {Hex(bytes)})");
                }

                datum = await _registryDeserializer.DeserializeAsync(bytes, false, new SerializationContext(MessageComponentType.Value, _topic))
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                datum = ReadWithFileSchema(bytes);
            }

            var json = AvroJson.ToJson(datum);
            using var doc = JsonDocument.Parse(json);
            return (doc.RootElement.Clone(), json, null);
        }
        catch (Exception e) when (e is AvroException or SchemaRegistryException or InvalidDataException or EndOfStreamException
                                      or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            return (null, null, $"not Avro of the schema: {FirstSentence(e.Message)} ({bytes.Length} bytes: {Hex(bytes)})");
        }
        catch (HttpRequestException e)
        {
            throw new KafkaSampleException($"The Schema Registry could not be reached: {FirstSentence(e.Message)}. Check --schema-registry.", e);
        }
    }

    /// <summary>
    /// Plain Avro binary with the file's schema. Values written by Confluent's serializer carry a 5-byte header
    /// (magic 0, schema id); when the plain read fails and that header is there, the rest is read instead.
    /// </summary>
    private object? ReadWithFileSchema(byte[] bytes)
    {
        var reader = new GenericDatumReader<object>(_fileSchema, _fileSchema);
        try
        {
            return Read(bytes, 0);
        }
        catch (Exception) when (bytes.Length > 5 && bytes[0] == 0)
        {
            return Read(bytes, 5);
        }

        object? Read(byte[] data, int offset)
        {
            using var ms = new MemoryStream(data, offset, data.Length - offset, writable: false);
            var value = reader.Read(null!, new BinaryDecoder(ms));
            if (ms.Position != ms.Length)
            {
                throw new InvalidDataException($"{ms.Length - ms.Position} bytes left after the record");
            }

            return value;
        }
    }

    private static bool TryUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= MaxHexBytes
            ? Convert.ToHexString(bytes).ToLowerInvariant()
            : Convert.ToHexString(bytes[..MaxHexBytes]).ToLowerInvariant() + $"... ({bytes.Length.ToString(CultureInfo.InvariantCulture)} bytes)";

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";

    private static string FirstSentence(string s)
    {
        var i = s.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? s[..i] : s.TrimEnd('.');
    }

    public void Dispose() => _registry?.Dispose();

    /// <summary>Read a big-endian schema id (used in tests and notes).</summary>
    internal static int SchemaId(byte[] bytes) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4));
}

/// <summary>
/// Avro datums (Apache.Avro's generic representation) as JSON. Written here because Apache.Avro's own JSON encoder
/// writes Avro's JSON encoding (unions wrapped as {"type": value}), which is not what a person wants to read.
/// </summary>
internal static class AvroJson
{
    public static string ToJson(object? datum)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            Write(w, datum);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Write(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case GenericRecord r:
                w.WriteStartObject();
                foreach (var f in r.Schema.Fields)
                {
                    w.WritePropertyName(f.Name);
                    Write(w, r.GetValue(f.Pos));
                }

                w.WriteEndObject();
                break;
            case GenericEnum e: w.WriteStringValue(e.Value); break;
            case GenericFixed f: w.WriteStringValue(ValueDecoder.Hex(f.Value)); break;
            case byte[] b: w.WriteStringValue(ValueDecoder.Hex(b)); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case DateTime dt: w.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture)); break;
            case System.Collections.IDictionary map:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry kv in map)
                {
                    w.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(w, kv.Value);
                }

                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list) Write(w, item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }
}

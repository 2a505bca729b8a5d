using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;

namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>
/// The wire form of a message: identities, the <c>&lt;IDS|MSG&gt;</c> delimiter, the signature, four JSON frames, buffers.
/// </summary>
public static class MessageWire
{
    private static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    /// <summary>The frames of <paramref name="message"/>, signed.</summary>
    public static NetMQMessage ToFrames(JupyterMessage message, MessageSigner signer)
    {
        var header = Json(message.Header);
        var parent = Json(message.ParentHeader);
        var metadata = Json(message.Metadata);
        var content = Json(message.Content);
        var frames = new NetMQMessage();
        foreach (var identity in message.Identities)
        {
            frames.Append(identity);
        }

        frames.Append(Delimiter);
        frames.Append(signer.Sign(header, parent, metadata, content));
        frames.Append(header);
        frames.Append(parent);
        frames.Append(metadata);
        frames.Append(content);
        foreach (var buffer in message.Buffers)
        {
            frames.Append(buffer);
        }

        return frames;
    }

    /// <summary>The message in <paramref name="frames"/>, or null with <paramref name="problem"/> when it is malformed or its signature is wrong.</summary>
    public static JupyterMessage? FromFrames(NetMQMessage frames, MessageSigner signer, out string? problem)
    {
        var identities = new List<byte[]>();
        var i = 0;
        for (; i < frames.FrameCount; i++)
        {
            var frame = frames[i].Buffer;
            if (frame.AsSpan().SequenceEqual(Delimiter))
            {
                break;
            }

            identities.Add(frame);
        }

        if (frames.FrameCount - i < 6)
        {
            problem = "a message without the <IDS|MSG> delimiter and its five frames";
            return null;
        }

        var signature = Encoding.ASCII.GetString(frames[i + 1].Buffer);
        var header = frames[i + 2].Buffer;
        var parent = frames[i + 3].Buffer;
        var metadata = frames[i + 4].Buffer;
        var content = frames[i + 5].Buffer;
        if (!signer.Verify(signature, header, parent, metadata, content))
        {
            problem = "a message with a wrong signature";
            return null;
        }

        try
        {
            var buffers = new List<byte[]>();
            for (var b = i + 6; b < frames.FrameCount; b++)
            {
                buffers.Add(frames[b].Buffer);
            }

            problem = null;
            return new JupyterMessage(identities, Object(header), Object(parent), Object(metadata), Object(content), buffers);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            problem = "a message whose header, metadata or content is not a JSON object";
            return null;
        }
    }

    private static byte[] Json(JsonObject node) => JsonSerializer.SerializeToUtf8Bytes(node);

    private static JsonObject Object(byte[] json) => json.Length == 0 ? new JsonObject() : JsonNode.Parse(json)?.AsObject() ?? new JsonObject();
}

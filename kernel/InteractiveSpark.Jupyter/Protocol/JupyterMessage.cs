using System.Globalization;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>
/// One Jupyter message: the routing identities it came with, its header, the header of the request it answers, metadata,
/// content and binary buffers.
/// </summary>
public sealed class JupyterMessage
{
    /// <summary>The protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>A message.</summary>
    public JupyterMessage(IReadOnlyList<byte[]> identities, JsonObject header, JsonObject parentHeader, JsonObject metadata, JsonObject content, IReadOnlyList<byte[]>? buffers = null)
    {
        Identities = identities;
        Header = header;
        ParentHeader = parentHeader;
        Metadata = metadata;
        Content = content;
        Buffers = buffers ?? [];
    }

    /// <summary>The ZeroMQ routing identities (for a reply: the request's).</summary>
    public IReadOnlyList<byte[]> Identities { get; }

    /// <summary>msg_id, session, username, date, msg_type, version.</summary>
    public JsonObject Header { get; }

    /// <summary>The header of the request this message answers or was caused by (empty if none).</summary>
    public JsonObject ParentHeader { get; }

    /// <summary>The metadata.</summary>
    public JsonObject Metadata { get; }

    /// <summary>The content.</summary>
    public JsonObject Content { get; }

    /// <summary>Binary buffers after the content (comms).</summary>
    public IReadOnlyList<byte[]> Buffers { get; }

    /// <summary>The message type (execute_request, status, ...).</summary>
    public string MsgType => (string?)Header["msg_type"] ?? "";

    /// <summary>The message id.</summary>
    public string MsgId => (string?)Header["msg_id"] ?? "";

    /// <summary>The client session of this message.</summary>
    public string Session => (string?)Header["session"] ?? "";

    /// <summary>A new message of <paramref name="msgType"/> caused by <paramref name="parent"/> (null: none), in <paramref name="session"/>.</summary>
    public static JupyterMessage Create(string msgType, JsonObject content, JupyterMessage? parent, string session, IReadOnlyList<byte[]>? identities = null, JsonObject? metadata = null)
    {
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"),
            ["session"] = session,
            ["username"] = (string?)parent?.Header["username"] ?? "kernel",
            ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            ["msg_type"] = msgType,
            ["version"] = ProtocolVersion,
        };
        var parentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone();
        return new JupyterMessage(identities ?? parent?.Identities ?? [], header, parentHeader, metadata ?? new JsonObject(), content);
    }
}

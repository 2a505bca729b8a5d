using System.Text.Json;
using System.Text.Json.Serialization;

namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>
/// The connection file a Jupyter client writes and passes to the kernel (<c>-f {connection_file}</c>): where each of the five
/// sockets listens and the key that signs every message.
/// </summary>
public sealed record ConnectionInfo
{
    /// <summary>The address to bind (usually 127.0.0.1).</summary>
    [JsonPropertyName("ip")] public string Ip { get; init; } = "127.0.0.1";

    /// <summary>The ZeroMQ transport: tcp (or ipc).</summary>
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";

    /// <summary>The shell socket's port (requests and replies).</summary>
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }

    /// <summary>The iopub socket's port (outputs and status, published to every client).</summary>
    [JsonPropertyName("iopub_port")] public int IopubPort { get; init; }

    /// <summary>The stdin socket's port (input requests to the front end).</summary>
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }

    /// <summary>The control socket's port (interrupt, shutdown: answered even while a cell runs).</summary>
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }

    /// <summary>The heartbeat socket's port (echo).</summary>
    [JsonPropertyName("hb_port")] public int HeartbeatPort { get; init; }

    /// <summary>The HMAC key; empty means messages are not signed.</summary>
    [JsonPropertyName("key")] public string Key { get; init; } = "";

    /// <summary>The signature scheme; only hmac-sha256 is supported.</summary>
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";

    /// <summary>The kernel's name as the client knows it.</summary>
    [JsonPropertyName("kernel_name")] public string? KernelName { get; init; }

    /// <summary>The ZeroMQ address of <paramref name="port"/> on this connection's transport and address.</summary>
    public string Address(int port) => Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"{Transport}://{Ip}:{port}";

    /// <summary>Reads a connection file; a missing, unreadable or incomplete file is one clear <see cref="KernelStartException"/>.</summary>
    public static ConnectionInfo Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KernelStartException($"cannot read the connection file '{path}': {e.Message}");
        }

        ConnectionInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<ConnectionInfo>(json);
        }
        catch (JsonException e)
        {
            throw new KernelStartException($"the connection file '{path}' is not valid JSON ({e.Message}).");
        }

        if (info is null || info.ShellPort <= 0 || info.IopubPort <= 0 || info.StdinPort <= 0 || info.ControlPort <= 0 || info.HeartbeatPort <= 0)
        {
            throw new KernelStartException($"the connection file '{path}' does not give all five ports (shell, iopub, stdin, control, hb).");
        }

        if (info.Key.Length > 0 && info.SignatureScheme != "hmac-sha256")
        {
            throw new KernelStartException($"the connection file '{path}' asks for signature scheme '{info.SignatureScheme}'; this kernel signs with hmac-sha256 only.");
        }

        return info;
    }
}

using System.Globalization;
using System.Net;
using System.Text;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// A Spark Connect connection string, as Spark defines it:
/// <c>sc://host[:port][/;param=value;param=value...]</c> with the parameters <c>token</c>, <c>use_ssl</c>,
/// <c>user_id</c>, <c>user_agent</c> and <c>session_id</c>. The default port is 15002.
/// </summary>
/// <remarks>
/// A token is a bearer credential: it is sent only over TLS, except to a loopback host (a server on this
/// machine, or one reached through a local tunnel), where the channel never leaves the machine.
/// <see cref="ToString"/> never shows the token.
/// </remarks>
public sealed record SparkConnectionString
{
    /// <summary>The port Spark Connect listens on unless told otherwise.</summary>
    public const int DefaultPort = 15002;

    /// <summary>The server's host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>The server's port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The bearer token sent as <c>Authorization: Bearer</c>, or null.</summary>
    public string? Token { get; init; }

    /// <summary>Whether the channel uses TLS.</summary>
    public bool UseSsl { get; init; }

    /// <summary>The user id sent in every request's user context; defaults to the OS user.</summary>
    public string? UserId { get; init; }

    /// <summary>The client's user agent; defaults to <c>InteractiveSpark/VERSION</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>A client-chosen session id (a UUID); a new one is made when null.</summary>
    public string? SessionId { get; init; }

    /// <summary>Whether <see cref="Host"/> is this machine (localhost or a loopback address).</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The gRPC address the channel connects to.</summary>
    public Uri GrpcAddress => new($"{(UseSsl ? "https" : "http")}://{FormatHost(Host)}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> with a message that says what is wrong.</summary>
    public static SparkConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        const string scheme = "sc://";
        if (!text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"A Spark Connect URL starts with sc://, as in sc://localhost:15002; got '{Redact(text)}'.");
        }

        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var parameters = slash < 0 ? "" : rest[(slash + 1)..];
        if (parameters.Length > 0 && parameters[0] != ';')
        {
            throw new FormatException($"A Spark Connect URL has no path: parameters follow '/;' as in sc://host:15002/;token=...; got '{Redact(text)}'.");
        }

        var (host, port) = ParseAuthority(authority, text);
        var result = new SparkConnectionString { Host = host, Port = port };
        foreach (var pair in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"Each Spark Connect URL parameter is key=value; '{RedactPair(pair)}' is not.");
            }

            var key = pair[..eq].Trim();
            var value = Uri.UnescapeDataString(pair[(eq + 1)..].Trim());
            result = key.ToLowerInvariant() switch
            {
                "token" when value.Length == 0 => throw new FormatException(
                    "The Spark Connect URL has an empty token ('token='): give the token, or leave the parameter out to connect without one."),
                "token" => result with { Token = value },
                "use_ssl" => result with { UseSsl = ParseBool(key, value) },
                "user_id" => result with { UserId = value },
                "user_agent" => result with { UserAgent = value },
                "session_id" => result with { SessionId = ParseSessionId(value) },
                _ => throw new FormatException(
                    $"Unknown Spark Connect URL parameter '{key}'; known: token, use_ssl, user_id, user_agent, session_id."),
            };
        }

        return result;
    }

    /// <summary>Parses a connection string; returns false and a message when it is not valid.</summary>
    public static bool TryParse(string connectionString, out SparkConnectionString? result, out string? error)
    {
        try
        {
            result = Parse(connectionString);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Throws when this connection string would send a token in clear over a network: a token needs
    /// <c>use_ssl=true</c> unless the host is loopback.
    /// </summary>
    public void EnsureTokenIsProtected()
    {
        if (Token is not null && !UseSsl && !IsLoopback)
        {
            throw new InvalidOperationException(
                $"Refusing to send a token in clear to {Host}:{Port}: add ';use_ssl=true' to the URL (the server must speak TLS), "
                + "or reach the server through localhost (for example an SSH tunnel). Tokens are sent without TLS only to loopback hosts.");
        }
    }

    /// <summary>The connection string in Spark's form, with the token shown as <c>***</c>.</summary>
    public override string ToString() => Format(redactToken: true);

    /// <summary>The connection string in Spark's form including the token: for passing to another client, never for display.</summary>
    public string ToSecretString() => Format(redactToken: false);

    private string Format(bool redactToken)
    {
        var sb = new StringBuilder("sc://").Append(FormatHost(Host)).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
        var any = false;
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            sb.Append(any ? ";" : "/;").Append(key).Append('=').Append(value);
            any = true;
        }

        Add("token", Token is null ? null : redactToken ? "***" : Uri.EscapeDataString(Token));
        Add("use_ssl", UseSsl ? "true" : null);
        Add("user_id", UserId is null ? null : Uri.EscapeDataString(UserId));
        Add("user_agent", UserAgent is null ? null : Uri.EscapeDataString(UserAgent));
        Add("session_id", SessionId);
        return sb.ToString();
    }

    private static (string Host, int Port) ParseAuthority(string authority, string text)
    {
        if (authority.Length == 0)
        {
            throw new FormatException($"The Spark Connect URL '{Redact(text)}' names no host: write sc://HOST:PORT.");
        }

        string host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            // An IPv6 literal: [::1]:15002
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                throw new FormatException($"The IPv6 host in '{Redact(text)}' is missing its closing ']'.");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    throw new FormatException($"Unexpected '{after}' after the host in '{Redact(text)}'.");
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
        }

        if (host.Length == 0 || host.Length > 253 || host.Any(c => char.IsWhiteSpace(c) || c is '@' or '?' or '#' or '/')
            || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            // A host name is at most 253 characters of letters, digits, '-' and '.' (or an IP address).
            var shown = host.Length > 60 ? $"{host[..40]}… ({host.Length} characters)" : host;
            throw new FormatException($"'{shown}' is not a valid host name or address in a Spark Connect URL: write sc://HOST:PORT, e.g. sc://localhost:15002.");
        }

        var port = DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new FormatException($"The port '{portText}' in '{Redact(text)}' is not a number from 1 to 65535.");
        }

        return (host, port);
    }

    private static bool ParseBool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException($"The Spark Connect URL parameter '{key}' takes true or false; got '{value}'."),
    };

    private static string ParseSessionId(string value) => Guid.TryParse(value, out var id)
        ? id.ToString()
        : throw new FormatException($"session_id must be a UUID such as {Guid.Empty}; got '{value}'.");

    private static string FormatHost(string host) => host.Contains(':') ? $"[{host}]" : host;

    /// <summary>Hides any token in a connection string that is about to appear in a message.</summary>
    internal static string Redact(string text)
    {
        var i = text.IndexOf("token=", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            return text;
        }

        var end = text.IndexOf(';', i);
        return text[..(i + 6)] + "***" + (end < 0 ? "" : text[end..]);
    }

    private static string RedactPair(string pair) =>
        pair.TrimStart().StartsWith("token", StringComparison.OrdinalIgnoreCase) ? "token***" : pair;
}

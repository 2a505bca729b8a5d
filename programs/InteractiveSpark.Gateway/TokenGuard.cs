using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Checks the session token. The gateway knows only the token's SHA-256; a presented token is hashed and the two
/// hashes compared in constant time. Browsers get a random cookie from <c>/login</c> instead of keeping the token;
/// <c>/login/ticket</c> hands out one-time login links so the token need not appear in a URL.
/// </summary>
internal sealed class TokenGuard(byte[] tokenSha256)
{
    /// <summary>The name of the browser cookie.</summary>
    public const string CookieName = "ispark_gateway";

    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(2);
    private readonly byte[] _tokenSha256 = tokenSha256.ToArray();
    private readonly ConcurrentDictionary<string, byte> _cookies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tickets = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="token"/> is the session token (constant time in the token's content).</summary>
    public bool IsSessionToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _tokenSha256);
    }

    /// <summary>A new random browser cookie value, valid while the gateway runs; only its hash is kept.</summary>
    public string IssueCookie()
    {
        var value = NewSecret();
        _cookies[HashHex(value)] = 0;
        return value;
    }

    /// <summary>Whether a cookie value was issued by <see cref="IssueCookie"/> (looked up by its hash: no timing on the value itself).</summary>
    public bool IsCookie(string? value) => !string.IsNullOrEmpty(value) && _cookies.ContainsKey(HashHex(value));

    /// <summary>A one-time login ticket valid for two minutes.</summary>
    public string IssueTicket()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, expiry) in _tickets)
        {
            if (expiry < now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var value = NewSecret();
        _tickets[HashHex(value)] = now + TicketLifetime;
        return value;
    }

    /// <summary>Redeems a ticket: true once, within its lifetime.</summary>
    public bool RedeemTicket(string? value) =>
        !string.IsNullOrEmpty(value) && _tickets.TryRemove(HashHex(value), out var expiry) && expiry >= DateTimeOffset.UtcNow;

    /// <summary>The lower-case hex SHA-256 of a string: what a launcher passes as ISPARK_GATEWAY_TOKEN_SHA256.</summary>
    public static string HashHex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

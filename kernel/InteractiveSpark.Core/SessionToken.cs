using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Core;

/// <summary>
/// The secrets that let their holder use a session (Spark Connect tokens, gateway tokens, login tickets). Every one the
/// product makes starts with <see cref="Prefix"/>, like GitHub's <c>ghp_</c> tokens: a leak scanner (our CI greps
/// every log of a test run for it) or a log pipeline can then find one without knowing it.
/// </summary>
public static partial class SessionToken
{
    /// <summary>The prefix of every secret the product generates.</summary>
    public const string Prefix = "ispark_";

    /// <summary>What <see cref="Redact"/> puts in place of a secret.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>A new secret: <see cref="Prefix"/> and 256 random bits as 64 lower-case hex digits.</summary>
    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The text with every secret it shows replaced by <see cref="Redacted"/>: product tokens (by their prefix), bearer
    /// credentials, and values of <c>token=</c>, <c>password=</c>, <c>secret=</c>, <c>api_key=</c> style pairs (as in
    /// connection strings, URLs, Spark confs and JAAS lines). A last line of defence for logs and messages; the
    /// product's code does not put secrets there in the first place.
    /// </summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        var result = ProductToken().Replace(text, Redacted);
        result = Bearer().Replace(result, m => m.Groups[1].Value + Redacted);
        return SecretPair().Replace(result, m => m.Groups[1].Value + Redacted);
    }

    /// <summary>True when the text holds something <see cref="Redact"/> would hide.</summary>
    public static bool ContainsSecret(string text) =>
        !string.IsNullOrEmpty(text) && (ProductToken().IsMatch(text) || Bearer().IsMatch(text) || SecretPair().IsMatch(text));

    [GeneratedRegex(@"ispark_[0-9a-f]{16,}")]
    private static partial Regex ProductToken();

    [GeneratedRegex(@"(\b(?:Bearer|Basic)\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{6,}", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    // key=value or key: value or key="value" where the key names a secret; the value ends at a separator.
    [GeneratedRegex(
        @"((?:token|password|passwd|secret|api[_-]?key|apikey|sasl\.password|ssl\.key\.password|authenticate\.token)[""']?\s*[=:]\s*[""']?)(?!\[redacted\])[^\s;&""',}]+",
        RegexOptions.IgnoreCase)]
    private static partial Regex SecretPair();
}

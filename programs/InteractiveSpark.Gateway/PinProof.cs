using System.Security.Cryptography;
using System.Text;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The answer to <c>/health?pin-challenge=NONCE</c>: HMAC-SHA256, keyed with the SHA-256 of the session token, over
/// the nonce and the certificate's fingerprint. A launcher that cannot read the gateway's output (Marathon keeps task
/// output in the Mesos sandbox, out of reach of its API) connects once without trusting the certificate, sends a fresh
/// nonce, and pins the fingerprint only if the proof matches: only a gateway given this session's token hash can make
/// it, and the token itself is sent only after the pin holds. The proof is as strong as the secrecy of the hash (see
/// docs/security.md: whoever reads the Marathon app definition sees it).
/// </summary>
public static class PinProof
{
    /// <summary>What is signed: a fixed label, the nonce and the fingerprint, one per line.</summary>
    public static string Compute(byte[] tokenSha256, string challenge, string certificateSha256)
    {
        ArgumentNullException.ThrowIfNull(tokenSha256);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(certificateSha256);
        var message = Encoding.UTF8.GetBytes("ispark-gateway-pin-v1\n" + challenge + "\n" + certificateSha256.ToUpperInvariant());
        return Convert.ToHexStringLower(HMACSHA256.HashData(tokenSha256, message));
    }
}

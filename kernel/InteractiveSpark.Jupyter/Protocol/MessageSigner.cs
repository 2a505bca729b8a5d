using System.Security.Cryptography;

namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>
/// Signs and checks Jupyter messages: HMAC-SHA256 over header, parent header, metadata and content, as lowercase hex.
/// With an empty key, messages carry an empty signature and every signature is accepted (as the protocol says).
/// </summary>
public sealed class MessageSigner
{
    private readonly byte[] _key;

    /// <summary>A signer with the connection file's key.</summary>
    public MessageSigner(string key) => _key = System.Text.Encoding.UTF8.GetBytes(key);

    /// <summary>Whether messages are signed at all.</summary>
    public bool Signs => _key.Length > 0;

    /// <summary>The hex signature of the four frames.</summary>
    public string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!Signs)
        {
            return "";
        }

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(header);
        hmac.AppendData(parentHeader);
        hmac.AppendData(metadata);
        hmac.AppendData(content);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="signature"/> is the frames' signature (compared in constant time).</summary>
    public bool Verify(string signature, ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!Signs)
        {
            return true;
        }

        var expected = System.Text.Encoding.ASCII.GetBytes(Sign(header, parentHeader, metadata, content));
        var actual = System.Text.Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}

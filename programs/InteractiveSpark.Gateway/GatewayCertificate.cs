using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The gateway's TLS certificate: self-signed, ECDSA P-256, made at start and kept in memory only (its private key
/// never touches a disk). Clients trust it by its SHA-256 fingerprint, which the gateway prints and serves on /health.
/// </summary>
public static class GatewayCertificate
{
    /// <summary>Makes a certificate for <c>localhost</c> and the given DNS names, valid from an hour ago for a year.</summary>
    public static X509Certificate2 Create(IEnumerable<string> hostNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=InteractiveSpark gateway", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        foreach (var name in hostNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (System.Net.IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else if (!string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddHours(-1), now.AddYears(1));
    }

    /// <summary>The certificate's SHA-256 fingerprint: 64 upper-case hex digits, what <c>SparkSessionOptions.PinnedServerCertificateSha256</c> takes.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);
}

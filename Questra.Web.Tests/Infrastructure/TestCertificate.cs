using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>A self-signed certificate for localhost, written to a password-protected PFX file for Kestrel to serve HTTPS with.</summary>
public sealed class TestCertificate : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"questra-cert-{Guid.NewGuid():N}.pfx");
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public TestCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllBytes(Path, certificate.Export(X509ContentType.Pfx, Password));
    }

    public void Dispose() => File.Delete(Path);
}

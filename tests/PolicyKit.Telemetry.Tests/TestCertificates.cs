using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// A throw-away PKI written as PEM files: a CA, a server certificate for 127.0.0.1 and a client
/// certificate signed by it, and an unrelated second CA ("other") with its own client certificate.
/// </summary>
internal sealed record TestCertificates(
    string CaFile, string ServerCertFile, string ServerKeyFile,
    string ClientCertFile, string ClientKeyFile,
    string OtherCaFile, string OtherClientCertFile, string OtherClientKeyFile)
{
    public static TestCertificates Create(string directory)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa("PolicyKit test CA", caKey);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = CreateCa("Some other CA", otherKey);

        var server = Issue(ca, caKey, "CN=mqtt test broker", serverAuth: true, san: b => b.AddIpAddress(IPAddress.Loopback));
        var client = Issue(ca, caKey, "CN=mpol-agent test", serverAuth: false, san: b => b.AddDnsName("agent.test"));
        var otherClient = Issue(otherCa, otherKey, "CN=stranger", serverAuth: false, san: b => b.AddDnsName("stranger.test"));

        return new TestCertificates(
            Write(directory, "ca.pem", ca.ExportCertificatePem()),
            Write(directory, "server.pem", server.Cert), Write(directory, "server.key", server.Key),
            Write(directory, "client.pem", client.Cert), Write(directory, "client.key", client.Key),
            Write(directory, "other-ca.pem", otherCa.ExportCertificatePem()),
            Write(directory, "other-client.pem", otherClient.Cert), Write(directory, "other-client.key", otherClient.Key));
    }

    private static X509Certificate2 CreateCa(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static (string Cert, string Key) Issue(X509Certificate2 ca, ECDsa caKey, string subject, bool serverAuth, Action<SubjectAlternativeNameBuilder> san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        san(names);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var cert = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Write(string directory, string name, string pem)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, pem);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}

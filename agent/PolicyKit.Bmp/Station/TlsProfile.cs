using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PolicyKit.Bmp.Station;

/// <summary>
/// A loaded TLS server profile (immutable; a certificate reload builds a new one and swaps it
/// in, so a handshake uses one whole profile). BMP over TLS per the draft: the station is the
/// server; the router must present a client certificate that chains to the configured CA
/// (nothing else is trusted: not the system store); TLS 1.2 and 1.3 only; AEAD cipher suites
/// only — integrity-only (NULL) suites are never offered.
/// </summary>
internal sealed class TlsProfile
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>AEAD suites with forward secrecy (RFC 7525 §4.2), TLS 1.3 first.</summary>
    private static readonly TlsCipherSuite[] DefaultSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private readonly SslStreamCertificateContext _certificate;
    private readonly X509Certificate2Collection _ca;
    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _ciphers;

    private TlsProfile(BmpTlsOptions options, SslStreamCertificateContext certificate, X509Certificate2Collection ca, CipherSuitesPolicy? ciphers)
    {
        Options = options;
        _certificate = certificate;
        _ca = ca;
        _protocols = options.MinVersion == BmpTlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        _ciphers = ciphers;
        LoadedAt = DateTimeOffset.UtcNow;
    }

    public BmpTlsOptions Options { get; }

    public DateTimeOffset LoadedAt { get; }

    public string CertificateSubject => _certificate.TargetCertificate.Subject;

    public DateTime CertificateNotAfter => _certificate.TargetCertificate.NotAfter;

    /// <summary>Checks what can be checked without the files: versions and cipher names. Throws <see cref="BmpConfigurationException"/>.</summary>
    public static void ValidateOptions(BmpTlsOptions options, string listener)
    {
        string where = $"listener {listener}: tls";
        if (string.IsNullOrWhiteSpace(options.CertificateFile)) throw new BmpConfigurationException(where + " cert", "is required (the station's certificate)");
        if (string.IsNullOrWhiteSpace(options.KeyFile)) throw new BmpConfigurationException(where + " key", "is required (the station's private key)");
        if (string.IsNullOrWhiteSpace(options.CaFile)) throw new BmpConfigurationException(where + " ca", "is required: BMP over TLS is mutual, routers' certificates are checked against it");
        if (options.MinVersion is not (BmpTlsVersion.Tls12 or BmpTlsVersion.Tls13)) throw new BmpConfigurationException(where + " min-version", "must be 1.2 or 1.3");
        Suites(options, where);
    }

    /// <summary>The configured suites, refusing unknown and integrity-only or weak ones; null = the default list.</summary>
    private static TlsCipherSuite[] Suites(BmpTlsOptions options, string where)
    {
        if (options.CipherSuites is not { Count: > 0 } names) return options.MinVersion == BmpTlsVersion.Tls13 ? DefaultSuites[..3] : DefaultSuites;
        var suites = new List<TlsCipherSuite>();
        foreach (var name in names)
        {
            string upper = name.Trim().ToUpperInvariant();
            if (upper.Contains("NULL", StringComparison.Ordinal) || upper is "TLS_SHA256_SHA256" or "TLS_SHA384_SHA384")
                throw new BmpConfigurationException(where + " ciphers", $"'{name}' is integrity-only (no encryption); the draft forbids it");
            if (upper.Contains("_ANON_", StringComparison.Ordinal) || upper.Contains("EXPORT", StringComparison.Ordinal) || upper.Contains("RC4", StringComparison.Ordinal) ||
                upper.Contains("_DES", StringComparison.Ordinal) || upper.Contains("3DES", StringComparison.Ordinal) || upper.Contains("_MD5", StringComparison.Ordinal))
                throw new BmpConfigurationException(where + " ciphers", $"'{name}' is not a secure suite (RFC 7525)");
            if (!Enum.TryParse<TlsCipherSuite>(upper, out var suite) || !upper.StartsWith("TLS_", StringComparison.Ordinal))
                throw new BmpConfigurationException(where + " ciphers", $"'{name}' is not a TLS cipher suite name (IANA names, e.g. TLS_AES_256_GCM_SHA384)");
            suites.Add(suite);
        }
        if (options.MinVersion == BmpTlsVersion.Tls13 && !suites.Any(IsTls13))
            throw new BmpConfigurationException(where + " ciphers", "min-version 1.3 needs at least one TLS 1.3 suite (TLS_AES_*, TLS_CHACHA20_*)");
        return [.. suites];
    }

    private static bool IsTls13(TlsCipherSuite suite) => suite is TlsCipherSuite.TLS_AES_128_GCM_SHA256 or TlsCipherSuite.TLS_AES_256_GCM_SHA384 or
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_8_SHA256;

    /// <summary>Loads the certificate, key and CA. Throws <see cref="BmpConfigurationException"/> naming the file (never its contents).</summary>
    public static TlsProfile Load(BmpTlsOptions options, string listener)
    {
        ValidateOptions(options, listener);
        string where = $"listener {listener}: tls";
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(options.CertificateFile, options.KeyFile);
            chain.ImportFromPemFile(options.CertificateFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new BmpConfigurationException(where + " cert/key", $"cannot load {options.CertificateFile} with key {options.KeyFile}: {Clean(e)}");
        }
        var ca = new X509Certificate2Collection();
        try
        {
            ca.ImportFromPemFile(options.CaFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new BmpConfigurationException(where + " ca", $"cannot load {options.CaFile}: {Clean(e)}");
        }
        if (ca.Count == 0) throw new BmpConfigurationException(where + " ca", $"{options.CaFile} holds no certificate");
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (c.Thumbprint != leaf.Thumbprint) intermediates.Add(c);
        }
        CipherSuitesPolicy? ciphers = null;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ciphers = new CipherSuitesPolicy(Suites(options, where));
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new TlsProfile(options, context, ca, ciphers);
    }

    private static string Clean(Exception e) => e.Message.ReplaceLineEndings(" ");

    /// <summary>Server options for one handshake. <paramref name="refusal"/> receives why a client certificate was refused.</summary>
    public SslServerAuthenticationOptions ServerOptions(Action<string> refusal) => new()
    {
        ServerCertificateContext = _certificate,
        ClientCertificateRequired = true,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _ciphers,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
        AllowRenegotiation = false,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            string? problem = CheckClient(certificate, chain);
            if (problem is not null) refusal(problem);
            return problem is null;
        },
    };

    /// <summary>Null when the router's certificate chains to the configured CA (and, if it names uses, allows client authentication).</summary>
    internal string? CheckClient(X509Certificate? presented, X509Chain? presentedChain = null)
    {
        if (presented is null) return "no client certificate (BMP over TLS is mutual)";
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter) return $"client certificate {certificate.Subject} is not valid now ({certificate.NotBefore:u}..{certificate.NotAfter:u})";
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku && eku.EnhancedKeyUsages.Count > 0 &&
                !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthentication.Value))
                return $"client certificate {certificate.Subject} is not for client authentication";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Intermediates the router sent may complete the path to our CA; they are never trusted by themselves.
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        if (chain.Build(certificate)) return null;
        var status = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        return $"client certificate {certificate.Subject} does not chain to the configured CA ({string.Join(", ", status)})";
    }
}

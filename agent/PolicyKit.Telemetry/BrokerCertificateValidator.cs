using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PolicyKit.Telemetry;

/// <summary>
/// Checks the broker's certificate against the CA(s) of ca_file only (CustomRootTrust: the
/// system store is never consulted) and against the expected server name, and keeps a one-line
/// reason when it refuses, so the publisher can say why instead of "handshake failed".
/// </summary>
internal sealed class BrokerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly X509Certificate2Collection _trustedCas;
    private readonly string _caFile;
    private readonly string _expectedName;

    public BrokerCertificateValidator(X509Certificate2Collection trustedCas, string caFile, string expectedName)
    {
        _trustedCas = trustedCas;
        _caFile = caFile;
        _expectedName = expectedName;
    }

    /// <summary>Why the last certificate was refused (null when accepted or not yet checked).</summary>
    public string? Failure { get; private set; }

    /// <summary>Reads the CA certificates of a PEM file; throws <see cref="TelemetryConfigurationException"/> with a clear message.</summary>
    public static X509Certificate2Collection LoadCaFile(string caFile)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TelemetryConfigurationException($"TLS: cannot read ca_file {caFile}: {OneLine(e.Message)}");
        }
        if (cas.Count == 0) throw new TelemetryConfigurationException($"TLS: ca_file {caFile} holds no PEM certificate");
        return cas;
    }

    public bool Validate(X509Certificate? presented, X509Chain? presentedChain)
    {
        Failure = Check(presented, presentedChain);
        return Failure is null;
    }

    private string? Check(X509Certificate? presented, X509Chain? presentedChain)
    {
        if (presented is null) return "the broker sent no certificate";
        using var leaf = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        // A private broker CA rarely publishes revocation lists; trust is pinned to ca_file instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (presentedChain is not null)
        {
            // Intermediates the broker sent may be needed to reach the CA; they are not trusted by themselves.
            chain.ChainPolicy.ExtraStore.AddRange(presentedChain.ChainPolicy.ExtraStore);
            foreach (var element in presentedChain.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        if (!chain.Build(leaf))
        {
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
                return $"the broker's certificate ({leaf.Subject}) is not signed by the CA in ca_file {_caFile}";
            if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
                return $"the broker's certificate ({leaf.Subject}) is valid only from {leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u}";
            if ((flags & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
                return $"the broker's certificate ({leaf.Subject}) is not meant for a TLS server (extended key usage)";
            var statuses = string.Join("; ", chain.ChainStatus.Select(s => OneLine(s.StatusInformation)).Distinct());
            return $"the broker's certificate ({leaf.Subject}) is not trusted: {statuses}";
        }

        if (!leaf.MatchesHostname(_expectedName, allowWildcards: true, allowCommonName: !IPAddress.TryParse(_expectedName, out _)))
            return $"the broker's certificate does not name {_expectedName} (it names {Names(leaf)}); set server_name to one of them";
        return null;
    }

    private static string Names(X509Certificate2 cert)
    {
        var names = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames().Select(n => "DNS:" + n));
                names.AddRange(san.EnumerateIPAddresses().Select(a => "IP:" + a));
            }
        }
        return names.Count > 0 ? string.Join(", ", names) : cert.Subject;
    }

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}

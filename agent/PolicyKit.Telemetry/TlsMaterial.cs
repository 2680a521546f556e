using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PolicyKit.Telemetry;

/// <summary>
/// The CA certificates and client certificate of <see cref="MqttTlsSettings"/>, read from their
/// PEM files and read again only when a file changed (so a renewed certificate is used on the
/// next reconnect, and a long outage does not load them once per attempt). Used by one loop.
/// </summary>
internal sealed class TlsMaterial : IDisposable
{
    private readonly MqttTlsSettings _settings;
    private (DateTime Ca, DateTime Cert, DateTime Key) _stamps;
    private X509Certificate2Collection? _cas;
    private X509Certificate2? _clientCertificate;

    public TlsMaterial(MqttTlsSettings settings) => _settings = settings;

    public X509Certificate2Collection Cas => _cas ?? throw new InvalidOperationException("call Refresh first");

    public X509Certificate2? ClientCertificate => _clientCertificate;

    /// <summary>(Re)reads the files when they changed; throws <see cref="TelemetryConfigurationException"/> with a clear message.</summary>
    public void Refresh()
    {
        var stamps = (Stamp(_settings.CaFile), Stamp(_settings.CertFile), Stamp(_settings.KeyFile));
        if (_cas is not null && stamps == _stamps) return;

        var cas = BrokerCertificateValidator.LoadCaFile(_settings.CaFile!);
        X509Certificate2? client = null;
        if (_settings.CertFile is { } certFile && _settings.KeyFile is { } keyFile)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                Dispose(cas);
                throw new TelemetryConfigurationException($"TLS: cannot read the client certificate cert_file {certFile} / key_file {keyFile}: {ConnectionErrors.OneLine(e.Message)}");
            }
        }
        Dispose();
        (_cas, _clientCertificate, _stamps) = (cas, client, stamps);
    }

    public void Dispose()
    {
        if (_cas is not null) Dispose(_cas);
        _clientCertificate?.Dispose();
        (_cas, _clientCertificate) = (null, null);
    }

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates) certificate.Dispose();
    }

    private static DateTime Stamp(string? path) => path is not null && File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
}

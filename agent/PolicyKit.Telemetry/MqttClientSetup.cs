using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace PolicyKit.Telemetry;

/// <summary>
/// What every client of the project puts in its CONNECT: the broker and protocol, the user name
/// and password, and TLS pinned to the CA(s) of <see cref="MqttTlsSettings.CaFile"/> with the
/// broker's name checked. One place, so the publisher and the readers of retained topics (fleet
/// view, drift) trust brokers the same way.
/// </summary>
internal static class MqttClientSetup
{
    /// <summary>
    /// Adds server, protocol, credentials and TLS to <paramref name="builder"/>. Returns the
    /// certificate validator when TLS is on (its <see cref="BrokerCertificateValidator.Failure"/>
    /// says why a handshake failed). Throws <see cref="TelemetryConfigurationException"/> when a
    /// TLS file cannot be read.
    /// </summary>
    public static BrokerCertificateValidator? Configure(
        MqttClientOptionsBuilder builder, MqttBrokerAddress broker, string? username, string? password, MqttTlsSettings? tls, ref TlsMaterial? material)
    {
        builder.WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(broker.Protocol == MqttProtocol.V311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500);
        if (username is not null) builder.WithCredentials(username, password);
        if (tls is not { Enabled: true }) return null;

        string expectedName = tls.ServerName ?? broker.Host;
        material ??= new TlsMaterial(tls);
        material.Refresh();
        var validator = new BrokerCertificateValidator(material.Cas, tls.CaFile!, expectedName);
        var tlsBuilder = new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithTargetHost(expectedName)
            .WithTrustChain(material.Cas)
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithCertificateValidationHandler(args => validator.Validate(args.Certificate, args.Chain));
        if (material.ClientCertificate is { } clientCertificate)
            tlsBuilder.WithClientCertificates(new X509Certificate2Collection(clientCertificate));
        builder.WithTlsOptions(tlsBuilder.Build());
        return validator;
    }
}

namespace PolicyKit.Telemetry;

/// <summary>
/// TLS to the broker. The broker's certificate is trusted only if it chains to the CA(s) in
/// <see cref="CaFile"/> (the system trust store is never used) and names
/// <see cref="ServerName"/> (or the host when that is null). TLS 1.2 or 1.3 only.
/// A client certificate (PEM <see cref="CertFile"/> + unencrypted PEM <see cref="KeyFile"/>)
/// is sent when both are set. Files are read at each connection attempt, so a renewed
/// certificate is picked up on the next reconnect.
/// </summary>
public sealed record MqttTlsSettings
{
    public bool Enabled { get; init; }

    /// <summary>PEM file with the CA certificate(s) that may sign the broker's certificate. Required when enabled.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate (mutual TLS).</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of the client certificate (PKCS#8, PKCS#1 or SEC1; not encrypted).</summary>
    public string? KeyFile { get; init; }

    /// <summary>The name (DNS name or IP address) the broker's certificate must carry; the host when null.</summary>
    public string? ServerName { get; init; }
}

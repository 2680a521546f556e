using System.Net;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Station;

/// <summary>TLS versions a BMP-over-TLS listener may accept (the draft and RFC 7525: 1.2 and 1.3 only).</summary>
public enum BmpTlsVersion : byte
{
    Tls12 = 12,
    Tls13 = 13,
}

/// <summary>
/// The TLS server profile of a listener (draft-hmntsharma-bmp-over-tls): the station's own
/// certificate and key, the CA that signs the routers' client certificates (mutual TLS is
/// always required), the lowest version, optional cipher suites (IANA names such as
/// "TLS_AES_256_GCM_SHA384" or "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"; integrity-only NULL
/// suites are refused), and strict mode: no plaintext BMP on this port.
/// </summary>
public sealed record BmpTlsOptions
{
    public required string CertificateFile { get; init; }

    public required string KeyFile { get; init; }

    public required string CaFile { get; init; }

    public BmpTlsVersion MinVersion { get; init; } = BmpTlsVersion.Tls12;

    /// <summary>Null or empty: the station's default list of AEAD suites with forward secrecy.</summary>
    public IReadOnlyList<string>? CipherSuites { get; init; }

    /// <summary>Strict TLS (RFC 7525, the draft's recommendation): a plaintext connection on this port is refused. Off: the port takes both, told apart by the first byte.</summary>
    public bool Strict { get; init; } = true;
}

/// <summary>One listening port; with <see cref="Tls"/> it speaks BMP over TLS.</summary>
public sealed record BmpListenerOptions
{
    /// <summary>An IPv4 or IPv6 address to bind ("0.0.0.0", "::", "127.0.0.1").</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>0 binds a free port (see <c>BmpStation.LocalEndpoints</c>).</summary>
    public int Port { get; init; } = 11019;

    public BmpTlsOptions? Tls { get; init; }

    /// <summary>A name for events and logs; defaults to "address:port".</summary>
    public string? Name { get; init; }
}

/// <summary>
/// Everything the BMP station is configured with (the agent's <c>[bmp]</c> section maps onto it).
/// <see cref="Validate"/> reports the first bad value as a <see cref="BmpConfigurationException"/>
/// naming the option.
/// </summary>
public sealed record BmpStationOptions
{
    public IReadOnlyList<BmpListenerOptions> Listeners { get; init; } = [];

    /// <summary>Concurrent BMP sessions; more connections are refused (and counted).</summary>
    public int MaxSessions { get; init; } = 64;

    /// <summary>The longest BMP message accepted; a longer length field means the framing is lost. A Route Monitoring holds at most one 65535-byte BGP message.</summary>
    public int MaxMessageLength { get; init; } = 1 << 20;

    /// <summary>Events queued for the consumer; when full, new events are dropped and counted.</summary>
    public int EventQueueCapacity { get; init; } = 10_000;

    /// <summary>The view the policy analysis (max-prefix, damping, violations) runs on: Adj-RIB-In pre-policy (what the peer sent) or post-policy.</summary>
    public RibView AnalysisView { get; init; } = RibView.AdjRibInPre;

    /// <summary>Prefixes whose announcement is a bogon violation. <see cref="BogonList.Empty"/> turns the check off.</summary>
    public BogonList Bogons { get; init; } = BogonList.Default;

    /// <summary>How many top flappers a peer snapshot lists.</summary>
    public int TopFlappers { get; init; } = 10;

    /// <summary>How often damping histories are decayed, released and forgotten.</summary>
    public TimeSpan DampingSweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A TLS handshake (or the first byte on a TLS port) that takes longer is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes read from a socket at a time.</summary>
    public int ReadBufferSize { get; init; } = 256 * 1024;

    /// <summary>Prefixes a router is expected to send (sizes the engine's prefix state once, instead of growing it).</summary>
    public int ExpectedPrefixes { get; init; } = 4096;

    /// <summary>If set, every session's raw BMP byte stream is written to a file there (forensics, replay, test recordings).</summary>
    public string? RecordDirectory { get; init; }

    /// <summary>The clock of damping and events (tests use a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public void Validate()
    {
        if (MaxSessions < 1) throw new BmpConfigurationException("max-sessions", $"must be at least 1, not {MaxSessions}");
        if (MaxMessageLength < 4096 + BmpWire.PerPeerHeaderLength + BmpWire.CommonHeaderLength)
            throw new BmpConfigurationException("max-message-length", $"{MaxMessageLength} cannot hold a 4096-byte BGP message");
        if (EventQueueCapacity < 1) throw new BmpConfigurationException("event-queue", $"must be at least 1, not {EventQueueCapacity}");
        if (AnalysisView is not (RibView.AdjRibInPre or RibView.AdjRibInPost)) throw new BmpConfigurationException("analysis-view", "must be pre-policy or post-policy");
        if (ReadBufferSize < 4096) throw new BmpConfigurationException("read-buffer", $"must be at least 4096 bytes, not {ReadBufferSize}");
        if (HandshakeTimeout <= TimeSpan.Zero) throw new BmpConfigurationException("handshake-timeout", "must be positive");
        var seen = new HashSet<(string, int)>();
        foreach (var listener in Listeners)
        {
            string name = listener.Name ?? $"{listener.Address}:{listener.Port}";
            if (!IPAddress.TryParse(listener.Address, out _)) throw new BmpConfigurationException($"listener {name}: address", $"'{listener.Address}' is not an IP address");
            if (listener.Port is < 0 or > 65535) throw new BmpConfigurationException($"listener {name}: port", $"{listener.Port} is not a TCP port");
            if (listener.Port != 0 && !seen.Add((listener.Address, listener.Port))) throw new BmpConfigurationException($"listener {name}", "the same address and port twice");
            if (listener.Tls is { } tls) TlsProfile.ValidateOptions(tls, name);
        }
    }
}

/// <summary>A station option that cannot work, named as the configuration names it. The message never contains key material.</summary>
public sealed class BmpConfigurationException(string option, string problem) : Exception($"bmp {option}: {problem}")
{
    public string Option { get; } = option;
}

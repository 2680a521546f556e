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
/// Which view of a monitored peer's routes the policy analysis (max-prefix, filter and bogon
/// violations, damping) runs on. <see cref="Auto"/>: a real peer's post-policy Adj-RIB-In once
/// the router sends it for that peer (what the router accepted), else its pre-policy Adj-RIB-In
/// (what the peer sent); the router's Loc-RIB instance (RFC 9069) on its own view. A fixed
/// choice analyses that view only (<see cref="LocRib"/>: the Loc-RIB instance only).
/// </summary>
public enum BmpViewChoice : byte
{
    Auto,
    PrePolicy,
    PostPolicy,
    LocRib,
}

/// <summary>
/// Everything the BMP station is configured with (the agent's <c>[bmp]</c> section maps onto it).
/// <see cref="Validate"/> reports the first bad value as a <see cref="BmpConfigurationException"/>
/// naming the option.
///
/// <para><b>Before a connection is a session.</b> An accepted connection is <i>pending</i> until it
/// has completed its TLS handshake (on a TLS port) and sent a first complete, well-framed BMP
/// message; only then does it take one of the <see cref="MaxSessions"/> slots and get a router
/// monitor and a full read buffer. Pending connections are bounded on their own
/// (<see cref="MaxPending"/>, and <see cref="MaxPendingPerSource"/> per source address; when the
/// station-wide bound is reached a stalled or idle pending connection makes room), each holds a small
/// pooled buffer, and each has <see cref="HandshakeTimeout"/> and <see cref="FirstMessageTimeout"/>
/// to get there. So connections that never handshake, never speak or trickle bytes cannot keep a
/// router out.</para>
/// </summary>
public sealed record BmpStationOptions
{
    public IReadOnlyList<BmpListenerOptions> Listeners { get; init; } = [];

    /// <summary>Concurrent BMP sessions (connections past TLS and a first valid BMP message); more are refused (and counted).</summary>
    public int MaxSessions { get; init; } = 64;

    /// <summary>Sessions from one source address at once (a router opens one per station).</summary>
    public int MaxSessionsPerSource { get; init; } = 8;

    /// <summary>Connections not yet sessions (handshaking, or before their first BMP message), station-wide; at the bound a new one pushes out a stalled or idle one (a few kB each: size it well above the routers that connect at once).</summary>
    public int MaxPending { get; init; } = 512;

    /// <summary>Pending connections from one source address; more from it are refused.</summary>
    public int MaxPendingPerSource { get; init; } = 4;

    /// <summary>The longest BMP message accepted; a longer length field means the framing is lost. A Route Monitoring holds at most one 65535-byte BGP message.</summary>
    public int MaxMessageLength { get; init; } = 1 << 20;

    /// <summary>Events queued for the consumer; when full, new events are dropped and counted (session opened/closed events have a reserve of their own).</summary>
    public int EventQueueCapacity { get; init; } = 10_000;

    /// <summary>Events of one kind and reason a session (or the station, for refused connections) sends per <see cref="EventSummaryInterval"/>; the rest are counted into one summary event.</summary>
    public int EventBurst { get; init; } = 5;

    /// <summary>The window of <see cref="EventBurst"/>, and how often suppressed events are summarised.</summary>
    public TimeSpan EventSummaryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The analysed view of every peer, unless <see cref="ViewOverrides"/> names its router or the peer.</summary>
    public BmpViewChoice View { get; init; } = BmpViewChoice.Auto;

    /// <summary>
    /// Views per router or peer: keys "ROUTER" or "ROUTER/PEER", where ROUTER is the router's
    /// identity (as in telemetry), its sysName or its address, and PEER a peer's name (its
    /// address, "loc-rib"). The most specific key wins.
    /// </summary>
    public IReadOnlyDictionary<string, BmpViewChoice> ViewOverrides { get; init; } = new Dictionary<string, BmpViewChoice>();

    /// <summary>Prefixes whose announcement is a bogon violation. <see cref="BogonList.Empty"/> turns the check off.</summary>
    public BogonList Bogons { get; init; } = BogonList.Default;

    /// <summary>
    /// A VRP JSON file (the export of stayrtr or rpki-client) that every announcement on an analysed
    /// view is validated against (RFC 6811); loaded at start, re-read by <c>BmpStation.ReloadOrigins</c>. Null: no RPKI validation.
    /// </summary>
    public string? RpkiFile { get; init; }

    /// <summary>The expected origins per prefix (the IRR-built sets: route objects as prefix, maxLength, asn) in the same JSON format. Null: that check is off.</summary>
    public string? ExpectedOriginsFile { get; init; }

    /// <summary>How many top flappers a peer snapshot lists.</summary>
    public int TopFlappers { get; init; } = 10;

    /// <summary>How often damping histories are decayed, released and forgotten.</summary>
    public TimeSpan DampingSweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A TLS handshake (or the first byte on a TLS port) that takes longer is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection (after its TLS handshake) that has not sent a complete first BMP message by then is dropped.</summary>
    public TimeSpan FirstMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A session that sends nothing for this long is closed (routers with statistics reports on send every few seconds); zero = never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Bytes read from a socket at a time once a connection is a session (pooled; returned when it closes).</summary>
    public int ReadBufferSize { get; init; } = 256 * 1024;

    /// <summary>If set, every session's raw BMP byte stream is written to a file there (forensics, replay, test recordings).</summary>
    public string? RecordDirectory { get; init; }

    /// <summary>The clock of damping and events (tests use a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The view choice for a peer of a router: "ROUTER/PEER", then "ROUTER", then <see cref="View"/>; ROUTER tried as each of <paramref name="routerNames"/>.</summary>
    public BmpViewChoice ViewFor(IEnumerable<string> routerNames, string peer)
    {
        if (ViewOverrides.Count == 0) return View;
        var names = routerNames.Where(n => n.Length > 0).ToList();
        foreach (var router in names)
        {
            if (ViewOverrides.TryGetValue(router + "/" + peer, out var choice)) return choice;
        }
        foreach (var router in names)
        {
            if (ViewOverrides.TryGetValue(router, out var choice)) return choice;
        }
        return View;
    }

    public void Validate()
    {
        if (MaxSessions < 1) throw new BmpConfigurationException("max-sessions", $"must be at least 1, not {MaxSessions}");
        if (MaxSessionsPerSource < 1) throw new BmpConfigurationException("max-sessions-per-source", $"must be at least 1, not {MaxSessionsPerSource}");
        if (MaxPending < 1) throw new BmpConfigurationException("max-pending", $"must be at least 1, not {MaxPending}");
        if (MaxPendingPerSource < 1) throw new BmpConfigurationException("max-pending-per-source", $"must be at least 1, not {MaxPendingPerSource}");
        if (MaxMessageLength < 4096 + BmpWire.PerPeerHeaderLength + BmpWire.CommonHeaderLength)
            throw new BmpConfigurationException("max-message-length", $"{MaxMessageLength} cannot hold a 4096-byte BGP message");
        if (EventQueueCapacity < 1) throw new BmpConfigurationException("event-queue", $"must be at least 1, not {EventQueueCapacity}");
        if (EventBurst < 1) throw new BmpConfigurationException("event-burst", $"must be at least 1, not {EventBurst}");
        if (EventSummaryInterval <= TimeSpan.Zero) throw new BmpConfigurationException("event-summary-interval", "must be positive");
        if (ReadBufferSize < 4096) throw new BmpConfigurationException("read-buffer", $"must be at least 4096 bytes, not {ReadBufferSize}");
        if (HandshakeTimeout <= TimeSpan.Zero) throw new BmpConfigurationException("handshake-timeout", "must be positive");
        if (FirstMessageTimeout <= TimeSpan.Zero) throw new BmpConfigurationException("first-message-timeout", "must be positive");
        if (IdleTimeout < TimeSpan.Zero) throw new BmpConfigurationException("idle-timeout", "must be zero (never) or positive");
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

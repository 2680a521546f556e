using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Events;

/// <summary>
/// Who a peer event is about: the router (its identity: client certificate subject on TLS, else
/// "sysName@address", else its address), the peer as the per-peer header names it, and
/// <see cref="Name"/>, a topic-safe name ("198.51.100.9", "rd-64500:1-10.0.0.1", "loc-rib", "local").
/// </summary>
public sealed record BmpPeerId(string Router, BmpPeerType Type, string Distinguisher, string Address, uint As)
{
    public string Name => Type switch
    {
        BmpPeerType.LocRib => Distinguisher == "0" ? "loc-rib" : "loc-rib-" + Distinguisher,
        _ when Address is "0.0.0.0" && As == 0 => "local",
        BmpPeerType.RdInstance or BmpPeerType.LocalInstance => "rd-" + Distinguisher + "-" + Address,
        _ => Address,
    };

    public override string ToString() => $"{Router}/{Name}";
}

/// <summary>
/// Something the station saw that telemetry reports. Events go through a bounded queue
/// (<c>BmpStation.Events</c>): when the consumer is slow, new events are dropped
/// and counted, the BMP readers never wait. <see cref="Kind"/> is the kebab-case event name.
/// </summary>
public abstract record BmpEvent(DateTimeOffset Time, string Router)
{
    public abstract string Kind { get; }
}

public sealed record BmpSessionOpenedEvent(DateTimeOffset Time, string Router, long Session, string Remote, string Local, bool Tls, string? ClientSubject)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-session-opened";
}

/// <summary>A BMP session ended: <see cref="Error"/> is set when the station closed it (framing lost, TLS refused, limits).</summary>
public sealed record BmpSessionClosedEvent(DateTimeOffset Time, string Router, long Session, string Remote, string Reason, bool Error, long Messages, long Bytes)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-session-closed";
}

/// <summary>A connection refused before any BMP was read: no client certificate, a certificate the CA did not sign, TLS below 1.2, plaintext on a strict TLS port, too many sessions.</summary>
public sealed record BmpConnectionRefusedEvent(DateTimeOffset Time, string Router, string Remote, string Local, string Reason)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-connection-refused";
}

public sealed record BmpInitiationEvent(DateTimeOffset Time, string Router, long Session, string? SysName, string? SysDescr, IReadOnlyList<string> Strings)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-initiation";
}

public sealed record BmpTerminationEvent(DateTimeOffset Time, string Router, long Session, ushort? Reason, IReadOnlyList<string> Strings)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-termination";
}

public sealed record BmpPeerUpEvent(DateTimeOffset Time, BmpPeerId Peer, string BgpId, string LocalAddress, ushort LocalPort, ushort RemotePort, ushort HoldTime, bool FourOctetAs, string AddPath, string? TableName)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => "bmp-peer-up";
}

/// <summary>A peer went down; <see cref="WasKnown"/> is false for a Peer Down without an earlier Peer Up (FRR sends one before the first Peer Up).</summary>
public sealed record BmpPeerDownEvent(DateTimeOffset Time, BmpPeerId Peer, string Reason, int RoutesRemoved, bool WasKnown)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => "bmp-peer-down";
}

/// <summary>
/// The policy's max-prefix for a peer, through the admission engine: the warning count was
/// crossed (<see cref="Exceeded"/> false), or the maximum was exceeded — the router would tear
/// the session down, or with warning-only keeps it. Raised once per crossing.
/// </summary>
public sealed record BmpMaxPrefixEvent(DateTimeOffset Time, BmpPeerId Peer, bool Exceeded, long Used, long WarnAt, long Max, bool WarningOnly, string Prefix, string Rule, string View)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => Exceeded ? "bmp-max-prefix-exceeded" : "bmp-max-prefix-warning";
}

public enum ViolationKind : byte
{
    /// <summary>The peer's inbound prefix filter in the policy refuses the prefix.</summary>
    PrefixFilter,

    /// <summary>The prefix is (or is inside) a bogon or special-purpose prefix.</summary>
    Bogon,
}

/// <summary>An announcement the policy does not allow from this peer, with the AS path it came with.</summary>
public sealed record BmpViolationEvent(DateTimeOffset Time, BmpPeerId Peer, ViolationKind Violation, string Prefix, string AsPath, uint OriginAs, string Rule, string View)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => Violation == ViolationKind.Bogon ? "bmp-bogon-announced" : "bmp-prefix-filter-violation";
}

/// <summary>Which origin check an announcement failed.</summary>
public enum OriginCheck : byte
{
    /// <summary>RFC 6811: VRPs cover the prefix and none matches its origin AS and length.</summary>
    Rpki,

    /// <summary>The expected origins per prefix (the IRR-built sets) cover the prefix and do not list its origin AS.</summary>
    ExpectedOrigin,
}

/// <summary>
/// A possible hijack: an announcement whose origin the RPKI (or the expected origins) does not
/// authorize — the peer, the prefix, its origin AS (null when the path ends in an AS_SET: origin
/// NONE), the AS path as the peer sent it, and the covering entries (<see cref="Expected"/>, e.g.
/// "203.0.113.0/24-24 AS64500"). Held to the station's event budget per peer and check.
/// </summary>
public sealed record BmpOriginEvent(DateTimeOffset Time, BmpPeerId Peer, OriginCheck Check, string Prefix, uint? OriginAs, string AsPath, string Expected, string View)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => Check == OriginCheck.Rpki ? "bmp-rpki-invalid" : "bmp-unexpected-origin";
}

/// <summary>The station re-read an origin file (<see cref="Source"/>: "rpki" or "expected-origins"); on failure the previous data stays in force.</summary>
public sealed record BmpOriginDataReloadedEvent(DateTimeOffset Time, string Router, string Source, bool Success, int Entries, string Detail)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-origin-data-reloaded";
}

/// <summary>RFC 2439: a route's penalty went above the suppress limit, or decayed below reuse.</summary>
public sealed record BmpDampingEvent(DateTimeOffset Time, BmpPeerId Peer, string Prefix, bool Suppressed, double Penalty, int Flaps)
    : BmpEvent(Time, Peer.Router)
{
    public override string Kind => Suppressed ? "bmp-route-suppressed" : "bmp-route-reused";
}

/// <summary>
/// A malformed BMP message or BGP PDU inside an intact BMP stream: counted and skipped (or
/// applied as RFC 7606 says, <see cref="Action"/>), the session goes on.
/// </summary>
public sealed record BmpMalformedEvent(DateTimeOffset Time, string Router, long Session, BmpPeerId? Peer, string Message, string Error, string Action)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-malformed";
}

/// <summary>
/// Events over the per-reason budget of one window (<c>EventBurst</c> per <c>EventSummaryInterval</c>)
/// that were counted instead of sent: one summary per window per session (or for the station's
/// refused connections), so one misbehaving router never floods telemetry or the log.
/// </summary>
public sealed record BmpEventsSuppressedEvent(DateTimeOffset Time, string Router, long Session, TimeSpan Window, IReadOnlyDictionary<string, long> Suppressed)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-events-suppressed";
}

public sealed record BmpCertificatesReloadedEvent(DateTimeOffset Time, string Router, string Listener, bool Success, string Detail)
    : BmpEvent(Time, Router)
{
    public override string Kind => "bmp-certificates-reloaded";
}

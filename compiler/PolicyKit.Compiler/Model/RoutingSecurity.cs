using System.Collections.Immutable;
using System.Globalization;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// One RPKI-to-Router cache (RFC 8210) a router fetches validated ROA payloads from. Preference:
/// lower is preferred (RFC 8210 has none; every platform's own notion, 1–255). Refresh: how
/// often the router polls; null keeps the platform's default.
/// </summary>
public sealed record RpkiCache(IpPrefix Address, int Port, int Preference, TimeSpan? Refresh, SourceSpan Span)
{
    /// <summary>The RTR port IANA assigned (RFC 6810, 8210).</summary>
    public const int DefaultPort = 323;

    public const int DefaultPreference = 1;
}

/// <summary>The RTR caches of a device: where its origin validation gets its data.</summary>
public sealed record RpkiPolicy(ImmutableArray<RpkiCache> Caches, SourceSpan Span);

/// <summary>RFC 6811 origin validation states.</summary>
public enum RpkiState
{
    Valid,
    Invalid,
    NotFound,
}

public static class RpkiStateNames
{
    public static string Keyword(this RpkiState state) => state switch
    {
        RpkiState.Valid => "valid",
        RpkiState.Invalid => "invalid",
        _ => "not-found",
    };
}

/// <summary>
/// A standard community (RFC 1997), with the keyword it was written as when it is a well-known
/// one: no-export, no-advertise, blackhole (RFC 7999), graceful-shutdown (RFC 8326).
/// </summary>
public sealed record BgpCommunity(ushort Asn, ushort Value, string? WellKnownName)
{
    public static readonly BgpCommunity NoExport = new(65535, 65281, "no-export");
    public static readonly BgpCommunity NoAdvertise = new(65535, 65282, "no-advertise");
    public static readonly BgpCommunity Blackhole = new(65535, 666, "blackhole");
    public static readonly BgpCommunity GracefulShutdown = new(65535, 0, "graceful-shutdown");

    /// <summary>ASN:VALUE, the form every platform takes.</summary>
    public string Numeric => $"{Asn.ToString(CultureInfo.InvariantCulture)}:{Value.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => WellKnownName ?? Numeric;
}

/// <summary>
/// What a neighbor does with routes of one origin validation state: reject them, accept them
/// unchanged, or accept them marked (a local preference, a community, or both).
/// </summary>
public sealed record OriginAction(RpkiState State, bool Reject, int? LocalPreference, BgpCommunity? Community, SourceSpan Span)
{
    public bool Marks => LocalPreference is not null || Community is not null;
}

/// <summary>ASNs no route from a peer should carry: <c>bogon-asns</c> (every reserved range) or <c>private-asns</c> (RFC 6996 only).</summary>
public enum AsnClass
{
    Bogon,
    Private,
}

/// <summary>The ASN ranges of each class (inclusive), from the IANA registry.</summary>
public static class AsnRanges
{
    /// <summary>RFC 6996 private-use ASNs.</summary>
    public static readonly IReadOnlyList<(uint Low, uint High)> Private = [(64512, 65534), (4200000000, 4294967294)];

    /// <summary>
    /// Reserved, documentation, private and unallocated-by-IANA ASNs: 0 (RFC 7607), 23456
    /// (AS_TRANS, RFC 6793), 64496–64511 and 65536–65551 (documentation, RFC 5398), 64512–65534
    /// and 4200000000–4294967294 (private, RFC 6996), 65535 and 4294967295 (last, RFC 7300),
    /// 65552–131071 (IANA reserved).
    /// </summary>
    public static readonly IReadOnlyList<(uint Low, uint High)> Bogon =
        [(0, 0), (23456, 23456), (64496, 131071), (4200000000, 4294967295)];

    public static IReadOnlyList<(uint Low, uint High)> Of(AsnClass kind) => kind == AsnClass.Bogon ? Bogon : Private;

    public static string Keyword(this AsnClass kind) => kind == AsnClass.Bogon ? "bogon-asns" : "private-asns";
}

/// <summary>
/// The AS-path policy of a neighbor's inbound routes (RFC 7454 section 6.2): reject paths that
/// carry ASNs of the given classes, paths longer than <see cref="MaxLength"/> ASNs, and paths
/// whose first AS is not the peer's.
/// </summary>
public sealed record AsPathPolicy(
    ImmutableArray<AsnClass> Reject,
    SourceSpan? RejectSpan,
    int? MaxLength,
    SourceSpan? MaxLengthSpan,
    SourceSpan? FirstAsSpan)
{
    public bool FirstAsPeer => FirstAsSpan is not null;
}

/// <summary>
/// What a neighbor does to the communities of the routes of one direction: strip every community
/// (inbound: those the neighbor sent; outbound: ours), then add these. Inbound it applies to the
/// routes the neighbor's policy accepts, after the checks that read the neighbor's communities
/// (blackhole, graceful-shutdown).
/// </summary>
public sealed record CommunityPolicy(bool Strip, ImmutableArray<BgpCommunity> Add, ImmutableArray<SourceSpan> Spans);

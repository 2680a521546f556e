using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Monitoring;

/// <summary>Prefixes held in one view of a peer, per family (ADD-PATH paths of a prefix count once; <see cref="Routes"/> counts paths).</summary>
public sealed record BmpViewCounts(RibView View, int Ipv4Unicast, int Ipv6Unicast, int Ipv4Multicast, int Ipv6Multicast, int Routes)
{
    public int Prefixes => Ipv4Unicast + Ipv6Unicast + Ipv4Multicast + Ipv6Multicast;

    public string ViewName => RouterMonitor.ViewName(View);
}

/// <summary>
/// One monitored peer as telemetry publishes it (retained on <c>…/bmp/&lt;router&gt;/&lt;peer&gt;</c>):
/// state, prefixes per view, the analysed view (<see cref="AnalysisView"/>) with the policy's
/// max-prefix and the count on that view (<see cref="PolicyPrefixes"/>: the one figure every
/// topic uses), damping, violations and the router's own statistics reports.
/// <see cref="PeerUpSeen"/> is false for a peer known only from its routes (FRR's locally
/// originated routes, GoBGP's Loc-RIB, or routes before the Peer Up).
/// </summary>
public sealed record BmpPeerSnapshot(
    BmpPeerId Peer,
    string BgpId,
    bool Up,
    bool PeerUpSeen,
    bool Analyzed,
    string AnalysisView,
    DateTimeOffset? UpSince,
    string? LastDownReason,
    IReadOnlyList<BmpViewCounts> Views,
    int PolicyPrefixes,
    int MaxPrefix,
    int WarnAt,
    bool WarningOnly,
    bool Warning,
    bool Exceeded,
    long RefusedByMaxPrefix,
    int SuppressedRoutes,
    int FlappingRoutes,
    long Suppressions,
    IReadOnlyList<Flapper> TopFlappers,
    long BogonAnnouncements,
    long FilterViolations,
    string? LastViolation,
    long RouteMonitoringMessages,
    long Announcements,
    long Withdrawals,
    long EndOfRibMarkers,
    long TreatedAsWithdraw,
    long AttributesDiscarded,
    long UpdatesNotApplied,
    IReadOnlyDictionary<string, ulong> Statistics,
    long VendorStatistics,
    long StatisticsReports,
    DateTimeOffset? LastStatistics)
{
    /// <summary>Origin validation of the peer's announcements on the analysed view (RPKI and the expected origins).</summary>
    public BmpOriginCounts Origins { get; init; } = BmpOriginCounts.None;

    /// <summary>Prefixes in the view the analysis runs on (0 when the peer has none).</summary>
    public int Prefixes(RibView view) => Views.FirstOrDefault(v => v.View == view)?.Prefixes ?? 0;
}

/// <summary>One BMP session (one monitored router); <see cref="Router"/> is its identity (see <c>RouterMonitor.Router</c>).</summary>
public sealed record BmpSessionSnapshot(
    long Session,
    string Router,
    string Remote,
    string RemoteAddress,
    string Local,
    bool Tls,
    string? ClientSubject,
    string? SysName,
    string? SysDescr,
    DateTimeOffset Since,
    long Messages,
    long Bytes,
    IReadOnlyDictionary<string, long> MessagesByType,
    long MalformedMessages,
    IReadOnlyDictionary<string, long> MalformedByReason,
    long EventsSuppressed,
    long UnknownMessageTypes,
    long UnknownTlvs,
    long BgpErrors,
    int AttributeSets,
    long RibBytes,
    bool Terminated,
    IReadOnlyList<BmpPeerSnapshot> Peers);

/// <summary>One peer's max-prefix figure (<see cref="BmpPeerSnapshot.PolicyPrefixes"/>) with where it comes from: the router, the peer's name and the analysed view.</summary>
public sealed record BmpPrefixUse(Address Peer, int Used, string Router, string PeerName, string View);

/// <summary>
/// Origin validation of one peer's announcements in its analysed view, since the router's BMP session began (a Peer Down does not reset them):
/// announcements (a route arriving or changing its path) by RFC 6811 state while VRPs are loaded
/// (<see cref="Rpki"/>), and those whose origin the expected origins per prefix do not list while
/// those are loaded (<see cref="Expected"/>); <see cref="Last"/> describes the latest problem.
/// </summary>
public sealed record BmpOriginCounts(bool Rpki, long RpkiValid, long RpkiInvalid, long RpkiNotFound, bool Expected, long UnexpectedOrigins, string? Last)
{
    public static readonly BmpOriginCounts None = new(false, 0, 0, 0, false, 0, null);
}

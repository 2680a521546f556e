using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Rib;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Monitoring;

/// <summary>A monitored peer as the per-peer header identifies it (RFC 7854 §4.2).</summary>
internal readonly record struct PeerKey(BmpPeerType Type, ulong Distinguisher, Address Address);

/// <summary>
/// Everything the station holds about one monitored peer of one router: the OPENs of its Peer
/// Up (how to decode its UPDATEs), a RIB per view, the policy's count on the analysed view,
/// damping histories and counters. Owned by its <see cref="RouterMonitor"/> and touched only
/// under that monitor's lock.
/// </summary>
internal sealed class PeerState(PeerKey key, PerPeerHeader header)
{
    public readonly PeerKey Key = key;
    public PerPeerHeader Header = header;
    public BmpPeerId? Id;
    public bool Up;
    public bool PeerUpSeen;
    public DateTimeOffset? UpSince;
    public string? LastDownReason;
    public BgpOpen? SentOpen;
    public BgpOpen? ReceivedOpen;
    public AddPathFamilies AddPathIn;
    public AddPathFamilies AddPathOut;
    /// <summary>Both OPENs of the Peer Up offered extended messages (RFC 8654). Without a Peer Up nothing is known: lenient.</summary>
    public bool ExtendedMessage = true;
    public readonly ViewRib?[] Views = new ViewRib?[5];

    /// <summary>
    /// The router's own routes (FRR's all-zero header, whatever its view flags: FRR sends them in
    /// pre- and post-policy): tracked, never analysed against a neighbor's policy.
    /// </summary>
    public bool IsLocal => Key.Type != BmpPeerType.LocRib && Key.Distinguisher == 0 && Key.Address.Value == UInt128.Zero && Header.PeerAs == 0 && Header.BgpId == 0;

    /// <summary>The router sent post-policy routes for this peer (auto view selection prefers them).</summary>
    public bool SeenPostPolicy;

    /// <summary>The view the analysis runs on (null: none), as chosen for <see cref="ViewVersion"/>.</summary>
    public RibView? AnalysisView;
    public int ViewVersion = -1;

    /// <summary>The table's index of this peer (its max-prefix and filter), -1 when the policy does not name it; as of <see cref="PolicyVersion"/>.</summary>
    public int PolicyIndex = -1;
    public int PolicyVersion = -1;

    /// <summary>Distinct unicast prefixes held in the analysed view that the peer's filter permits (all of them without a filter): the one count max-prefix is judged on.</summary>
    public int Accepted;

    public DampingTracker? Damping;
    public bool Warned;
    public bool Exceeded;
    public long BogonAnnouncements;
    public long FilterViolations;
    public string? LastViolation;

    /// <summary>Announcements validated against the VRPs, by outcome, and found off the expected origins (see RouterMonitor.Origins.cs).</summary>
    public long RpkiValid;
    public long RpkiInvalid;
    public long RpkiNotFound;
    public long UnexpectedOrigins;
    public string? LastOriginProblem;

    public long RouteMonitoring;
    public long Announcements;
    public long Withdrawals;
    public long EndOfRib;
    public long TreatedAsWithdraw;
    public long AttributesDiscarded;
    public long UpdatesNotApplied;
    public readonly Dictionary<string, ulong> Statistics = new(StringComparer.Ordinal);
    public long VendorStatistics;
    public long StatisticsReports;
    public DateTimeOffset? LastStatistics;

    public bool AddPath(RibView view, RouteFamily family)
    {
        var mask = view is RibView.AdjRibOutPre or RibView.AdjRibOutPost ? AddPathOut : AddPathIn;
        return ((int)mask & (1 << (int)family)) != 0;
    }

    public UpdateContext Context(RibView view, bool fourOctet) =>
        new(fourOctet, view is RibView.AdjRibOutPre or RibView.AdjRibOutPost ? AddPathOut : AddPathIn, ExtendedMessage, Key.Type == BmpPeerType.LocRib);

    public ViewRib View(RibView view) => Views[(int)view] ??= new ViewRib();
}

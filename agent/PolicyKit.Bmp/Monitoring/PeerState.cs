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
/// Up (how to decode its UPDATEs), a RIB per view, damping histories and counters. Owned by its
/// <see cref="RouterMonitor"/> and touched only under that monitor's lock.
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

    /// <summary>Locally originated routes (FRR's all-zero header) and Loc-RIB are tracked, not analysed against a neighbor's policy.</summary>
    public bool Analyzable => Key.Type != BmpPeerType.LocRib && !Header.IsAllZero;

    /// <summary>Whether the bound table names this peer (its routes go through the engine), as of <see cref="NamedVersion"/>.</summary>
    public bool Named;
    public int NamedVersion = -1;

    /// <summary>Held prefixes the engine refused for max-prefix: offered again when a withdrawal frees a slot.</summary>
    public HashSet<RouteKey>? OverLimit;

    public DampingTracker? Damping;
    public bool Warned;
    public bool Exceeded;
    public long RefusedByMaxPrefix;
    public long BogonAnnouncements;
    public long FilterViolations;
    public string? LastViolation;

    public long RouteMonitoring;
    public long Announcements;
    public long Withdrawals;
    public long EndOfRib;
    public long TreatedAsWithdraw;
    public long AttributesDiscarded;
    public long UpdatesNotApplied;
    public readonly Dictionary<string, ulong> Statistics = new(StringComparer.Ordinal);
    public long VendorStatistics;

    public bool AddPath(RibView view, RouteFamily family)
    {
        var mask = view is RibView.AdjRibOutPre or RibView.AdjRibOutPost ? AddPathOut : AddPathIn;
        return ((int)mask & (1 << (int)family)) != 0;
    }

    public UpdateContext Context(RibView view, bool fourOctet) =>
        new(fourOctet, view is RibView.AdjRibOutPre or RibView.AdjRibOutPost ? AddPathOut : AddPathIn, ExtendedMessage);

    public ViewRib View(RibView view) => Views[(int)view] ??= new ViewRib();
}

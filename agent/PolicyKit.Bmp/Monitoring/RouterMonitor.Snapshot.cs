using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Monitoring;

public sealed partial class RouterMonitor
{
    /// <summary>The router and all its peers now (takes the monitor's lock: whole messages only).</summary>
    public BmpSessionSnapshot Snapshot()
    {
        lock (_gate)
        {
            _now = Math.Max(_now, Ticks());
            SyncTable();
            SyncOrigins();
            Sweep();
            Summarize();
            var damping = _damping;
            var peers = new List<BmpPeerSnapshot>(_peers.Count);
            long ribBytes = _attributes.Bytes;
            foreach (var peer in _peers.Values.OrderBy(p => p.Key.Type).ThenBy(p => p.Key.Distinguisher).ThenBy(p => p.Key.Address.Family).ThenBy(p => p.Key.Address.Value))
            {
                var views = new List<BmpViewCounts>();
                for (int v = 0; v < peer.Views.Length; v++)
                {
                    var rib = peer.Views[v];
                    if (rib is null) continue;
                    ribBytes += rib.Bytes;
                    views.Add(new BmpViewCounts((RibView)v, rib.Prefixes(RouteFamily.Ipv4Unicast), rib.Prefixes(RouteFamily.Ipv6Unicast),
                        rib.Prefixes(RouteFamily.Ipv4Multicast), rib.Prefixes(RouteFamily.Ipv6Multicast), rib.Routes));
                }
                var view = AnalysisView(peer);
                var policy = view is null ? null : Policy(peer);
                var flappers = damping is not null && peer.Damping is not null ? peer.Damping.Top(_options.TopFlappers, _now, damping) : [];
                peers.Add(new BmpPeerSnapshot(
                    PeerId(peer), Address.V4(peer.Header.BgpId).ToString(), peer.Up, peer.PeerUpSeen, view is not null, ViewName(view), peer.UpSince, peer.LastDownReason,
                    views, view is null ? 0 : policy is null ? peer.Accepted : Used(peer, policy),
                    policy?.MaxPrefix ?? -1, policy?.WarnCount ?? -1, policy?.Source.WarningOnly ?? false,
                    policy is not null && policy.WarnCount >= 0 && peer.Accepted > policy.WarnCount,
                    peer.Exceeded, policy is null ? 0 : Refused(peer, policy),
                    peer.Damping?.SuppressedCount ?? 0, peer.Damping?.Count ?? 0, peer.Damping?.Suppressions ?? 0, flappers,
                    peer.BogonAnnouncements, peer.FilterViolations, peer.LastViolation,
                    peer.RouteMonitoring, peer.Announcements, peer.Withdrawals, peer.EndOfRib, peer.TreatedAsWithdraw, peer.AttributesDiscarded,
                    peer.UpdatesNotApplied, new Dictionary<string, ulong>(peer.Statistics, StringComparer.Ordinal), peer.VendorStatistics,
                    peer.StatisticsReports, peer.LastStatistics)
                {
                    Origins = new BmpOriginCounts(_rpki is not null, peer.RpkiValid, peer.RpkiInvalid, peer.RpkiNotFound,
                        _expectedOrigins is not null, peer.UnexpectedOrigins, peer.LastOriginProblem),
                });
            }
            var byType = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int t = 0; t < _byType.Length - 1; t++)
            {
                if (_byType[t] > 0) byType[TypeName((BmpMessageType)t)] = _byType[t];
            }
            return new BmpSessionSnapshot(Session, Router, Remote, RemoteAddress, Local, Tls, ClientSubject, SysName, SysDescr, Since, Messages, Bytes, byType,
                _malformed, new Dictionary<string, long>(_malformedByReason, StringComparer.Ordinal), _limiter.Suppressed,
                _unknownTypes, _unknownTlvs, _bgpErrors, _attributes.Count, ribBytes, Terminated, peers);
        }
    }

    /// <summary>
    /// The max-prefix figure of every analysed peer the policy names, as the snapshot has it but
    /// without building one (telemetry's limits read it at every refresh).
    /// </summary>
    public void CollectPrefixUse(List<BmpPrefixUse> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            SyncTable();
            foreach (var peer in _peers.Values)
            {
                if (AnalysisView(peer) is not { } view || Policy(peer) is not { } policy) continue;
                into.Add(new BmpPrefixUse(peer.Key.Address, Used(peer, policy), Router, PeerId(peer).Name, ViewName(view)));
            }
        }
    }
}

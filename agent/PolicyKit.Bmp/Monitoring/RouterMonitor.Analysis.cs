using System.Globalization;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Monitoring;

/// <summary>
/// The policy analysis of each monitored peer, on one view of its routes:
/// <list type="bullet">
/// <item><b>View</b>: <see cref="BmpStationOptions.View"/> or an override for the router or peer.
/// Auto: a real peer's post-policy Adj-RIB-In once the router sends it (what the router kept),
/// else its pre-policy Adj-RIB-In; the Loc-RIB instance on Loc-RIB. Moving to another view
/// re-counts from that view's RIB.</item>
/// <item><b>Count</b>: distinct unicast prefixes held in the analysed view that the peer's
/// inbound filter permits — kept exactly as routes come and go, re-counted on a table reload. It is
/// the only count: max-prefix, the warning, and every figure telemetry publishes come from it.</item>
/// <item><b>Max-prefix</b> (the table's <c>neighbor … maximum-prefix N [warn] [warning-only]</c>):
/// the used figure is the count capped at N (the router would refuse the rest; warning-only peers
/// are not capped); warning and exceeded events fire once per crossing and re-arm when the count
/// falls back.</item>
/// <item><b>Violations</b>: a newly held prefix the filter refuses, or inside the bogon list.</item>
/// <item><b>Damping</b> (RFC 2439) on the analysed view.</item>
/// </list>
/// The policy is read through the compiled table's public API (peer lookup, compiled prefix
/// filters, rule rendering); the RIB holds the prefixes, so nothing is stored twice.
/// </summary>
public sealed partial class RouterMonitor
{
    private CompiledTable _bound;
    private int _tableVersion;
    private DampingParameters? _damping;

    /// <summary>The view this peer is analysed on now (null: not analysed), re-chosen when its inputs change.</summary>
    private RibView? AnalysisView(PeerState peer)
    {
        if (peer.ViewVersion == _tableVersion) return peer.AnalysisView;
        var view = ChooseView(peer);
        peer.ViewVersion = _tableVersion;
        if (view != peer.AnalysisView)
        {
            peer.AnalysisView = view;
            Recount(peer, announce: true);
        }
        return view;
    }

    private RibView? ChooseView(PeerState peer)
    {
        if (peer.IsLocal) return null; // the router's own routes are not a neighbor's announcements
        var choice = _options.ViewFor([Router, SysName ?? string.Empty, RemoteAddress], PeerId(peer).Name);
        if (peer.Key.Type == BmpPeerType.LocRib) return choice is BmpViewChoice.Auto or BmpViewChoice.LocRib ? RibView.LocRib : null;
        return choice switch
        {
            BmpViewChoice.Auto => peer.SeenPostPolicy ? RibView.AdjRibInPost : RibView.AdjRibInPre,
            BmpViewChoice.PrePolicy => RibView.AdjRibInPre,
            BmpViewChoice.PostPolicy => RibView.AdjRibInPost,
            _ => null,
        };
    }

    /// <summary>The peer's entry in the bound table (max-prefix, filter), or null when the policy does not name it.</summary>
    private CompiledBgpPeer? Policy(PeerState peer)
    {
        if (peer.PolicyVersion != _tableVersion)
        {
            peer.PolicyIndex = peer.Key.Type == BmpPeerType.LocRib || peer.IsLocal ? -1 : _bound.FindBgpPeer(peer.Key.Address);
            peer.PolicyVersion = _tableVersion;
        }
        return peer.PolicyIndex >= 0 ? _bound.BgpPeers[peer.PolicyIndex] : null;
    }

    /// <summary>A prefix newly held in the analysed view: bogon and filter checks, then counted if the filter permits it.</summary>
    private void Count(PeerState peer, in RoutePrefix p, ref string? asPath)
    {
        var bogon = _options.Bogons.Match(p);
        var policy = Policy(peer);
        RuleRef refusedBy = RuleRef.None;
        bool filtered = policy?.FilterIn is { } filter && !filter.Permits(p.Network, p.Length, out refusedBy);
        if (bogon is not null || filtered)
        {
            if (bogon is not null) peer.BogonAnnouncements++;
            if (filtered) peer.FilterViolations++;
            Violation(peer, p, bogon, filtered ? refusedBy : null, ref asPath);
            if (filtered) return;
        }
        peer.Accepted++;
        if (policy is not null) CheckLimit(peer, policy, p);
    }

    /// <summary>A prefix no longer held in the analysed view (its last path withdrawn).</summary>
    private void Uncount(PeerState peer, in RoutePrefix p)
    {
        var policy = Policy(peer);
        if (policy?.FilterIn is { } filter && !filter.Permits(p.Network, p.Length, out _)) return; // never counted
        peer.Accepted--;
        if (policy is not null) Rearm(peer, policy);
    }

    /// <summary>The max-prefix figure: the count, capped at the maximum unless the peer is warning-only (the router would refuse the rest).</summary>
    private static int Used(PeerState peer, CompiledBgpPeer policy) =>
        policy.MaxPrefix >= 0 && !policy.Source.WarningOnly ? Math.Min(peer.Accepted, policy.MaxPrefix) : peer.Accepted;

    /// <summary>Held prefixes above the maximum that the router would refuse (0 for warning-only peers, which take them).</summary>
    private static int Refused(PeerState peer, CompiledBgpPeer policy) =>
        policy.MaxPrefix >= 0 && !policy.Source.WarningOnly ? Math.Max(0, peer.Accepted - policy.MaxPrefix) : 0;

    /// <summary>After the count grew: the warning, then the maximum, each reported once per crossing.</summary>
    private void CheckLimit(PeerState peer, CompiledBgpPeer policy, RoutePrefix? prefix)
    {
        if (policy.WarnCount >= 0 && peer.Accepted > policy.WarnCount && !peer.Warned)
        {
            peer.Warned = true;
            MaxPrefixEvent(peer, policy, exceeded: false, prefix);
        }
        if (policy.MaxPrefix >= 0 && peer.Accepted > policy.MaxPrefix && !peer.Exceeded)
        {
            peer.Exceeded = true;
            MaxPrefixEvent(peer, policy, exceeded: true, prefix);
        }
    }

    /// <summary>After the count fell: a count back at or below the warning count (or the maximum) re-arms that event.</summary>
    private static void Rearm(PeerState peer, CompiledBgpPeer policy)
    {
        if (policy.MaxPrefix < 0 || peer.Accepted <= policy.MaxPrefix) peer.Exceeded = false;
        if (policy.WarnCount < 0 || peer.Accepted <= policy.WarnCount) peer.Warned = false;
    }

    /// <summary>
    /// Counts the analysed view from scratch (the view changed, or the table did). Damping histories
    /// belong to a view and start over; limit events fire if the new count crosses what the old did not.
    /// </summary>
    private void Recount(PeerState peer, bool announce)
    {
        peer.Accepted = 0;
        peer.Damping = null;
        var policy = Policy(peer);
        if (peer.AnalysisView is { } view && peer.Views[(int)view] is { } rib)
        {
            var filter = policy?.FilterIn;
            foreach (var p in rib.DistinctPrefixes())
            {
                if (p.Family.IsUnicast() && (filter is null || filter.Permits(p.Network, p.Length, out _))) peer.Accepted++;
            }
        }
        if (policy is null)
        {
            peer.Warned = peer.Exceeded = false;
            return;
        }
        Rearm(peer, policy);
        if (announce) CheckLimit(peer, policy, null);
        else
        {
            peer.Warned = policy.WarnCount >= 0 && peer.Accepted > policy.WarnCount;
            peer.Exceeded = policy.MaxPrefix >= 0 && peer.Accepted > policy.MaxPrefix;
        }
    }

    /// <summary>A new table was published: every analysed peer is re-counted under it (its filter and limits may have changed).</summary>
    private void SyncTable()
    {
        var table = Volatile.Read(ref _published);
        if (ReferenceEquals(table, _bound)) return;
        _bound = table;
        _damping = DampingParameters.From(table.Source.Damping);
        _tableVersion++;
        foreach (var peer in _peers.Values)
        {
            var before = peer.AnalysisView;
            if (AnalysisView(peer) == before && before is not null) Recount(peer, announce: true);
        }
    }

    private void Violation(PeerState peer, in RoutePrefix p, RoutePrefix? bogon, RuleRef? filter, ref string? asPath)
    {
        asPath ??= DisplayPath(peer, _decoder.AsPathText);
        string rule = bogon is { } b ? "bogon " + b.PrefixText : string.Empty;
        if (filter is { } f) rule = rule.Length == 0 ? _bound.Render(f) : rule + "; " + _bound.Render(f);
        peer.LastViolation = $"{p.PrefixText} as-path [{asPath}] {rule}";
        var kind = bogon is not null ? ViolationKind.Bogon : ViolationKind.PrefixFilter;
        if (!MayReport((kind == ViolationKind.Bogon ? "bogon " : "prefix-filter ") + PeerId(peer).Name)) return;
        uint origin = AsPath.OriginAs(_decoder.AsPath, _decoder.FourOctetAs ? 4 : 2);
        _sink.Publish(new BmpViolationEvent(_time.GetUtcNow(), PeerId(peer), kind, p.PrefixText, asPath, origin, rule, ViewName(peer.AnalysisView)));
    }

    /// <summary>
    /// The AS path as the peer sent it. FRR 8.4 encodes BMP route monitoring (pre- and
    /// post-policy) as if sending to the peer, with the monitored router's own AS prepended; a
    /// path an eBGP peer really sent never starts with the receiver's AS (loop prevention), so
    /// that leading AS is dropped from what events report.
    /// </summary>
    private static string DisplayPath(PeerState peer, string path)
    {
        if (peer.SentOpen is not { } sent || sent.As == 0 || sent.As == peer.Header.PeerAs) return path;
        string local = sent.As.ToString(CultureInfo.InvariantCulture);
        if (path == local) return string.Empty;
        return path.StartsWith(local + " ", StringComparison.Ordinal) ? path[(local.Length + 1)..] : path;
    }

    private void MaxPrefixEvent(PeerState peer, CompiledBgpPeer policy, bool exceeded, RoutePrefix? prefix)
    {
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        var limit = new RuleRef(RuleKind.MaxPrefix, policy.Index, -1);
        _sink.Publish(new BmpMaxPrefixEvent(_time.GetUtcNow(), PeerId(peer), exceeded, Used(peer, policy), policy.WarnCount, policy.MaxPrefix,
            policy.Source.WarningOnly, prefix?.PrefixText ?? string.Empty, _bound.Render(limit), ViewName(peer.AnalysisView)));
    }

    private void DampingEvent(PeerState peer, in RoutePrefix p, bool suppressed, DampingParameters parameters)
    {
        if (!MayReport("damping " + PeerId(peer).Name)) return;
        var state = peer.Damping!.State(p, _now, parameters);
        _sink.Publish(new BmpDampingEvent(_time.GetUtcNow(), PeerId(peer), p.ToString(), suppressed, state?.Penalty ?? 0, state?.Flaps ?? 0));
    }

    /// <summary>Decays damping histories, reports routes released from suppression, forgets quiet ones.</summary>
    private void Sweep()
    {
        _lastSweep = _now;
        var parameters = _damping;
        var reused = new List<RoutePrefix>();
        foreach (var peer in _peers.Values)
        {
            if (peer.Damping is null || peer.Damping.Count == 0) continue;
            if (parameters is null)
            {
                peer.Damping.Clear();
                continue;
            }
            reused.Clear();
            peer.Damping.Sweep(_now, parameters, reused);
            foreach (var p in reused)
            {
                if (MayReport("damping " + PeerId(peer).Name)) _sink.Publish(new BmpDampingEvent(_time.GetUtcNow(), PeerId(peer), p.ToString(), false, 0, 0));
            }
        }
    }

    /// <summary>The name telemetry gives a view ("pre-policy", "post-policy", "loc-rib", …; "none" when a peer is not analysed).</summary>
    public static string ViewName(RibView? view) => view switch
    {
        RibView.AdjRibInPre => "pre-policy",
        RibView.AdjRibInPost => "post-policy",
        RibView.AdjRibOutPre => "adj-rib-out-pre",
        RibView.AdjRibOutPost => "adj-rib-out-post",
        RibView.LocRib => "loc-rib",
        _ => "none",
    };
}

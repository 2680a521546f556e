using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXe;

/// <summary>
/// A neighbor's inbound route policy beyond its prefix-list on IOS-XE: AS-path checks (numbered
/// <c>ip as-path access-list</c>s matched by route-map entries) and RPKI origin validation: the RTR caches are <c>bgp rpki server tcp</c> lines under
/// router bgp, and each neighbor with origin actions gets an inbound route-map matching
/// <c>rpki invalid|not-found|valid</c> beside its prefix-list. IOS-XE by default keeps
/// RPKI-invalid paths out of best-path selection on its own; <c>bgp bestpath prefix-validate
/// allow-invalid</c> turns that off so that each neighbor does exactly what the policy says
/// (reject, mark or accept), the same on every platform.
/// </summary>
internal static class IosXeInboundPolicy
{
    /// <summary>Under router bgp: the caches (preference is not written: IOS-XE has none, MP4001), then the best-path setting.</summary>
    public static void WriteServers(DeviceEmission e, ConfigWriter w)
    {
        if (e.Device.Rpki is not { } rpki) return;
        foreach (var cache in rpki.Caches)
        {
            string refresh = cache.Refresh is { } r ? $" refresh {(long)r.TotalSeconds}" : "";
            w.Line($"bgp rpki server tcp {cache.Address.NetworkAddress} port {cache.Port}{refresh}");
        }
        w.Line("bgp bestpath prefix-validate allow-invalid");
        e.Emitted("rpki cache");
    }

    /// <summary>
    /// In the neighbor's address family: the route-map of its AS-path and origin checks; with
    /// <c>ebgp-default reject</c>, a deny-all route-map on each eBGP direction without a policy
    /// (IOS-XE would exchange everything there: it does not follow RFC 8212 on its own).
    /// </summary>
    public static void WriteNeighborPolicy(ConfigWriter w, BgpPolicy bgp, BgpNeighbor n)
    {
        string a = n.Address.NetworkAddress.ToString();
        if (FrrInboundPolicy.RouteMapName(n, withFirstAs: true) is { } name) w.Line($"neighbor {a} route-map {name} in");
        if (FrrInboundPolicy.OutboundRouteMapName(bgp, n) is { } outbound) w.Line($"neighbor {a} route-map {outbound} out");
        if (!bgp.EbgpRejectsUnfiltered || !bgp.IsEbgp(n)) return;
        if (!BgpPolicy.HasInboundPolicy(n)) w.Line($"neighbor {a} route-map {RejectAll} in");
        if (n.PrefixFilterOut is null) w.Line($"neighbor {a} route-map {RejectAll} out");
    }

    private const string RejectAll = "PK-REJECT-ALL";

    /// <summary>
    /// After router bgp: the numbered AS-path lists the neighbors use, then one route-map per
    /// neighbor with AS-path checks or origin actions — the AS-path denials; the first-AS check
    /// (a permit of paths starting with the peer's AS that continues to the next entries, then a
    /// deny of the rest: IOS's own <c>bgp enforce-first-as</c> is router-wide); an entry per
    /// validation state; a permit for the rest.
    /// </summary>
    public static void WriteRouteMaps(DeviceEmission e, ConfigWriter w, BgpPolicy bgp)
    {
        if (bgp.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
        if (bgp.EbgpRejectsUnfiltered && bgp.Neighbors.Any(n => bgp.IsEbgp(n) && (!BgpPolicy.HasInboundPolicy(n) || n.PrefixFilterOut is null)))
        {
            w.Line($"route-map {RejectAll} deny 10");
            w.Line("!");
        }
        var lists = new Dictionary<string, int>(StringComparer.Ordinal);
        int ListFor(string regex)
        {
            if (!lists.TryGetValue(regex, out int number))
            {
                number = lists[regex] = lists.Count + 1;
                w.Line($"ip as-path access-list {number} permit {regex}");
            }
            return number;
        }
        foreach (var n in bgp.Neighbors)
        {
            foreach (var (_, regex, _) in FrrInboundPolicy.AsPathDenials(n)) ListFor(regex);
            if (n.AsPath is { FirstAsPeer: true }) ListFor(AsPathRegex.FirstAs(n.RemoteAs));
        }
        if (lists.Count > 0) w.Line("!");
        var communities = bgp.Neighbors.SelectMany(FrrInboundPolicy.WellKnownChecks).Distinct().ToList();
        foreach (var community in communities) w.Line($"ip community-list standard {FrrInboundPolicy.CommunityListName(community)} permit {community.Numeric}");
        if (communities.Count > 0) w.Line("!");
        foreach (var n in bgp.Neighbors)
        {
            if (FrrInboundPolicy.RouteMapName(n, withFirstAs: true) is not { } name) continue;
            int sequence = 10;
            foreach (var (_, regex, construct) in FrrInboundPolicy.AsPathDenials(n))
            {
                w.Line($"route-map {name} deny {sequence}");
                using (w.Indent()) w.Line($"match as-path {ListFor(regex)}");
                e.Emitted(construct);
                sequence += 10;
            }
            if (n.BlackholeRejectSpan is not null)
            {
                w.Line($"route-map {name} deny {sequence}");
                using (w.Indent()) w.Line($"match community {FrrInboundPolicy.CommunityListName(BgpCommunity.Blackhole)}");
                e.Emitted("bgp blackhole reject");
                sequence += 10;
            }
            if (n.AsPath is { FirstAsPeer: true })
            {
                w.Line($"route-map {name} permit {sequence}");
                using (w.Indent())
                {
                    w.Line($"match as-path {ListFor(AsPathRegex.FirstAs(n.RemoteAs))}");
                    // On to the origin checks, or to the final permit when there are none.
                    bool more = !n.OriginActions.IsDefaultOrEmpty || n.GracefulShutdownSpan is not null;
                    w.Line($"continue {(more ? sequence + 10 : Math.Max(100, sequence + 10))}");
                }
                w.Line($"route-map {name} deny {sequence + 5}");
                e.Emitted("bgp as-path first-as");
                sequence += 10;
            }
            foreach (var action in FrrInboundPolicy.OriginOrder(n))
            {
                w.Line($"route-map {name} {(action.Reject ? "deny" : "permit")} {sequence}");
                using (w.Indent())
                {
                    w.Line($"match rpki {action.State.Keyword()}");
                    if (action.LocalPreference is { } preference) w.Line($"set local-preference {preference}");
                    if (!action.Reject && FrrInboundPolicy.CommunitySet(n.CommunitiesIn, action.Community) is { } set) w.Line(set);
                    // A graceful-shutdown entry follows: a marked route goes on to it.
                    if (!action.Reject && n.GracefulShutdownSpan is not null) w.Line($"continue {sequence + 10}");
                }
                sequence += 10;
            }
            if (n.GracefulShutdownSpan is not null)
            {
                // RFC 8326; last, so it wins over the origin marks.
                w.Line($"route-map {name} permit {sequence}");
                using (w.Indent())
                {
                    w.Line($"match community {FrrInboundPolicy.CommunityListName(BgpCommunity.GracefulShutdown)}");
                    w.Line("set local-preference 0");
                    if (FrrInboundPolicy.CommunitySet(n.CommunitiesIn, null) is { } set) w.Line(set);
                }
                e.Emitted("bgp graceful-shutdown honor");
                sequence += 10;
            }
            w.Line($"route-map {name} permit {Math.Max(100, sequence)}");
            if (FrrInboundPolicy.CommunitySet(n.CommunitiesIn, null) is { } final)
            {
                using (w.Indent()) w.Line(final);
                e.Emitted("bgp community in");
            }
            w.Line("!");
            if (!n.OriginActions.IsDefaultOrEmpty) e.Emitted("bgp origin validation");
        }
        foreach (var n in bgp.Neighbors)
        {
            if (n.CommunitiesOut is null) continue;
            // A direction that sends nothing (PK-REJECT-ALL) has nothing to tag.
            e.Emitted("bgp community out");
            if (FrrInboundPolicy.OutboundRouteMapName(bgp, n) is not { } name) continue;
            w.Line($"route-map {name} permit 10");
            if (FrrInboundPolicy.CommunitySet(n.CommunitiesOut, null) is { } set)
            {
                using (w.Indent()) w.Line(set);
            }
            w.Line("!");
        }
    }
}

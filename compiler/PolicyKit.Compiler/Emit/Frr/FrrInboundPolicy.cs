using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// A neighbor's inbound route policy beyond its prefix filter on FRR 8.4: AS-path checks and RPKI
/// origin validation. AS paths carrying bogon or private ASNs, or longer than the policy allows,
/// are denied by <c>bgp as-path access-list</c> entries first in the neighbor's route-map; the
/// first AS is checked by <c>neighbor A enforce-first-as</c>. Origin validation: bgpd's rpki module (Debian's frr-rpki-rtrlib, bgpd started
/// with <c>-M rpki</c>) reads the RTR caches of the <c>rpki</c> block; each neighbor with origin
/// actions gets an inbound route-map that matches <c>rpki invalid|notfound|valid</c>. The
/// route-map stands beside the neighbor's prefix-list (FRR applies the prefix-list first), and
/// the neighbor keeps its Adj-RIB-In (soft-reconfiguration inbound) so that when the cache's
/// data changes bgpd re-validates the routes it holds instead of waiting for the peer to resend.
/// </summary>
internal static class FrrInboundPolicy
{
    /// <summary>The rpki block: the caches with their preference, and one polling period (FRR has one for all caches: the shortest asked).</summary>
    public static void WriteCaches(DeviceEmission e, ConfigWriter w)
    {
        if (e.Device.Rpki is not { } rpki) return;
        w.Line("rpki");
        using (w.Indent())
        {
            var refresh = rpki.Caches.Where(c => c.Refresh is not null).Select(c => c.Refresh!.Value).DefaultIfEmpty().Min();
            if (refresh > TimeSpan.Zero)
            {
                if (rpki.Caches.Select(c => c.Refresh).Distinct().Count() > 1) w.Comment("FRR polls every cache at one period: the shortest refresh the policy asks");
                w.Line($"rpki polling_period {FrrSyntax.Number((long)Math.Max(1, refresh.TotalSeconds))}");
            }
            foreach (var cache in rpki.Caches)
            {
                w.Line($"rpki cache {FrrSyntax.Address(cache.Address)} {FrrSyntax.Number(cache.Port)} preference {FrrSyntax.Number(cache.Preference)}");
            }
        }
        w.Line("exit");
        w.Line("!");
        e.Emitted("rpki cache");
    }

    /// <summary>The inbound route-map (route-policy, policy-statement) of a neighbor with AS-path checks or origin actions; null when it has neither.</summary>
    /// <paramref name="withFirstAs"/>: whether the platform checks the first AS in that policy too (rather than with a neighbor knob).
    public static string? RouteMapName(BgpNeighbor n, bool withFirstAs = false) =>
        n.OriginActions.IsDefaultOrEmpty && AsPathDenials(n).Count == 0 && n.BlackholeRejectSpan is null && n.GracefulShutdownSpan is null &&
        n.CommunitiesIn is null && !(withFirstAs && n.AsPath is { FirstAsPeer: true })
            ? null
            : "PK-IN-" + FrrSyntax.Address(n.Address).Replace('.', '-').Replace(':', '-');

    /// <summary>The AS paths a neighbor's routes are denied for, each as a named list and its regular expression, with its construct.</summary>
    public static List<(string Name, string Regex, string Construct)> AsPathDenials(BgpNeighbor n)
    {
        var denials = new List<(string, string, string)>();
        if (n.AsPath is not { } path) return denials;
        foreach (var kind in path.Reject) denials.Add(($"PK-ASPATH-{kind.Keyword().ToUpperInvariant()}", AsPathRegex.Carrying(kind), "bgp as-path reject"));
        if (path.MaxLength is { } max) denials.Add(($"PK-ASPATH-LONGER-THAN-{max}", AsPathRegex.LongerThan(max), "bgp as-path max-length"));
        return denials;
    }

    /// <summary>
    /// The AS-path lists the neighbors use (each once), then one route-map per neighbor with
    /// AS-path checks or origin actions: the AS-path denials, an entry per validation state it
    /// names, then a permit for the rest.
    /// </summary>
    public static void WriteRouteMaps(DeviceEmission e, ConfigWriter w, BgpPolicy bgp)
    {
        foreach (var (list, regex, _) in bgp.Neighbors.SelectMany(AsPathDenials).DistinctBy(d => d.Name))
        {
            w.Line($"bgp as-path access-list {list} permit {regex}");
            w.Line("!");
        }
        foreach (var community in bgp.Neighbors.SelectMany(WellKnownChecks).Distinct())
        {
            w.Line($"bgp community-list standard {CommunityListName(community)} permit {community.Numeric}");
            w.Line("!");
        }
        foreach (var n in bgp.Neighbors)
        {
            if (RouteMapName(n) is not { } name) continue;
            int sequence = 10;
            foreach (var (list, _, construct) in AsPathDenials(n))
            {
                w.Line($"route-map {name} deny {FrrSyntax.Number(sequence)}");
                using (w.Indent()) w.Line($"match as-path {list}");
                w.Line("exit");
                w.Line("!");
                e.Emitted(construct);
                sequence += 10;
            }
            if (n.BlackholeRejectSpan is not null)
            {
                // RFC 7999: this peer may not ask us to discard traffic.
                w.Line($"route-map {name} deny {FrrSyntax.Number(sequence)}");
                using (w.Indent()) w.Line($"match community {CommunityListName(BgpCommunity.Blackhole)}");
                w.Line("exit");
                w.Line("!");
                e.Emitted("bgp blackhole reject");
                sequence += 10;
            }
            foreach (var action in OriginOrder(n))
            {
                w.Line($"route-map {name} {(action.Reject ? "deny" : "permit")} {FrrSyntax.Number(sequence)}");
                using (w.Indent())
                {
                    w.Line($"match rpki {Keyword(action.State)}");
                    if (action.LocalPreference is { } preference) w.Line($"set local-preference {FrrSyntax.Number(preference)}");
                    if (!action.Reject && CommunitySet(n.CommunitiesIn, action.Community) is { } set) w.Line(set);
                    // A graceful-shutdown entry follows: a marked route goes on to it.
                    if (!action.Reject && n.GracefulShutdownSpan is not null) w.Line("on-match next");
                }
                w.Line("exit");
                w.Line("!");
                sequence += 10;
            }
            if (n.GracefulShutdownSpan is not null)
            {
                // RFC 8326: the peer is about to go down; prefer any other path. Last, so it wins over the origin marks.
                w.Line($"route-map {name} permit {FrrSyntax.Number(sequence)}");
                using (w.Indent())
                {
                    w.Line($"match community {CommunityListName(BgpCommunity.GracefulShutdown)}");
                    w.Line("set local-preference 0");
                    if (CommunitySet(n.CommunitiesIn, null) is { } set) w.Line(set);
                }
                w.Line("exit");
                w.Line("!");
                e.Emitted("bgp graceful-shutdown honor");
                sequence += 10;
            }
            // Routes of the states the policy does not name pass unchanged (but for their communities).
            w.Line($"route-map {name} permit {FrrSyntax.Number(Math.Max(100, sequence))}");
            if (CommunitySet(n.CommunitiesIn, null) is { } final)
            {
                using (w.Indent()) w.Line(final);
                e.Emitted("bgp community in");
            }
            w.Line("exit");
            w.Line("!");
            if (!n.OriginActions.IsDefaultOrEmpty) e.Emitted("bgp origin validation");
        }
        foreach (var n in bgp.Neighbors)
        {
            if (n.CommunitiesOut is null) continue;
            // A direction that sends nothing has nothing to tag: written as it is, by sending nothing.
            e.Emitted("bgp community out");
            if (OutboundRouteMapName(bgp, n) is not { } name) continue;
            w.Line($"route-map {name} permit 10");
            if (CommunitySet(n.CommunitiesOut, null) is { } set)
            {
                using (w.Indent()) w.Line(set);
            }
            w.Line("exit");
            w.Line("!");
        }
    }

    /// <summary>
    /// The <c>set community</c> of a route-map entry (FRR and IOS-XE write it alike) that accepts a
    /// route: with <c>strip</c>, the communities become exactly what the policy adds (<c>none</c>
    /// when it adds nothing); without, what it adds is added. <paramref name="mark"/> is the
    /// entry's own origin-validation mark (never together with strip: MP2059). Null: nothing to set.
    /// </summary>
    public static string? CommunitySet(CommunityPolicy? policy, BgpCommunity? mark)
    {
        var add = new List<BgpCommunity>();
        if (mark is not null) add.Add(mark);
        if (policy is not null) add.AddRange(policy.Add.Where(c => c != mark));
        string list = string.Join(' ', add.Select(c => c.Numeric));
        if (policy is { Strip: true }) return add.Count == 0 ? "set community none" : $"set community {list}";
        return add.Count == 0 ? null : $"set community {list} additive";
    }

    /// <summary>
    /// The outbound route-map of a neighbor whose sent routes' communities the policy changes; null
    /// when it changes none, or when the direction sends nothing (an eBGP direction without a
    /// prefix filter under <c>ebgp-default reject</c>: a route-map there would make it send).
    /// </summary>
    public static string? OutboundRouteMapName(BgpPolicy bgp, BgpNeighbor n) =>
        n.CommunitiesOut is null || (n.PrefixFilterOut is null && bgp.EbgpRejectsUnfiltered && bgp.IsEbgp(n))
            ? null
            : "PK-OUT-" + FrrSyntax.Address(n.Address).Replace('.', '-').Replace(':', '-');

    /// <summary>The well-known communities a neighbor's policy looks for (BLACKHOLE, GRACEFUL_SHUTDOWN).</summary>
    public static IEnumerable<BgpCommunity> WellKnownChecks(BgpNeighbor n)
    {
        if (n.BlackholeRejectSpan is not null) yield return BgpCommunity.Blackhole;
        if (n.GracefulShutdownSpan is not null) yield return BgpCommunity.GracefulShutdown;
    }

    /// <summary>The name of a community list (or Junos community) holding one well-known community.</summary>
    public static string CommunityListName(BgpCommunity community) =>
        "PK-COMMUNITY-" + (community.WellKnownName?.ToUpperInvariant() ?? community.Numeric.Replace(':', '-'));

    /// <summary>At the neighbor (router bgp level): the first AS of its paths must be its own.</summary>
    public static void WriteNeighborSession(DeviceEmission e, ConfigWriter w, BgpNeighbor n)
    {
        if (n.AsPath is not { FirstAsPeer: true }) return;
        w.Line($"neighbor {FrrSyntax.Address(n.Address)} enforce-first-as");
        e.Emitted("bgp as-path first-as");
    }

    /// <summary>In the neighbor's address family: keep Adj-RIB-In for re-validation (with origin actions), apply the route-map.</summary>
    public static void WriteNeighborPolicy(ConfigWriter w, BgpPolicy bgp, BgpNeighbor n)
    {
        string a = FrrSyntax.Address(n.Address);
        if (OutboundRouteMapName(bgp, n) is { } outbound) w.Line($"neighbor {a} route-map {outbound} out");
        if (RouteMapName(n) is not { } name) return;
        if (!n.OriginActions.IsDefaultOrEmpty) w.Line($"neighbor {a} soft-reconfiguration inbound");
        w.Line($"neighbor {a} route-map {name} in");
    }

    /// <summary>The actions in a fixed order (invalid, not-found, valid), so the output does not depend on how the policy orders them.</summary>
    public static IEnumerable<OriginAction> OriginOrder(BgpNeighbor n) =>
        new[] { RpkiState.Invalid, RpkiState.NotFound, RpkiState.Valid }.Select(n.OriginActionFor).OfType<OriginAction>();

    private static string Keyword(RpkiState state) => state switch
    {
        RpkiState.Valid => "valid",
        RpkiState.Invalid => "invalid",
        _ => "notfound",
    };
}

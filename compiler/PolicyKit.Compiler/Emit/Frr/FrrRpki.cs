using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// RPKI origin validation on FRR 8.4: bgpd's rpki module (Debian's frr-rpki-rtrlib, bgpd started
/// with <c>-M rpki</c>) reads the RTR caches of the <c>rpki</c> block; each neighbor with origin
/// actions gets an inbound route-map that matches <c>rpki invalid|notfound|valid</c>. The
/// route-map stands beside the neighbor's prefix-list (FRR applies the prefix-list first), and
/// the neighbor keeps its Adj-RIB-In (soft-reconfiguration inbound) so that when the cache's
/// data changes bgpd re-validates the routes it holds instead of waiting for the peer to resend.
/// </summary>
internal static class FrrRpki
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

    /// <summary>The inbound route-map of a neighbor with origin actions; null when it has none.</summary>
    public static string? RouteMapName(BgpNeighbor n) =>
        n.OriginActions.IsDefaultOrEmpty ? null : "PK-RPKI-" + FrrSyntax.Address(n.Address).Replace('.', '-').Replace(':', '-');

    /// <summary>One route-map per neighbor with origin actions: an entry per state it names, then a permit for the rest.</summary>
    public static void WriteRouteMaps(DeviceEmission e, ConfigWriter w, BgpPolicy bgp)
    {
        foreach (var n in bgp.Neighbors)
        {
            if (RouteMapName(n) is not { } name) continue;
            int sequence = 10;
            foreach (var action in OriginOrder(n))
            {
                w.Line($"route-map {name} {(action.Reject ? "deny" : "permit")} {FrrSyntax.Number(sequence)}");
                using (w.Indent())
                {
                    w.Line($"match rpki {Keyword(action.State)}");
                    if (action.LocalPreference is { } preference) w.Line($"set local-preference {FrrSyntax.Number(preference)}");
                    if (action.Community is { } community) w.Line($"set community {community.Numeric} additive");
                }
                w.Line("exit");
                w.Line("!");
                sequence += 10;
            }
            // Routes of the states the policy does not name pass unchanged.
            w.Line($"route-map {name} permit 100");
            w.Line("exit");
            w.Line("!");
            e.Emitted("bgp origin validation");
        }
    }

    /// <summary>In the neighbor's address family: keep Adj-RIB-In for re-validation, apply the route-map.</summary>
    public static void WriteNeighborPolicy(ConfigWriter w, BgpNeighbor n)
    {
        if (RouteMapName(n) is not { } name) return;
        string a = FrrSyntax.Address(n.Address);
        w.Line($"neighbor {a} soft-reconfiguration inbound");
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

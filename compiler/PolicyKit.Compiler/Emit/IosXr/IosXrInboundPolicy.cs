using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXr;

/// <summary>
/// A neighbor's inbound route policy beyond its prefix filter on IOS XR: AS-path checks
/// (<c>as-path in (ios-regex …)</c>, <c>as-path length ge N</c>) and RPKI origin validation (6.5 and later, where a configured RTR server enables origin
/// validation of eBGP paths): the caches are <c>rpki server</c> blocks under router bgp, and a
/// neighbor with origin actions gets an inbound route-policy that tests
/// <c>validation-state</c>, then applies the neighbor's prefix-filter policy (or passes). XR has
/// one route-policy per direction, so the origin checks come first and the prefix filter keeps its
/// own first-match meaning after them. <c>bgp bestpath origin-as allow invalid</c> keeps XR from
/// dropping invalid paths on its own where the policy marks or accepts them.
/// </summary>
internal static class IosXrInboundPolicy
{
    /// <summary>Under router bgp: one rpki server block per cache, then the best-path setting.</summary>
    public static void WriteServers(DeviceEmission e, ConfigWriter w)
    {
        // ebgp-default is written where an unfiltered eBGP direction is (or means nothing on this device).
        if (e.Device.Bgp?.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
        if (e.Device.Rpki is not { } rpki) return;
        foreach (var cache in rpki.Caches)
        {
            w.Line($"rpki server {cache.Address.NetworkAddress}");
            using (w.Indent())
            {
                w.Line($"transport tcp port {cache.Port}");
                if (cache.Refresh is { } refresh) w.Line($"refresh-time {(long)refresh.TotalSeconds}");
                w.Line($"preference {cache.Preference}");
            }
            w.Line("!");
        }
        w.Line("bgp bestpath origin-as allow invalid");
        e.Emitted("rpki cache");
    }

    /// <summary>
    /// The route-policy of an eBGP direction without a policy: pass everything, or with
    /// <c>ebgp-default reject</c> drop everything — written out, though XR drops by itself there (RFC 8212).
    /// </summary>
    public static string Unfiltered(DeviceEmission e, IosXrRoutePolicies policies, BgpPolicy bgp)
    {
        if (bgp.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
        return bgp.EbgpRejectsUnfiltered ? policies.Define("PK_DROP", ["drop"]) : policies.PassAll();
    }

    /// <summary>
    /// The inbound route-policy of a neighbor: with origin actions, a policy of its own that checks
    /// the validation state and then applies <paramref name="prefixPolicy"/> (or passes); without,
    /// <paramref name="prefixPolicy"/> itself.
    /// </summary>
    public static string? Inbound(DeviceEmission e, IosXrRoutePolicies policies, BgpNeighbor n, string? prefixPolicy)
    {
        if (FrrInboundPolicy.RouteMapName(n, withFirstAs: true) is not { } name) return prefixPolicy;
        var body = new List<string>();
        if (n.BlackholeRejectSpan is not null)
        {
            // RFC 7999: this peer may not ask us to discard traffic.
            body.AddRange([$"if community matches-any ({BgpCommunity.Blackhole.Numeric}) then", "  drop", "endif"]);
            e.Emitted("bgp blackhole reject");
        }
        if (n.AsPath is { } path)
        {
            foreach (var kind in path.Reject)
            {
                body.AddRange([$"if as-path in (ios-regex '{AsPathRegex.Carrying(kind)}') then", "  drop", "endif"]);
                e.Emitted("bgp as-path reject");
            }
            if (path.MaxLength is { } max)
            {
                body.AddRange([$"if as-path length ge {max + 1} then", "  drop", "endif"]);
                e.Emitted("bgp as-path max-length");
            }
            if (path.FirstAsPeer)
            {
                body.AddRange([$"if not as-path in (ios-regex '{AsPathRegex.FirstAs(n.RemoteAs)}') then", "  drop", "endif"]);
                e.Emitted("bgp as-path first-as");
            }
        }
        foreach (var action in FrrInboundPolicy.OriginOrder(n))
        {
            body.Add($"if validation-state is {action.State.Keyword()} then");
            if (action.Reject) body.Add("  drop");
            if (action.LocalPreference is { } preference) body.Add($"  set local-preference {preference}");
            if (action.Community is { } community) body.Add($"  set community ({community.Numeric}) additive");
            if (!action.Reject && !action.Marks) body.Add("  pass");
            body.Add("endif");
        }
        if (n.GracefulShutdownSpan is not null)
        {
            // RFC 8326; after the origin marks, so it wins.
            body.AddRange([$"if community matches-any ({BgpCommunity.GracefulShutdown.Numeric}) then", "  set local-preference 0", "endif"]);
            e.Emitted("bgp graceful-shutdown honor");
        }
        if (n.CommunitiesIn is { } communities)
        {
            // After every check that reads the neighbor's communities; the origin marks are added
            // above, and strip with a mark is MP2059.
            body.AddRange(CommunityStatements(communities));
            e.Emitted("bgp community in");
        }
        body.Add(prefixPolicy is null ? "pass" : $"apply {prefixPolicy}");
        if (!n.OriginActions.IsDefaultOrEmpty) e.Emitted("bgp origin validation");
        return policies.Define(IosXrSyntax.Shorten(name), body);
    }

    /// <summary>
    /// The outbound route-policy of a neighbor whose sent routes' communities the policy changes:
    /// the community statements, then <paramref name="prefixPolicy"/> (or pass); without, the
    /// prefix policy itself. A direction that sends nothing keeps <c>PK_DROP</c>.
    /// </summary>
    public static string? Outbound(DeviceEmission e, IosXrRoutePolicies policies, BgpPolicy bgp, BgpNeighbor n, string? prefixPolicy)
    {
        if (n.CommunitiesOut is not { } communities) return prefixPolicy;
        // A direction that sends nothing (PK_DROP) has nothing to tag.
        e.Emitted("bgp community out");
        if (FrrInboundPolicy.OutboundRouteMapName(bgp, n) is not { } name) return prefixPolicy;
        var body = CommunityStatements(communities).ToList();
        body.Add(prefixPolicy is null ? "pass" : $"apply {prefixPolicy}");
        return policies.Define(IosXrSyntax.Shorten(name), body);
    }

    private static IEnumerable<string> CommunityStatements(CommunityPolicy communities)
    {
        if (communities.Strip) yield return "delete community all";
        if (communities.Add.Length > 0) yield return $"set community ({string.Join(", ", communities.Add.Select(c => c.Numeric))}) additive";
    }
}

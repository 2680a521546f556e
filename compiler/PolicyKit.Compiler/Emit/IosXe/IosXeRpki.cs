using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXe;

/// <summary>
/// RPKI origin validation on IOS-XE: the RTR caches are <c>bgp rpki server tcp</c> lines under
/// router bgp, and each neighbor with origin actions gets an inbound route-map matching
/// <c>rpki invalid|not-found|valid</c> beside its prefix-list. IOS-XE by default keeps
/// RPKI-invalid paths out of best-path selection on its own; <c>bgp bestpath prefix-validate
/// allow-invalid</c> turns that off so that each neighbor does exactly what the policy says
/// (reject, mark or accept), the same on every platform.
/// </summary>
internal static class IosXeRpki
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

    /// <summary>In the neighbor's address family: the route-map of its origin actions.</summary>
    public static void WriteNeighborPolicy(ConfigWriter w, BgpNeighbor n)
    {
        if (FrrRpki.RouteMapName(n) is { } name) w.Line($"neighbor {n.Address.NetworkAddress} route-map {name} in");
    }

    /// <summary>After router bgp: one route-map per neighbor with origin actions, an entry per state it names, then a permit for the rest.</summary>
    public static void WriteRouteMaps(DeviceEmission e, ConfigWriter w, BgpPolicy bgp)
    {
        foreach (var n in bgp.Neighbors)
        {
            if (FrrRpki.RouteMapName(n) is not { } name) continue;
            int sequence = 10;
            foreach (var action in FrrRpki.OriginOrder(n))
            {
                w.Line($"route-map {name} {(action.Reject ? "deny" : "permit")} {sequence}");
                using (w.Indent())
                {
                    w.Line($"match rpki {action.State.Keyword()}");
                    if (action.LocalPreference is { } preference) w.Line($"set local-preference {preference}");
                    if (action.Community is { } community) w.Line($"set community {community.Numeric} additive");
                }
                sequence += 10;
            }
            w.Line($"route-map {name} permit 100");
            w.Line("!");
            e.Emitted("bgp origin validation");
        }
    }
}

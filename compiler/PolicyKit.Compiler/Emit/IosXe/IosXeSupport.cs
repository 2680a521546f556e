using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.IosXe;

/// <summary>
/// What IOS-XE cannot express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The backend in this folder writes
/// everything else; docs/targets.md carries the same table for people, and the golden files of
/// this platform are tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/ios-xe.cfg.
/// </summary>
public static class IosXeSupport
{
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["compose loopback-filter"] = "IOS-XE's control plane takes one service-policy, so two loopback filters cannot run one after the other: merge the site's rules into the policy's control-plane filter, or write takeover",
        ["bmp over tls"] = "IOS-XE exports BMP over plain TCP only",
        ["mld control filter"] = "IOS IPv6 ACLs cannot match IGMP message types; use 'queries drop' for MLD",
        ["msdp tcp-ao authentication"] = "IOS-XE MSDP authenticates peers with a TCP MD5 password only (ip msdp password)",
        ["ipv6 boundary"] = "IOS-XE IPv6 multicast boundaries are scope-based (ipv6 multicast boundary scope), not group lists",
        ["several source boundaries on one interface"] = "IOS keeps one boundary ACL per interface and cannot intersect two (S,G) boundary lists",
        ["igmp access filter by host"] = "IOS's ip igmp access-group compares the channel (source S, group G) of each report, not the host that sent it: a rule on the reporting host (from) cannot be written there",
        ["mld access filter by host"] = "IOS's ipv6 mld access-group compares the channel (source S, group G) of each report, not the host that sent it: a rule on the reporting host (from) cannot be written there",
        ["bmp monitor post-policy"] = "IOS-XE's neighbor bmp-activate exports Adj-RIB-In pre-policy only",
        ["bmp monitor loc-rib"] = "IOS-XE's neighbor bmp-activate exports Adj-RIB-In pre-policy only",
        ["bmp station without an address"] = "a router must be told where the BMP station is (bmp server N / address A port-number P); only a Linux box runs the station itself",
        ["bmp station without bgp"] = Frr.FrrSupport.BmpWithoutBgp,
        ["ipv6 ssm-range"] = "PolicyKit writes IOS-XE's IPv4 SSM range (ip pim ssm range); the IPv6 SSM range stays ff3x::/32",
        ["rule log in a BGP prefix filter"] = "IOS prefix lists cannot log the prefixes they match",
        ["sap-listen on with no interface named"] = "ip sap listen is an interface command: name the interfaces that should listen",
        ["igmp default-limit on interfaces the policy does not name"] = UnnamedDefault,
        ["mld default-limit on interfaces the policy does not name"] = UnnamedDefault,
        ["rpki cache preference"] = "IOS-XE's bgp rpki server has no preference: the router uses every cache it is given (drop 'preference', or list only the caches it should use)",
    };

    private const string UnnamedDefault = "IOS has no per-interface default limit: the global 'ip igmp limit' (ipv6 mld limit) is router-wide, a cap on all interfaces together, so the default can only be written on the interfaces the policy names and every other port stays unlimited — give each receiver interface its limit (a profile with 'igmp { limit N except …; }'), and write 'igmp limit N' for the router-wide cap the global command really is";

    /// <summary>IOS-XE: a default limit for interfaces the policy does not name, IPv6 group boundaries (scope-based only), two (S,G) boundary lists on one interface.</summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> RefinementsOf(Device device)
    {
        // The per-interface default reaches interfaces the policy does not name (docs/language.md);
        // IOS can write it only on those it names.
        if (device.IgmpDefaultLimit is { } igmp) yield return ("igmp default-limit on interfaces the policy does not name", igmp.Span);
        if (device.SapListen == true && device.Interfaces.IsEmpty && device.SapListenSpan is { } sap) yield return ("sap-listen on with no interface named", sap);
        if (device.MldDefaultLimit is { } mld) yield return ("mld default-limit on interfaces the policy does not name", mld.Span);
        foreach (var cache in device.Rpki?.Caches ?? [])
        {
            if (cache.Preference != RpkiCache.DefaultPreference) yield return ("rpki cache preference", cache.Span);
        }
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                string p = membership?.Protocol == GroupProtocol.Mld ? "mld" : "igmp";
                if (membership?.Access is { } access && access.Rules.Any(r => r.Match.From is not null))
                    yield return ($"{p} access filter by host", access.Span);
            }
            foreach (var boundary in iface.Boundaries)
            {
                if (boundary.Filter.Rules.Any(r => PlatformSupport.HasV6(r.Match.Groups))) yield return ("ipv6 boundary", boundary.Span);
            }
            var sourceBoundaries = iface.Boundaries.Where(b => b.Filter.Rules.Any(r => r.Match.Sources is not null)).ToList();
            if (sourceBoundaries.Count > 1) yield return ("several source boundaries on one interface", sourceBoundaries[1].Span);
        }
    }
}

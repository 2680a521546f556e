using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.IosXr;

/// <summary>
/// What IOS XR cannot express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The backend in this folder writes
/// everything else; docs/targets.md carries the same table for people, and the golden files of
/// this platform are tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/ios-xr.cfg.
/// </summary>
public static class IosXrSupport
{
        // IOS XR: the commands and why these cannot be written are in docs/targets.md.
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["compose loopback-filter"] = "IOS XR has no loopback filter to compose with (LPTS polices traffic to the router)",
        ["bmp monitor post-policy"] = "PolicyKit's IOS XR form (neighbor bmp-activate) exports Adj-RIB-In pre-policy only",
        ["bmp monitor loc-rib"] = "PolicyKit's IOS XR form (neighbor bmp-activate) exports Adj-RIB-In pre-policy only",
        ["bmp station without an address"] = "a router must be told where the BMP station is (bmp server N host A port P); only a Linux box runs the station itself",
        ["bmp station without bgp"] = Frr.FrrSupport.BmpWithoutBgp,
        ["ipv6 ssm-range"] = "PolicyKit writes IOS XR's IPv4 SSM range (router pim address-family ipv4 ssm range); the IPv6 SSM range stays ff3x::/32",
        ["rule log in a BGP prefix filter"] = "IOS XR route-policies cannot log the prefixes they match",
        ["mrinfo filter"] = "IOS XR has no mrinfo filter; mrinfo requests are IGMP (DVMRP type), so an igmp control filter that denies igmp-type dvmrp drops them",
        ["router-guard"] = "router guard is a switch-port feature IOS XR does not have",
        ["group-range"] = "IOS XR has no router-wide multicast group-range; deny the groups with boundaries and igmp access filters on the interfaces",
        ["register-rate-limit"] = "IOS XR PIM has no register rate limit (only 'maximum register-states', a count)",
        ["announce-filter (Auto-RP)"] = "the IOS XR Auto-RP mapping agent has no rp-announce-filter",
        ["boundary filter-auto-rp"] = "an IOS XR multicast boundary takes an ACL only; it cannot remove denied RP-to-group mappings from Auto-RP messages (no filter-autorp)",
        ["state-limit"] = "IOS XR has no per-interface rpf/out/connected mroute state limit (ip multicast limit); PIM 'maximum route-interfaces' counts PIM downstream joins only, with no direction",
        ["state-limit with costs"] = "IOS XR has no cost-weighted multicast state limit (ip multicast limit cost)",
        ["msdp redistribute filter"] = "IOS XR MSDP has no filter for the SAs it originates (ip msdp redistribute); 'sa-filter out' would also filter SAs forwarded from other peers",
        ["bmp over tls"] = "IOS XR exports BMP over plain TCP only",
        ["mld control filter"] = "IOS XR IPv6 ACLs cannot match IGMP message types; use 'queries drop' for MLD",
        ["control-plane"] = "IOS XR polices traffic to the router per LPTS flow type (lpts pifib hardware police) and cannot apply an ACL to it (there is no control-plane service-policy); filter with interface ACLs instead",
        ["group-encryption"] = "IOS XR has no GET VPN (GDOI group member)",
        // Refinements (IosXrRefinementsOf): forms of supported constructs XR cannot write.
        ["bgp ttl-security multi-hop"] = "IOS XR's BGP ttl-security admits directly connected peers only (hops 1)",
        ["igmp limit (router-wide) with except"] = "IOS XR's router-wide 'maximum groups' counts every group; it takes no except list",
        ["mld limit (router-wide) with except"] = "IOS XR's router-wide 'maximum groups' counts every group; it takes no except list",
        ["igmp access filter by source or host"] = "IOS XR's IGMP access-group is a list of groups: rules on sources (SSM channels) or reporting hosts (from) cannot be expressed",
        ["mld access filter by source or host"] = "IOS XR's MLD access-group is a list of groups: rules on sources (SSM channels) or reporting hosts (from) cannot be expressed",
        ["boundary by source"] = "an IOS XR multicast boundary is a list of groups: it cannot match sources or tell (*,G) from (S,G)",
        ["msdp tcp-ao authentication"] = "IOS XR MSDP authenticates peers with a TCP MD5 password only (no TCP-AO)",
        ["msdp sa-limit above 75000"] = "IOS XR's 'maximum external-sa' is 1-75000",
        ["mroute-limit above 200000"] = "IOS XR's PIM 'maximum routes' is 1-200000",
        ["group limit above 40000 per interface"] = "IOS XR's 'maximum groups-per-interface' is 1-40000",
        ["group limit above 75000 router-wide"] = "IOS XR's 'maximum groups' is 1-75000",
        ["tcp-ao key id above 255"] = "IOS XR's TCP-AO SendID/ReceiveID are 0-255, and PolicyKit uses the key ID for both",
    };

    /// <summary>
    /// Forms that IOS XR cannot write although it writes the construct: ttl-security beyond one
    /// hop, an except list on the router-wide group cap, source- or host-specific IGMP/MLD access
    /// rules, TCP-AO on MSDP, and values above XR's command ranges.
    /// </summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> RefinementsOf(Device device)
    {
        if (device.RouteLimit is { Max: > 200_000 } routeLimit) yield return ("mroute-limit above 200000", routeLimit.Span);
        foreach (var (p, cap, defaultLimit) in new[] { ("igmp", device.IgmpRouterCap, device.IgmpDefaultLimit), ("mld", device.MldRouterCap, device.MldDefaultLimit) })
        {
            if (cap?.Except is not null) yield return ($"{p} limit (router-wide) with except", cap.Span);
            if (cap is { Max: > 75_000 }) yield return ("group limit above 75000 router-wide", cap.Span);
            if (defaultLimit is { Max: > 40_000 }) yield return ("group limit above 40000 per interface", defaultLimit.Span);
        }
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                if (membership is null) continue;
                string p = membership.Protocol == GroupProtocol.Igmp ? "igmp" : "mld";
                if (membership.Access is { } access && access.Rules.Any(r => r.Match.Sources is not null || r.Match.From is not null))
                    yield return ($"{p} access filter by source or host", access.Span);
                if (membership.Limit is { Max: > 40_000 } limit) yield return ("group limit above 40000 per interface", limit.Span);
            }
        }
        foreach (var peer in device.Msdp?.Peers ?? [])
        {
            if (peer.SaLimit is > 75_000) yield return ("msdp sa-limit above 75000", peer.Span);
        }
        foreach (var n in device.Bgp?.Neighbors ?? [])
        {
            if (n.TtlSecurityHops is > 1) yield return ("bgp ttl-security multi-hop", n.Span);
            if (n.Auth is { Kind: AuthKind.TcpAo, Keychain: { } keychain })
            {
                foreach (var key in keychain.Keys.Where(k => k.Id > 255)) yield return ("tcp-ao key id above 255", key.Span);
            }
        }
    }
}

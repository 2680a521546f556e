using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// What Junos cannot express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The backend in this folder writes
/// everything else; docs/targets.md carries the same table for people, and the golden files of
/// this platform are tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/junos.conf.
/// </summary>
public static class JunosSupport
{
        // Junos (MX Series with MPCs): the set-form statements are in docs/targets.md. IGMP
        // message types are matched with firewall flexible matches (Trio), which is how the
        // minimum version, query drop, control list and mrinfo filter are written.
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["msdp originator-id"] = "Junos originates SAs with its RP address (protocols pim rp local address); it has no originator-id",
        ["rule log in a BGP prefix filter"] = "Junos routing policies cannot log the prefixes they match",
        ["rule log in a routing policy"] = "this filter becomes a Junos routing policy (group-policy, scope-policy, MSDP import/export, rp-register-policy), which cannot log its matches; firewall filters can",
        ["ssm-range without the default range"] = "Junos always treats 232/8 and ff3x::/32 as SSM; ssm-groups only adds ranges to them",
        ["igmp limit (router-wide)"] = "Junos limits IGMP membership per interface only (protocols igmp interface group-limit); it has no router-wide IGMP cap",
        ["mld limit (router-wide)"] = "Junos limits MLD membership per interface only (protocols mld interface group-limit); it has no router-wide MLD cap",
        ["igmp interface limit with except"] = "Junos group-limit counts every group on the interface; it takes no except list",
        ["mld interface limit with except"] = "Junos group-limit counts every group on the interface; it takes no except list",
        ["group-range"] = "Junos has no router-wide group disable (IOS ip multicast group-range): scopes, PIM join filters and per-interface IGMP group policies each cover only part of it",
        ["state-limit"] = "Junos has no per-interface rpf/out/connected multicast state limit (only the router-wide forwarding-cache threshold and the per-interface IGMP group-limit)",
        ["state-limit with costs"] = "Junos bandwidth admission (routing-options multicast interface maximum-bandwidth with flow-map bandwidth) keeps one budget per outgoing interface over all flows, with one bandwidth per flow router-wide: it cannot give each provider's groups a budget of their own, limit rpf or connected state, or charge a default cost",
        ["router-guard"] = "Junos routers have no router guard; on Junos switches it is igmp-snooping host-only-interface under a VLAN, which the policy does not name",
        ["register-rate-limit"] = "Junos PIM has no register rate limit (rp register-limit counts register states on the RP; it does not rate-limit a DR)",
        ["announce-filter (Auto-RP)"] = "the Junos Auto-RP mapping agent has no announce filter",
        ["boundary filter-auto-rp"] = "Junos scopes stop Auto-RP groups whole; they cannot remove denied RP-to-group mappings from inside Auto-RP messages",
        ["msdp redistribute filter"] = "Junos MSDP export policies apply to every SA sent, originated or forwarded alike; they cannot filter only the SAs this RP originates",
        ["mld control filter"] = "IGMP message types have no MLD equivalent in a Junos inet6 filter; use 'queries drop' for MLD",
        ["bmp over tls"] = "Junos BMP runs over plain TCP (optionally TCP-MD5 or TCP-AO); it has no TLS",
        ["group-encryption"] = "Junos routers are GDOI group members only (security group-vpn member): the crypto scope is defined on the key server",
        // Refinements (JunosRefinementsOf and RefinementsOf): forms of supported constructs Junos cannot write.
        ["igmp default-limit with except"] = "Junos group-limit counts every group on the interface; it takes no except list",
        ["mld default-limit with except"] = "Junos group-limit counts every group on the interface; it takes no except list",
        ["igmp access filter by host"] = "a Junos IGMP group-policy matches groups (route-filter) and sources (source-address-filter), not the reporting host (from)",
        ["mld access filter by host"] = "a Junos MLD group-policy matches groups (route-filter) and sources (source-address-filter), not the reporting host (from)",
        ["msdp tcp-ao authentication"] = "Junos MSDP authenticates peers with a TCP MD5 key only (authentication-key); no TCP-AO",
        ["msdp connect-source by interface name"] = "Junos takes the MSDP session's local address (local-address A.B.C.D), not an interface: write connect-source \"A.B.C.D\"",
        ["msdp peer without a local address"] = "Junos MSDP needs the session's local address (local-address): write connect-source \"A.B.C.D\" (or give the device an rp address or a bgp router-id)",
        ["bgp ttl-security on ibgp"] = "Junos raises the TTL of BGP packets to 255 for EBGP sessions only (ttl 255, multihop ttl 255); IBGP sessions send TTL 64, which a GTSM check refuses",
        ["mroute-limit above 200000"] = "the Junos forwarding-cache threshold (suppress) is 1-200000",
        ["group limit above 32767 per interface"] = "the Junos IGMP/MLD group-limit is 1-32767",
        ["msdp sa-limit above 1000000"] = "the Junos MSDP active-source-limit maximum is 1-1000000",
        ["tcp-ao key id above 63"] = "Junos authentication-key-chains key IDs are 0-63, and PolicyKit uses the key ID as the key's name",
    };

    /// <summary>
    /// Forms that Junos cannot write although it writes the construct: an except list on the
    /// per-interface default limit, IGMP/MLD access rules on the reporting host, TCP-AO on MSDP,
    /// GTSM on IBGP sessions, and values above Junos's statement ranges.
    /// </summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> RefinementsOf(Device device)
    {
        if (device.RouteLimit is { Max: > 200_000 } routeLimit) yield return ("mroute-limit above 200000", routeLimit.Span);
        foreach (var (p, defaultLimit) in new[] { ("igmp", device.IgmpDefaultLimit), ("mld", device.MldDefaultLimit) })
        {
            if (defaultLimit?.Except is not null) yield return ($"{p} default-limit with except", defaultLimit.Span);
            if (defaultLimit is { Max: > 32_767 }) yield return ("group limit above 32767 per interface", defaultLimit.Span);
        }
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                if (membership is null) continue;
                string p = membership.Protocol == GroupProtocol.Igmp ? "igmp" : "mld";
                if (membership.Access is { } access && access.Rules.Any(r => r.Match.From is not null))
                    yield return ($"{p} access filter by host", access.Span);
                if (membership.Limit is { Max: > 32_767 } limit) yield return ("group limit above 32767 per interface", limit.Span);
            }
        }
        foreach (var peer in device.Msdp?.Peers ?? [])
        {
            if (peer.SaLimit is > 1_000_000) yield return ("msdp sa-limit above 1000000", peer.Span);
        }
        if (device.Bgp is { } bgp)
        {
            foreach (var n in bgp.Neighbors)
            {
                if (n.TtlSecurityHops is not null && n.RemoteAs == bgp.LocalAs) yield return ("bgp ttl-security on ibgp", n.Span);
                if (n.Auth is { Kind: AuthKind.TcpAo, Keychain: { } keychain })
                {
                    foreach (var key in keychain.Keys.Where(k => k.Id > 63)) yield return ("tcp-ao key id above 63", key.Span);
                }
            }
        }
    }
}

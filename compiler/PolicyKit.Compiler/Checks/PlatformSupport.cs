using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// Which constructs each platform can express, in one table. The backends (one per platform)
/// emit what is supported; everything listed here as unsupported is reported by
/// <see cref="PlatformSupportCheck"/> (MP4001) and never silently dropped.
/// docs/targets.md carries the same table for people.
/// </summary>
public static class PlatformSupport
{
    /// <summary>Every construct a device can use, with where it is written.</summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> ConstructsOf(Device device)
    {
        if (device.RouteLimit is { } routeLimit) yield return ("mroute-limit", routeLimit.Span);
        if (device.IgmpRouterCap is { } ic) yield return ("igmp limit (router-wide)", ic.Span);
        if (device.MldRouterCap is { } mc) yield return ("mld limit (router-wide)", mc.Span);
        if (device.IgmpDefaultLimit is { } idl) yield return ("igmp default-limit", idl.Span);
        if (device.MldDefaultLimit is { } mdl) yield return ("mld default-limit", mdl.Span);
        if (device.SapListen is not null && device.SapListenSpan is { } sap) yield return ("sap-listen", sap);
        if (device.MrinfoFilter is { } mrinfo) yield return ("mrinfo filter", mrinfo.Span);
        if (device.GroupRange is { } range) yield return ("group-range", range.Span);
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                if (membership is null) continue;
                string p = membership.Protocol == GroupProtocol.Igmp ? "igmp" : "mld";
                if (membership.MinimumVersion is not null) yield return ($"{p} minimum version", membership.Span);
                if (membership.Access is not null) yield return ($"{p} access filter", membership.Access.Span);
                if (membership.Limit is { } limit) yield return (limit.Except is null ? $"{p} interface limit" : $"{p} interface limit with except", limit.Span);
                if (membership.DropQueries) yield return ($"{p} queries drop", membership.Span);
                if (membership.Control is not null) yield return ($"{p} control filter", membership.Span);
            }
            foreach (var limit in iface.StateLimits) yield return (limit.IsCostBased ? "state-limit with costs" : "state-limit", limit.Span);
            if (iface.Pim is { } pim)
            {
                if (pim.NoNeighbors || pim.PermittedNeighbors is not null) yield return ("pim neighbor filter", pim.Span);
                if (pim.BsrBorder) yield return ("bsr-border", pim.Span);
            }
            foreach (var boundary in iface.Boundaries) yield return (boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary", boundary.Span);
            if (iface.SourceFilter is { } sf) yield return ("source-filter", sf.Span);
            if (iface.RouterGuard) yield return ("router-guard", iface.Span);
        }
        if (device.Rp is { } rp)
        {
            if (rp.Address is not null) yield return ("rp address", rp.Span);
            if (rp.AcceptRegister is { } ar) yield return ("accept-register", ar.Span);
            if (rp.AnnounceFilter is { } af) yield return ("announce-filter (Auto-RP)", af.Span);
        }
        if (device.RegisterRateLimitSpan is { } rate) yield return ("register-rate-limit", rate);
        if (device.Msdp is { } msdp)
        {
            if (msdp.Redistribute is not null) yield return ("msdp redistribute filter", msdp.Span);
            foreach (var peer in msdp.Peers)
            {
                yield return ("msdp peer", peer.Span);
                if (peer.SaFilterIn is not null || peer.SaFilterOut is not null) yield return ("msdp sa-filter", peer.Span);
                if (peer.SaLimit is not null) yield return ("msdp sa-limit", peer.Span);
                if (peer.Auth is { Kind: AuthKind.Md5 } md5) yield return ("msdp md5 authentication", md5.Span);
                if (peer.Auth is { Kind: AuthKind.TcpAo } ao) yield return ("msdp tcp-ao authentication", ao.Span);
            }
        }
        if (device.Bgp is { } bgp)
        {
            yield return ("bgp", bgp.Span);
            if (bgp.Damping is { } damping) yield return ("bgp damping", damping.Span);
            foreach (var n in bgp.Neighbors)
            {
                if (n.MaxPrefix is { } max) yield return ("bgp max-prefix", max.Span);
                if (n.Auth is { Kind: AuthKind.Md5 } md5) yield return ("bgp md5 authentication", md5.Span);
                if (n.Auth is { Kind: AuthKind.TcpAo } ao) yield return ("bgp tcp-ao authentication", ao.Span);
                if (n.TtlSecurityHops is not null) yield return ("bgp ttl-security", n.Span);
                if (n.PrefixFilterIn is not null || n.PrefixFilterOut is not null) yield return ("bgp prefix-filter", n.Span);
            }
        }
        foreach (var station in device.BmpStations)
        {
            yield return ("bmp station", station.Span);
            if (station.Tls is { Mode: not TlsMode.Off } tls) yield return ("bmp over tls", tls.Span);
        }
        if (device.ControlPlane is { } cp) yield return ("control-plane", cp.Span);
        if (device.GroupEncryption is { } ge) yield return ("group-encryption", ge.Span);
    }

    private const string NoRouting = "an nftables device is a packet filter: it runs no routing protocol and keeps no multicast state to configure (use platform 'linux' for FRR and mpol-agent)";

    private const string NoCounting = "nftables filters packets one by one and keeps no count of memberships or multicast states; mpol-agent enforces limits (use platform 'linux')";

    private const string AutoRpRewrite = "filter-auto-rp removes the denied RP-to-group mappings from inside Auto-RP messages, which a packet filter cannot rewrite (nftables could only drop every Auto-RP message, the allowed mappings too); the boundary's data-plane drops are still written — use `boundary deny groups std.auto-rp` to block Auto-RP whole";

    /// <summary>Unsupported constructs per platform, with the reason shown to the user.</summary>
    public static readonly IReadOnlyDictionary<Platform, IReadOnlyDictionary<string, string>> Unsupported =
        new Dictionary<Platform, IReadOnlyDictionary<string, string>>
        {
            [Platform.IosXe] = new Dictionary<string, string>
            {
                ["bmp over tls"] = "IOS-XE exports BMP over plain TCP only",
                ["mld control filter"] = "IOS IPv6 ACLs cannot match IGMP message types; use 'queries drop' for MLD",
                ["msdp tcp-ao authentication"] = "IOS-XE MSDP authenticates peers with a TCP MD5 password only (ip msdp password)",
                ["ipv6 boundary"] = "IOS-XE IPv6 multicast boundaries are scope-based (ipv6 multicast boundary scope), not group lists",
                ["several source boundaries on one interface"] = "IOS keeps one boundary ACL per interface and cannot intersect two (S,G) boundary lists",
            },
            // IOS XR: the commands and why these cannot be written are in docs/targets.md.
            [Platform.IosXr] = new Dictionary<string, string>
            {
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
            },
            // Junos (MX Series with MPCs): the set-form statements are in docs/targets.md. IGMP
            // message types are matched with firewall flexible matches (Trio), which is how the
            // minimum version, query drop, control list and mrinfo filter are written.
            [Platform.Junos] = new Dictionary<string, string>
            {
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
            },
            [Platform.Frr] = new Dictionary<string, string>
            {
                ["mroute-limit"] = "FRR 8.4 pimd has no multicast route limit",
                ["igmp limit (router-wide)"] = "FRR 8.4 has no IGMP group limit (ip igmp watermark-warn only logs)",
                ["mld limit (router-wide)"] = "FRR 8.4 has no MLD group limit",
                ["igmp default-limit"] = "FRR 8.4 has no IGMP group limit (ip igmp watermark-warn only logs)",
                ["mld default-limit"] = "FRR 8.4 has no MLD group limit",
                ["igmp interface limit"] = "FRR 8.4 has no IGMP group limit (ip igmp watermark-warn only logs)",
                ["igmp interface limit with except"] = "FRR 8.4 has no IGMP group limit (ip igmp watermark-warn only logs)",
                ["mld interface limit"] = "FRR 8.4 has no MLD group limit",
                ["mld interface limit with except"] = "FRR 8.4 has no MLD group limit",
                ["igmp minimum version"] = "FRR sets the IGMP version but cannot refuse older reports (IGMPv3 mode translates v1/v2 reports, RFC 3376 7.3.2)",
                ["mld minimum version"] = "FRR sets the MLD version but cannot refuse older reports",
                ["igmp access filter"] = "FRR 8.4 has no IGMP access list ('ip igmp access-list' is refused)",
                ["mld access filter"] = "FRR 8.4 has no MLD access list",
                ["igmp queries drop"] = "FRR cannot drop host queries; use an nftables device for this box",
                ["mld queries drop"] = "FRR cannot drop host queries; use an nftables device for this box",
                ["igmp control filter"] = "FRR has no packet filter; use an nftables device for this box",
                ["mld control filter"] = "FRR has no packet filter; use an nftables device for this box",
                ["state-limit"] = "FRR 8.4 has no per-interface state limits",
                ["state-limit with costs"] = "FRR 8.4 has no per-interface state limits",
                ["pim neighbor filter by address"] = "FRR 8.4 has no PIM neighbor filter; only 'neighbors none' can be written (ip pim passive)",
                ["group-range"] = "FRR 8.4 has no router-wide group filter; boundaries (ip multicast boundary oil) are per interface",
                ["boundary by source"] = "FRR's boundary (ip multicast boundary oil) is a prefix list over the group only; it cannot tell (*,G) from (S,G) or match sources",
                ["boundary filter-auto-rp"] = "FRR does not implement Auto-RP",
                ["accept-register by group"] = "FRR's ip pim register-accept-list matches the register's source only, not its group",
                ["ipv6 multicast routing"] = "FRR 8.4 as packaged in Debian ships no pim6d: no IPv6 PIM, RP, boundary or register filter",
                ["source-filter"] = "FRR has no packet filter; use an nftables device for this box",
                ["router-guard"] = "router guard is a switch-port feature",
                ["mrinfo filter"] = "FRR has no mrinfo responder to filter",
                ["sap-listen"] = "FRR does not listen for SAP; there is nothing to switch off",
                ["announce-filter (Auto-RP)"] = "FRR does not implement Auto-RP",
                ["register-rate-limit"] = "FRR 8.4 has no PIM register rate limit",
                ["msdp redistribute filter"] = "FRR 8.4 MSDP has no redistribute filter",
                ["msdp sa-filter"] = "FRR 8.4 MSDP has no SA filter",
                ["msdp sa-limit"] = "FRR 8.4 MSDP has no SA limit",
                ["msdp md5 authentication"] = "FRR 8.4 MSDP has no MD5 authentication",
                ["msdp tcp-ao authentication"] = "FRR 8.4 MSDP has no TCP-AO",
                ["msdp connect-source by interface name"] = "FRR's 'ip msdp peer A source B' takes a local address, not an interface: write connect-source \"A.B.C.D\"",
                ["msdp peer without a local address"] = "FRR's 'ip msdp peer A source B' needs a local address: write connect-source \"A.B.C.D\" (or give the device an rp address or a bgp router-id)",
                ["bgp tcp-ao authentication"] = "FRR 8.4 has no TCP-AO",
                ["bmp over tls"] = "FRR 8.4 BMP has no TLS",
                ["bmp monitor loc-rib"] = "FRR 8.4 BMP monitors Adj-RIB-In pre-policy and post-policy only",
                ["control-plane"] = "FRR has no packet filter; use an nftables device for this box",
                ["group-encryption"] = "GET VPN is an IOS-XE feature",
            },
            [Platform.Nftables] = new Dictionary<string, string>
            {
                ["mroute-limit"] = NoCounting,
                ["igmp limit (router-wide)"] = NoCounting,
                ["mld limit (router-wide)"] = NoCounting,
                ["igmp default-limit"] = NoCounting,
                ["mld default-limit"] = NoCounting,
                ["igmp interface limit"] = NoCounting,
                ["igmp interface limit with except"] = NoCounting,
                ["mld interface limit"] = NoCounting,
                ["mld interface limit with except"] = NoCounting,
                ["state-limit"] = NoCounting,
                ["state-limit with costs"] = NoCounting,
                ["igmp access filter"] = "an IGMPv3 report carries several group records and nftables can only accept or drop it whole; filtering joins per group and channel needs the report rewritten (mpol-agent's NFQUEUE on platform 'linux')",
                ["mld access filter"] = "an MLDv2 report carries several multicast address records and nftables can only accept or drop it whole; filtering joins per group and channel needs the report rewritten (mpol-agent's NFQUEUE on platform 'linux')",
                ["rp address"] = NoRouting,
                ["accept-register"] = "a refused Register must be answered with a Register-Stop, which a packet filter cannot send (dropping it only makes the DR retry); use platform 'linux'",
                ["announce-filter (Auto-RP)"] = NoRouting,
                ["register-rate-limit"] = NoRouting,
                ["msdp peer"] = NoRouting,
                ["msdp sa-filter"] = NoRouting,
                ["msdp sa-limit"] = NoRouting,
                ["msdp md5 authentication"] = NoRouting,
                ["msdp tcp-ao authentication"] = NoRouting,
                ["msdp redistribute filter"] = NoRouting,
                ["bgp"] = NoRouting,
                ["bgp damping"] = NoRouting,
                ["bgp max-prefix"] = NoRouting,
                ["bgp md5 authentication"] = NoRouting,
                ["bgp tcp-ao authentication"] = NoRouting,
                ["bgp ttl-security"] = NoRouting,
                ["bgp prefix-filter"] = NoRouting,
                ["bmp station"] = NoRouting,
                ["bmp over tls"] = NoRouting,
                ["boundary filter-auto-rp"] = AutoRpRewrite,
                ["router-guard"] = "router guard is a switch-port (bridge snooping) setting — on a Linux bridge `bridge link set dev PORT mcast_router 0` — not a packet filter; `queries drop` and `pim { neighbors none; }` drop the packets it would discard",
                ["group-encryption"] = "GET VPN (GDOI group members) is an IOS-XE feature; nftables has no GDOI",
            },
            // A Linux edge box: FRR for routing, nftables for the data plane, mpol-agent for
            // limits and admission. What none of the three can do is listed here.
            [Platform.Linux] = new Dictionary<string, string>
            {
                // Data plane (nftables): mrinfo, PIM neighbor filters by address and boundaries
                // by source are nftables rules on a Linux edge, so they are not listed here.
                ["group-encryption"] = "GET VPN (GDOI group members) is an IOS-XE feature; neither FRR nor nftables has GDOI",
                ["router-guard"] = "router guard is a switch-port (bridge snooping) setting — on a Linux bridge `bridge link set dev PORT mcast_router 0` — not something FRR or nftables configures; `queries drop` and `pim { neighbors none; }` drop the packets it would discard",
                ["announce-filter (Auto-RP)"] = "FRR does not implement Auto-RP",
                ["boundary filter-auto-rp"] = "FRR does not implement Auto-RP, and " + AutoRpRewrite,
                ["register-rate-limit"] = "FRR 8.4 has no PIM register rate limit",
                ["msdp redistribute filter"] = "FRR 8.4 MSDP has no redistribute filter",
                ["msdp sa-filter"] = "FRR 8.4 MSDP has no SA filter",
                ["msdp sa-limit"] = "FRR 8.4 MSDP has no SA limit",
                ["msdp md5 authentication"] = "FRR 8.4 MSDP has no MD5 authentication",
                ["msdp tcp-ao authentication"] = "FRR 8.4 MSDP has no TCP-AO",
                ["bgp tcp-ao authentication"] = "FRR 8.4 has no TCP-AO; use md5 on a Linux edge",
                // Routing-protocol forms FRR (the routing part of a Linux edge) cannot express.
                ["accept-register by group"] = "FRR's ip pim register-accept-list matches the register's source only, not its group",
                ["ipv6 multicast routing"] = "FRR 8.4 as packaged in Debian ships no pim6d: no IPv6 PIM, RP, boundary or register filter",
                ["msdp connect-source by interface name"] = "FRR's 'ip msdp peer A source B' takes a local address, not an interface: write connect-source \"A.B.C.D\"",
                ["msdp peer without a local address"] = "FRR's 'ip msdp peer A source B' needs a local address: write connect-source \"A.B.C.D\" (or give the device an rp address or a bgp router-id)",
                ["bmp monitor loc-rib"] = "FRR 8.4 BMP monitors Adj-RIB-In pre-policy and post-policy only",
            },
        };

    /// <summary>
    /// Forms of a construct that some platform can express only in part: an accept-register that
    /// also matches groups, a boundary over sources, a PIM neighbour list (rather than none),
    /// IPv6 multicast routing, a Loc-RIB monitor, an MSDP peer without a local address. Each is
    /// yielded in addition to its construct from <see cref="ConstructsOf"/>; a platform whose
    /// <see cref="Unsupported"/> table lists one gets MP4001 for it, and a backend serving that
    /// platform includes these in its responsible constructs (the FRR backend does). Platforms
    /// that express the whole construct need do nothing: no other table lists them.
    /// </summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> RefinementsOf(Device device)
    {
        if (device.Platform == Platform.IosXe)
        {
            foreach (var refinement in IosXeRefinementsOf(device)) yield return refinement;
        }
        if (device.Platform == Platform.IosXr)
        {
            // XR's own refinements, yielded for XR devices only (no other backend sees them).
            foreach (var refinement in IosXrRefinementsOf(device)) yield return refinement;
        }
        if (device.Platform == Platform.Junos)
        {
            // Junos's own refinements, yielded for Junos devices only (no other backend sees them).
            foreach (var refinement in JunosRefinementsOf(device)) yield return refinement;
        }
        foreach (var iface in device.Interfaces)
        {
            if (iface.Pim is { PermittedNeighbors: not null, Disabled: false } pim) yield return ("pim neighbor filter by address", pim.Span);
            foreach (var boundary in iface.Boundaries)
            {
                if (boundary.Filter.Rules.Any(r => r.Match.Sources is { IsAny: false })) yield return ("boundary by source", boundary.Span);
                if (boundary.Filter.Rules.Any(r => HasV6(r.Match.Groups) || HasV6(r.Match.Sources))) yield return ("ipv6 multicast routing", boundary.Span);
            }
        }
        if (device.Rp is { } rp)
        {
            if (rp.Address is { Family: IpFamily.V6 } || HasV6(rp.Groups)) yield return ("ipv6 multicast routing", rp.Span);
            if (rp.AcceptRegister is { } accept)
            {
                if (accept.Rules.Any(r => r.Match.Groups is { IsAny: false })) yield return ("accept-register by group", accept.Span);
                if (accept.Rules.Any(r => HasV6(r.Match.Sources) || HasV6(r.Match.Groups))) yield return ("ipv6 multicast routing", accept.Span);
            }
        }
        if (device.Msdp is { } msdp)
        {
            bool fallback = device.Rp?.Address is { Family: IpFamily.V4 } || device.Bgp?.RouterId is { Family: IpFamily.V4 };
            foreach (var peer in msdp.Peers)
            {
                if (peer.Address.Family == IpFamily.V6) yield return ("ipv6 multicast routing", peer.Span);
                if (peer.ConnectSource is { } source && !IsIpv4Address(source)) yield return ("msdp connect-source by interface name", peer.Span);
                else if (peer.ConnectSource is null && !fallback) yield return ("msdp peer without a local address", peer.Span);
            }
        }
        foreach (var station in device.BmpStations)
        {
            if (station.Monitor.Contains(BmpMonitor.LocRib)) yield return ("bmp monitor loc-rib", station.Span);
        }
    }

    /// <summary>IOS-XE: IPv6 group boundaries (scope-based only) and two (S,G) boundary lists on one interface.</summary>
    private static IEnumerable<(string Construct, SourceSpan Span)> IosXeRefinementsOf(Device device)
    {
        foreach (var iface in device.Interfaces)
        {
            foreach (var boundary in iface.Boundaries)
            {
                if (boundary.Filter.Rules.Any(r => HasV6(r.Match.Groups))) yield return ("ipv6 boundary", boundary.Span);
            }
            var sourceBoundaries = iface.Boundaries.Where(b => b.Filter.Rules.Any(r => r.Match.Sources is not null)).ToList();
            if (sourceBoundaries.Count > 1) yield return ("several source boundaries on one interface", sourceBoundaries[1].Span);
        }
    }

    /// <summary>
    /// Forms that IOS XR cannot write although it writes the construct: ttl-security beyond one
    /// hop, an except list on the router-wide group cap, source- or host-specific IGMP/MLD access
    /// rules, TCP-AO on MSDP, and values above XR's command ranges.
    /// </summary>
    private static IEnumerable<(string Construct, SourceSpan Span)> IosXrRefinementsOf(Device device)
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

    /// <summary>
    /// Forms that Junos cannot write although it writes the construct: an except list on the
    /// per-interface default limit, IGMP/MLD access rules on the reporting host, TCP-AO on MSDP,
    /// GTSM on IBGP sessions, and values above Junos's statement ranges.
    /// </summary>
    private static IEnumerable<(string Construct, SourceSpan Span)> JunosRefinementsOf(Device device)
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

    private static bool HasV6(AddressMatch? match) => match is { IsAny: false } && match.Include.Any(e => e.Prefix.Family == IpFamily.V6);

    /// <summary>True when a connect-source names an IPv4 address rather than an interface.</summary>
    public static bool IsIpv4Address(string text) =>
        System.Net.IPAddress.TryParse(text, out var address) &&
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;
}

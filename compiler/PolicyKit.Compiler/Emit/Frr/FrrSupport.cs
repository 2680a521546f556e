using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// What FRR 8.4 cannot express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The backend in this folder writes
/// everything else; docs/targets.md carries the same table for people, and the golden files of
/// this platform are tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/frr.conf.
/// </summary>
public static class FrrSupport
{
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["compose loopback-filter"] = "FRR has no loopback filter (packet filtering is nftables', which runs every table by itself)",
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
        ["msdp originator-id"] = Linux.LinuxSupport.OriginatorId,
        ["rule log"] = "FRR has no packet filter; its prefix lists (boundaries, register filter) cannot log the matches",
        ["rule log in a BGP prefix filter"] = "FRR prefix lists cannot log the prefixes they match",
        ["ipv6 ssm-range"] = "FRR 8.4 as packaged in Debian ships no pim6d: no IPv6 SSM range",
        ["bmp station without bgp"] = BmpWithoutBgp,
        ["boundary on an interface without pim"] = NoPimBoundary,
    };

    internal const string NoPimBoundary = "FRR keeps a multicast boundary (ip multicast boundary oil) in PIM's interface state and refuses it where PIM is off (no ip pim); drop 'pim { disabled; }' or the boundary";

    internal const string BmpWithoutBgp = "BMP streams a router's BGP routes and is configured under router bgp: a device without 'bgp' has nothing to stream (add the bgp block, or remove the station)";
}

using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Linux;

/// <summary>
/// A Linux edge box: FRR writes its routing, nftables its data plane, mpol-agent's table its
/// limits and admission; the sets below say which file answers for which construct. And what
/// none of the three can express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The FRR and nftables backends
/// and the agent table write everything else; docs/targets.md carries the same table for people,
/// and the golden files of a Linux device are its frr.conf, nftables.nft and .mpt under
/// tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/.
/// </summary>
public static class LinuxSupport
{
    /// <summary>
    /// What FRR leaves to the nftables ruleset on a Linux edge box: packet filters, and two forms FRR
    /// cannot write (a PIM neighbour list, a boundary over sources) that nftables rules can.
    /// </summary>
    public static readonly IReadOnlySet<string> InNftables = new HashSet<string>(StringComparer.Ordinal)
    {
        "igmp control filter", "mld control filter", "igmp queries drop", "mld queries drop", "source-filter", "control-plane",
        "sap-listen", "group-range", "mrinfo filter", "pim neighbor filter by address", "boundary by source", "rule log",
        "boundary on an interface without pim",
    };

    /// <summary>What FRR leaves to the mpol-agent table on a Linux edge box: limits and admission decisions.</summary>
    public static readonly IReadOnlySet<string> InAgent = new HashSet<string>(StringComparer.Ordinal)
    {
        "mroute-limit", "igmp limit (router-wide)", "mld limit (router-wide)", "igmp default-limit", "mld default-limit",
        "igmp interface limit", "igmp interface limit with except", "mld interface limit", "mld interface limit with except",
        "state-limit", "state-limit with costs", "igmp minimum version", "mld minimum version", "igmp access filter", "mld access filter",
    };

    /// <summary>Neither routing nor filtering nor admission: unsupported on a Linux box (see <see cref="Unsupported"/>).</summary>
    public static readonly IReadOnlySet<string> InNeither = new HashSet<string>(StringComparer.Ordinal)
    {
        "router-guard", "group-encryption",
    };

    /// <summary>True when FRR (the routing part of a Linux box) answers for the construct.</summary>
    public static bool IsRouting(string construct) =>
        !InNftables.Contains(construct) && !InAgent.Contains(construct) && !InNeither.Contains(construct);

    /// <summary>
    /// The constructs a packet filter enforces. On a <c>linux</c> device the nftables file answers
    /// for these only (FRR's file for routing, the agent's table for limits and admission); on an
    /// <c>nftables</c> device for every construct, the others being unsupported there.
    /// </summary>
    public static readonly IReadOnlySet<string> NftablesAnswersFor = new HashSet<string>(StringComparer.Ordinal)
    {
        "sap-listen", "mrinfo filter", "group-range",
        "igmp minimum version", "mld minimum version", "igmp queries drop", "mld queries drop",
        "igmp control filter", "mld control filter",
        "pim neighbor filter", "bsr-border", "boundary", "boundary filter-auto-rp", "source-filter", "router-guard",
        "control-plane", "group-encryption", "rule log",
    };

    /// <summary>What none of FRR, nftables and mpol-agent can do on a Linux edge box.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["compose loopback-filter"] = "nftables runs the chains of every table at a hook, so PolicyKit's table never takes the place of the site's: there is nothing to compose",
        // Data plane (nftables): mrinfo, PIM neighbor filters by address and boundaries
        // by source are nftables rules on a Linux edge, so they are not listed here.
        ["group-encryption"] = "GET VPN (GDOI group members) is an IOS-XE feature; neither FRR nor nftables has GDOI",
        ["router-guard"] = "router guard is a switch-port (bridge snooping) setting — on a Linux bridge `bridge link set dev PORT mcast_router 0` — not something FRR or nftables configures; `queries drop` and `pim { neighbors none; }` drop the packets it would discard",
        ["announce-filter (Auto-RP)"] = "FRR does not implement Auto-RP",
        ["boundary filter-auto-rp"] = "FRR does not implement Auto-RP, and " + Nftables.NftablesSupport.AutoRpRewrite,
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
        ["msdp originator-id"] = OriginatorId,
        ["rule log in a BGP prefix filter"] = "FRR prefix lists cannot log the prefixes they match",
        ["ipv6 ssm-range"] = "FRR 8.4 as packaged in Debian ships no pim6d: no IPv6 SSM range",
        ["bmp station without bgp"] = Frr.FrrSupport.BmpWithoutBgp,
    };

    internal const string OriginatorId = "FRR 8.4 originates SAs with the RP address of the group; it has no originator-id (ip msdp originator-id)";
}

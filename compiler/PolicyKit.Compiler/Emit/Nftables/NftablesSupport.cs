using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Nftables;

/// <summary>
/// What an nftables device cannot express: each construct (a name from <see cref="ConstructUses"/>, or a
/// refinement from <see cref="PlatformSupport.RefinementsOf"/>) with the reason shown to the
/// user in MP4001 and in the UNSUPPORTED marker of the output. The backend in this folder writes
/// everything else; docs/targets.md carries the same table for people, and the golden files of
/// this platform are tests/PolicyKit.Compiler.Tests/Golden/Baselines/*/*/nftables.nft.
/// </summary>
public static class NftablesSupport
{
    internal const string NoRouting = "an nftables device is a packet filter: it runs no routing protocol and keeps no multicast state to configure (use platform 'linux' for FRR and mpol-agent)";

    internal const string NoCounting = "nftables filters packets one by one and keeps no count of memberships or multicast states; mpol-agent enforces limits (use platform 'linux')";

    /// <summary>Why a packet filter cannot write filter-auto-rp (also the Linux edge box's reason).</summary>
    internal const string AutoRpRewrite = "filter-auto-rp removes the denied RP-to-group mappings from inside Auto-RP messages, which a packet filter cannot rewrite (nftables could only drop every Auto-RP message, the allowed mappings too); the boundary's data-plane drops are still written — use `boundary deny groups std.auto-rp` to block Auto-RP whole";

    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["compose loopback-filter"] = "nftables runs the chains of every table at a hook, so PolicyKit's table never takes the place of the site's: there is nothing to compose",
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
        ["ssm-range"] = "the SSM range tells PIM and IGMP which groups have no shared tree; a packet filter keeps no multicast routing state (use platform 'linux')",
        ["pim disabled"] = NoRouting,
        ["msdp originator-id"] = NoRouting,
        ["msdp peer description"] = NoRouting,
        ["msdp mesh-group"] = NoRouting,
        ["msdp connect-source"] = NoRouting,
        ["bgp router-id"] = NoRouting,
        ["bgp neighbor"] = NoRouting,
        ["bgp hold-time"] = NoRouting,
        ["bgp neighbor description"] = NoRouting,
        ["bmp port"] = NoRouting,
        ["bmp monitor"] = NoRouting,
        ["bmp stats-interval"] = NoRouting,
        ["rule log in a BGP prefix filter"] = NoRouting,
        ["rpki cache"] = NoRouting,
        ["bgp origin validation"] = NoRouting,
        ["bgp as-path reject"] = NoRouting,
        ["bgp as-path max-length"] = NoRouting,
        ["bgp as-path first-as"] = NoRouting,
        ["bgp blackhole reject"] = NoRouting,
        ["bgp graceful-shutdown honor"] = NoRouting,
        ["bgp community in"] = NoRouting,
        ["bgp community out"] = NoRouting,
        ["bgp ebgp-default"] = NoRouting,
    };
}

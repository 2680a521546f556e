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
                if (peer.Auth is not null) yield return ("msdp md5 authentication", peer.Auth.Span);
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

    private const string DataPlaneOnly = "an nftables ruleset filters packets; it has no routing protocol or state to configure";

    /// <summary>Unsupported constructs per platform, with the reason shown to the user.</summary>
    public static readonly IReadOnlyDictionary<Platform, IReadOnlyDictionary<string, string>> Unsupported =
        new Dictionary<Platform, IReadOnlyDictionary<string, string>>
        {
            [Platform.IosXe] = new Dictionary<string, string>
            {
                ["bmp over tls"] = "IOS-XE exports BMP over plain TCP only",
                ["mld control filter"] = "IOS IPv6 ACLs cannot match IGMP message types; use 'queries drop' for MLD",
            },
            [Platform.IosXr] = new Dictionary<string, string>
            {
                ["mrinfo filter"] = "IOS XR has no mrinfo filter",
                ["router-guard"] = "router guard is a switch-port feature IOS XR does not have",
                ["igmp minimum version"] = "IOS XR sets the IGMP version but cannot refuse older reports",
                ["mld minimum version"] = "IOS XR sets the MLD version but cannot refuse older reports",
                ["register-rate-limit"] = "IOS XR has no PIM register rate limit",
                ["bmp over tls"] = "IOS XR exports BMP over plain TCP only",
                ["mld control filter"] = "IOS XR IPv6 ACLs cannot match IGMP message types; use 'queries drop' for MLD",
                ["group-encryption"] = "GET VPN is an IOS-XE feature",
            },
            [Platform.Junos] = new Dictionary<string, string>
            {
                ["mrinfo filter"] = "Junos has no mrinfo filter",
                ["router-guard"] = "router guard is a Cisco switch-port feature",
                ["sap-listen"] = "Junos listens for SAP only when 'protocols sap' is configured; there is no switch to emit",
                ["igmp minimum version"] = "Junos sets the IGMP version but cannot refuse older reports",
                ["mld minimum version"] = "Junos sets the MLD version but cannot refuse older reports",
                ["register-rate-limit"] = "Junos has no PIM register rate limit",
                ["announce-filter (Auto-RP)"] = "Junos Auto-RP has no announce filter",
                ["boundary filter-auto-rp"] = "Junos scopes cannot filter Auto-RP announcements by group range",
                ["msdp redistribute filter"] = "Junos applies MSDP export policies per peer only",
                ["bmp over tls"] = "Junos exports BMP over plain TCP only",
                ["group-encryption"] = "GET VPN is an IOS-XE feature",
            },
            [Platform.Frr] = new Dictionary<string, string>
            {
                ["mroute-limit"] = "FRR 8.4 pimd has no multicast route limit",
                ["igmp limit (router-wide)"] = "FRR 8.4 has no IGMP group limit",
                ["mld limit (router-wide)"] = "FRR 8.4 has no MLD group limit",
                ["igmp default-limit"] = "FRR 8.4 has no IGMP group limit",
                ["mld default-limit"] = "FRR 8.4 has no MLD group limit",
                ["igmp interface limit"] = "FRR 8.4 has no IGMP group limit",
                ["igmp interface limit with except"] = "FRR 8.4 has no IGMP group limit",
                ["mld interface limit"] = "FRR 8.4 has no MLD group limit",
                ["mld interface limit with except"] = "FRR 8.4 has no MLD group limit",
                ["igmp minimum version"] = "FRR sets the IGMP version but cannot refuse older reports",
                ["mld minimum version"] = "FRR sets the MLD version but cannot refuse older reports",
                ["igmp access filter"] = "FRR 8.4 has no IGMP access list ('ip igmp access-list' is refused)",
                ["mld access filter"] = "FRR 8.4 has no MLD access list",
                ["igmp queries drop"] = "FRR cannot drop host queries; use an nftables device for this box",
                ["mld queries drop"] = "FRR cannot drop host queries; use an nftables device for this box",
                ["igmp control filter"] = "FRR has no packet filter; use an nftables device for this box",
                ["mld control filter"] = "FRR has no packet filter; use an nftables device for this box",
                ["state-limit"] = "FRR 8.4 has no per-interface state limits",
                ["state-limit with costs"] = "FRR 8.4 has no per-interface state limits",
                ["pim neighbor filter"] = "FRR 8.4 has no PIM neighbor filter",
                ["boundary filter-auto-rp"] = "FRR does not implement Auto-RP",
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
                ["bgp tcp-ao authentication"] = "FRR 8.4 has no TCP-AO",
                ["bmp over tls"] = "FRR 8.4 BMP has no TLS",
                ["control-plane"] = "FRR has no packet filter; use an nftables device for this box",
                ["group-encryption"] = "GET VPN is an IOS-XE feature",
            },
            [Platform.Nftables] = DataPlaneUnsupported(),
            // A Linux edge box: FRR for routing, nftables for the data plane, mpol-agent for
            // limits and admission. What none of the three can do is listed here.
            [Platform.Linux] = new Dictionary<string, string>
            {
                ["group-encryption"] = "GET VPN is an IOS-XE feature",
                ["router-guard"] = "router guard is a switch-port feature",
                ["mrinfo filter"] = "Linux has no mrinfo responder to filter",
                ["announce-filter (Auto-RP)"] = "FRR does not implement Auto-RP",
                ["boundary filter-auto-rp"] = "FRR does not implement Auto-RP",
                ["register-rate-limit"] = "FRR 8.4 has no PIM register rate limit",
                ["msdp redistribute filter"] = "FRR 8.4 MSDP has no redistribute filter",
                ["msdp sa-filter"] = "FRR 8.4 MSDP has no SA filter",
                ["msdp sa-limit"] = "FRR 8.4 MSDP has no SA limit",
                ["msdp md5 authentication"] = "FRR 8.4 MSDP has no MD5 authentication",
                ["bgp tcp-ao authentication"] = "FRR 8.4 has no TCP-AO; use md5 on a Linux edge",
            },
        };

    private static Dictionary<string, string> DataPlaneUnsupported()
    {
        var result = new Dictionary<string, string>();
        foreach (var construct in new[]
        {
            "mroute-limit", "igmp limit (router-wide)", "mld limit (router-wide)", "igmp default-limit", "mld default-limit",
            "igmp interface limit", "igmp interface limit with except", "mld interface limit", "mld interface limit with except",
            "state-limit", "state-limit with costs", "sap-listen", "rp address", "accept-register", "announce-filter (Auto-RP)",
            "register-rate-limit", "msdp peer", "msdp sa-filter", "msdp sa-limit", "msdp md5 authentication", "msdp redistribute filter",
            "bgp", "bgp damping", "bgp max-prefix", "bgp md5 authentication", "bgp tcp-ao authentication", "bgp ttl-security",
            "bgp prefix-filter", "bmp station", "bmp over tls", "group-encryption", "router-guard", "mrinfo filter",
            "igmp minimum version", "mld minimum version",
        })
        {
            result[construct] = DataPlaneOnly + " (limits are enforced by mpol-agent: use platform 'linux')";
        }
        return result;
    }
}

using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// The statements of a device, each with its construct name and where it is written: what
/// every backend must either write or report unsupported (MP4001), so nothing is dropped
/// silently. The names are the vocabulary of the per-platform support tables
/// (Emit/&lt;Platform&gt;/*Support.cs) and of docs/targets.md.
/// </summary>
public static class ConstructUses
{
    /// <summary>Every construct a device uses, with where it is written.</summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> Of(Device device)
    {
        if (device.RouteLimit is { } routeLimit) yield return ("mroute-limit", routeLimit.Span);
        if (device.IgmpRouterCap is { } ic) yield return ("igmp limit (router-wide)", ic.Span);
        if (device.MldRouterCap is { } mc) yield return ("mld limit (router-wide)", mc.Span);
        if (device.IgmpDefaultLimit is { } idl) yield return ("igmp default-limit", idl.Span);
        if (device.MldDefaultLimit is { } mdl) yield return ("mld default-limit", mdl.Span);
        if (device.SapListen is not null && device.SapListenSpan is { } sap) yield return ("sap-listen", sap);
        if (device.MrinfoFilter is { } mrinfo) yield return ("mrinfo filter", mrinfo.Span);
        if (device.GroupRange is { } range) yield return ("group-range", range.Span);
        if (device.SsmRangeSpan is { } ssm) yield return ("ssm-range", ssm);
        if (device.ComposedLoopbackFilter is { } composed) yield return ("compose loopback-filter", composed.Span);
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
            if (iface.Pim is { Disabled: true } off) yield return ("pim disabled", off.Span);
            if (iface.Description is not null) yield return ("interface description", iface.Span);
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
            if (msdp.OriginatorId is not null) yield return ("msdp originator-id", msdp.Span);
            foreach (var peer in msdp.Peers)
            {
                yield return ("msdp peer", peer.Span);
                if (peer.SaFilterIn is not null || peer.SaFilterOut is not null) yield return ("msdp sa-filter", peer.Span);
                if (peer.SaLimit is not null) yield return ("msdp sa-limit", peer.Span);
                if (peer.Auth is { Kind: AuthKind.Md5 } md5) yield return ("msdp md5 authentication", md5.Span);
                if (peer.Auth is { Kind: AuthKind.TcpAo } ao) yield return ("msdp tcp-ao authentication", ao.Span);
                if (peer.Description is not null) yield return ("msdp peer description", peer.Span);
                if (peer.MeshGroup is not null) yield return ("msdp mesh-group", peer.Span);
                if (peer.ConnectSource is not null) yield return ("msdp connect-source", peer.Span);
            }
        }
        if (device.Bgp is { } bgp)
        {
            yield return ("bgp", bgp.Span);
            if (bgp.Damping is { } damping) yield return ("bgp damping", damping.Span);
            if (bgp.RouterId is not null) yield return ("bgp router-id", bgp.Span);
            if (bgp.EbgpDefaultSpan is { } ebgpDefault) yield return ("bgp ebgp-default", ebgpDefault);
            foreach (var n in bgp.Neighbors)
            {
                yield return ("bgp neighbor", n.Span);
                if (n.HoldTime is not null) yield return ("bgp hold-time", n.Span);
                if (n.Description is not null) yield return ("bgp neighbor description", n.Span);
                if (n.MaxPrefix is { } max) yield return ("bgp max-prefix", max.Span);
                if (n.Auth is { Kind: AuthKind.Md5 } md5) yield return ("bgp md5 authentication", md5.Span);
                if (n.Auth is { Kind: AuthKind.TcpAo } ao) yield return ("bgp tcp-ao authentication", ao.Span);
                if (n.TtlSecurityHops is not null) yield return ("bgp ttl-security", n.Span);
                if (n.PrefixFilterIn is not null || n.PrefixFilterOut is not null) yield return ("bgp prefix-filter", n.Span);
                foreach (var action in n.OriginActions) yield return ("bgp origin validation", action.Span);
                if (n.AsPath?.RejectSpan is { } reject) yield return ("bgp as-path reject", reject);
                if (n.AsPath?.MaxLengthSpan is { } maxLength) yield return ("bgp as-path max-length", maxLength);
                if (n.AsPath?.FirstAsSpan is { } firstAs) yield return ("bgp as-path first-as", firstAs);
                if (n.BlackholeRejectSpan is { } blackhole) yield return ("bgp blackhole reject", blackhole);
                if (n.GracefulShutdownSpan is { } gshut) yield return ("bgp graceful-shutdown honor", gshut);
                foreach (var span in n.CommunitiesIn?.Spans ?? []) yield return ("bgp community in", span);
                foreach (var span in n.CommunitiesOut?.Spans ?? []) yield return ("bgp community out", span);
            }
        }
        if (device.Rpki is { } rpki) yield return ("rpki cache", rpki.Span);
        foreach (var station in device.BmpStations)
        {
            yield return ("bmp station", station.Span);
            if (station.Tls is { Mode: not TlsMode.Off } tls) yield return ("bmp over tls", tls.Span);
            if (station.Port != BmpStation.DefaultPort) yield return ("bmp port", station.Span);
            if (!station.Monitor.IsDefaultOrEmpty) yield return ("bmp monitor", station.Span);
            if (station.StatsInterval is not null) yield return ("bmp stats-interval", station.Span);
        }
        if (device.ControlPlane is { } cp) yield return ("control-plane", cp.Span);
        if (device.GroupEncryption is { } ge) yield return ("group-encryption", ge.Span);
        if (device.Telemetry is { } telemetry) yield return ("telemetry", telemetry.Span);
        // `log` per use of a filter with log rules, where the use is: a use the platform cannot
        // write at all is reported there (MP4001), and its log with it.
        foreach (var use in LogUses(device).Distinct())
        {
            yield return (use.InPrefixFilter ? "rule log in a BGP prefix filter" : "rule log", use.Span);
        }
    }

    /// <summary>
    /// Constructs the agent table carries and no router configuration does (hints for mpol-agent):
    /// the configuration backends are not answerable for them.
    /// </summary>
    public static readonly IReadOnlySet<string> AgentOnly = new HashSet<string>(StringComparer.Ordinal) { "telemetry" };

    /// <summary>
    /// Every use of a filter with a <c>log</c> rule: the construct that uses it, where (the span
    /// <see cref="Of"/> gives that use), and whether it is a BGP prefix filter.
    /// </summary>
    public static IEnumerable<(string UsedBy, SourceSpan Span, bool InPrefixFilter)> LogUses(Device device) =>
        FiltersOf(device).Where(f => f.Filter.Rules.Any(r => r.Log)).Select(f => (f.UsedBy, f.Span, f.UsedBy == "bgp prefix-filter"));

    /// <summary>Every filter a device uses, with the construct that uses it and that use's span in <see cref="Of"/>.</summary>
    public static IEnumerable<(Filter Filter, string UsedBy, SourceSpan Span)> FiltersOf(Device device)
    {
        if (device.MrinfoFilter is { } m) yield return (m.Filter, "mrinfo filter", m.Span);
        if (device.GroupRange is { } g) yield return (g.Filter, "group-range", g.Span);
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                if (membership is null) continue;
                string p = membership.Protocol == GroupProtocol.Igmp ? "igmp" : "mld";
                if (membership.Access is { } access) yield return (access, $"{p} access filter", access.Span);
                if (membership.Control is { } control) yield return (control, $"{p} control filter", membership.Span);
            }
            foreach (var boundary in iface.Boundaries) yield return (boundary.Filter, boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary", boundary.Span);
            if (iface.SourceFilter is { } source) yield return (source, "source-filter", source.Span);
        }
        if (device.Rp?.AcceptRegister is { } accept) yield return (accept, "accept-register", accept.Span);
        if (device.Rp?.AnnounceFilter is { } announce) yield return (announce, "announce-filter (Auto-RP)", announce.Span);
        if (device.Msdp is { } msdp)
        {
            if (msdp.Redistribute is { } redistribute) yield return (redistribute, "msdp redistribute filter", msdp.Span);
            foreach (var peer in msdp.Peers)
            {
                if (peer.SaFilterIn is { } i) yield return (i, "msdp sa-filter", peer.Span);
                if (peer.SaFilterOut is { } o) yield return (o, "msdp sa-filter", peer.Span);
            }
        }
        foreach (var n in device.Bgp?.Neighbors ?? [])
        {
            if (n.PrefixFilterIn is { } i) yield return (i, "bgp prefix-filter", n.Span);
            if (n.PrefixFilterOut is { } o) yield return (o, "bgp prefix-filter", n.Span);
        }
        if (device.ControlPlane is { Filter: { } cp } plane) yield return (cp, "control-plane", plane.Span);
        if (device.GroupEncryption is { Protect: { } protect } encryption) yield return (protect, "group-encryption", encryption.Span);
    }
}

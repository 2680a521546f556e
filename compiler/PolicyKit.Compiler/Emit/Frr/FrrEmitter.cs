using PolicyKit.Compiler.Emit.Linux;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// FRR 8.4 (Debian): one integrated <c>frr.conf</c> for pimd and bgpd, in the form
/// <c>show running-config</c> writes (blocks closed by <c>exit</c>). It serves FRR routers and
/// the routing part of a Linux edge box, whose packet filtering goes to the nftables ruleset and
/// whose limits go to the mpol-agent table (see <see cref="LinuxSupport"/>). Prefix lists are collected while the body is rendered and written
/// above it, so every name is defined before the line that uses it.
/// </summary>
public sealed class FrrEmitter : ConfigEmitter
{
    public override string Target => "frr";

    public override string FileName => "frr.conf";

    protected override string CommentMarker => "!";

    public override bool Serves(Platform platform) => platform is Platform.Frr or Platform.Linux;

    /// <summary>
    /// Every construct of an FRR router and the refinements its platform's table lists; on a
    /// Linux box only the routing-protocol ones (PIM, boundaries, MSDP, BGP, BMP).
    /// </summary>
    protected override IEnumerable<(string Construct, SourceSpan Span)> ResponsibleConstructs(Device device)
    {
        var all = base.ResponsibleConstructs(device);
        return device.Platform == Platform.Linux ? all.Where(c => LinuxSupport.IsRouting(c.Construct)) : all;
    }

    protected override void EmitDevice(DeviceEmission e)
    {
        var lists = new FrrPrefixLists();
        var body = new ConfigWriter("!", " ");
        WriteOwnership(e);
        EmitPim(e, body, lists);
        EmitMsdp(e, body);
        foreach (var iface in e.Device.Interfaces) EmitInterface(e, body, lists, iface);
        EmitBgp(e, body, lists);

        lists.WriteTo(e.Writer);
        e.Writer.Append(body);
        e.Writer.Line("end");
    }

    // ── header notes ──

    private static void WriteOwnership(DeviceEmission e)
    {
        var w = e.Writer;
        var d = e.Device;
        var daemons = new List<string>();
        if (d.Rp is not null || d.Msdp is not null || d.Interfaces.Length > 0 || !IsDefaultSsm(d)) daemons.Add("pimd");
        if (d.Bgp is not null) daemons.Add(BgpdModules(d));
        if (daemons.Count > 0) w.Comment($"Daemons (/etc/frr/daemons): {string.Join(", ", daemons)}; load with vtysh -b or frr-reload.");
        if (d.Platform == Platform.Linux)
        {
            var constructs = ConstructUses.Of(d).Concat(PlatformSupport.RefinementsOf(d)).Select(c => c.Construct).Distinct().ToList();
            var nft = constructs.Where(LinuxSupport.InNftables.Contains).ToList();
            var agent = constructs.Where(LinuxSupport.InAgent.Contains).ToList();
            if (nft.Count > 0 || agent.Count > 0)
            {
                w.Comment("Linux edge box: this file is its routing (FRR). Not here, by design:");
                if (nft.Count > 0) w.Comment($"  in the nftables ruleset: {string.Join(", ", nft)}");
                if (agent.Count > 0) w.Comment($"  in the mpol-agent table: {string.Join(", ", agent)}");
            }
        }
        w.Blank();
    }

    /// <summary>bgpd with the modules the device needs: bmp for BMP stations, rpki (Debian's frr-rpki-rtrlib) for RTR caches.</summary>
    private static string BgpdModules(Device d)
    {
        var modules = new List<string>();
        if (d.BmpStations.Length > 0) modules.Add("BMP");
        if (d.Rpki is not null) modules.Add("RPKI");
        if (modules.Count == 0) return "bgpd";
        string options = string.Concat(modules.Select(m => $" -M {m.ToLowerInvariant()}"));
        return $"bgpd (with the {string.Join(" and ", modules)} module{(modules.Count > 1 ? "s" : "")}: bgpd_options=\"-A 127.0.0.1{options}\")";
    }

    /// <summary>True when, on a Linux box, the nftables ruleset carries this form instead of FRR.</summary>
    private static bool InNftables(DeviceEmission e, string refinement) =>
        e.Device.Platform == Platform.Linux && LinuxSupport.InNftables.Contains(refinement);

    /// <summary>A construct instance the nftables ruleset of this Linux box carries: say so where it would stand.</summary>
    private static void LeftToNftables(DeviceEmission e, ConfigWriter w, string construct, string refinement, SourceSpan span)
    {
        w.Comment($"{construct} ({DeviceEmission.Where(span)}): {refinement} — in the nftables ruleset of this box, not in FRR");
        e.Emitted(construct);
    }

    /// <summary>A construct instance FRR cannot write (its refinement is marked UNSUPPORTED above): say so where it would stand.</summary>
    private static void NotWritten(DeviceEmission e, ConfigWriter w, string construct, string refinement, SourceSpan span)
    {
        w.Comment($"{construct} ({DeviceEmission.Where(span)}): not written — {refinement} is UNSUPPORTED on {e.Device.Platform.Keyword()} (see above)");
        e.Emitted(construct);
    }

    // ── PIM (router-wide) ──

    private static void EmitPim(DeviceEmission e, ConfigWriter w, FrrPrefixLists lists)
    {
        var d = e.Device;
        // The IPv4 range (232/8 is FRR's own default and needs no line); IPv6 is a refinement.
        if (d.SsmRangeSpan is not null) e.Emitted("ssm-range");
        if (IsDefaultSsm(d) && d.Rp is null) return;
        w.Comment("PIM (pimd)");
        if (!IsDefaultSsm(d))
        {
            string name = lists.Add(FrrSyntax.NameFor(d.Name, "SSM"), IpFamily.V4, PrefixListCompiler.PermitSet(d.SsmRange, IpFamily.V4));
            w.Line($"ip pim ssm prefix-list {name}");
        }
        if (d.Rp is { } rp)
        {
            if (rp.Address is { } address)
            {
                if (address.Family == IpFamily.V6)
                {
                    NotWritten(e, w, "rp address", "ipv6 multicast routing", rp.Span);
                }
                else if (rp.Groups is null || rp.Groups.IsAny)
                {
                    w.Line($"ip pim rp {FrrSyntax.Address(address)} 224.0.0.0/4");
                    e.Emitted("rp address");
                }
                else if (rp.Groups.Include.Any(p => p.Prefix.Family == IpFamily.V4))
                {
                    string name = lists.Add(FrrSyntax.NameFor(d.Name, "RP-GROUPS"), IpFamily.V4, PrefixListCompiler.PermitSet(rp.Groups, IpFamily.V4));
                    w.Line($"ip pim rp {FrrSyntax.Address(address)} prefix-list {name}");
                    e.Emitted("rp address");
                }
                else
                {
                    NotWritten(e, w, "rp address", "ipv6 multicast routing", rp.Span);
                }
            }
            if (rp.AcceptRegister is { } accept)
            {
                if (e.IsUnsupported("accept-register by group") && accept.Rules.Any(r => r.Match.Groups is { IsAny: false }))
                {
                    NotWritten(e, w, "accept-register", "accept-register by group", accept.Span);
                }
                else
                {
                    // pimd matches the register's inner source (as a /32) against the list.
                    var rules = accept.Rules.Select(r => PrefixListCompiler.AddressRule(r.Action, r.Match.Sources, IpFamily.V4)).ToList();
                    string name = lists.Add(FrrSyntax.NameFor(accept.Name, accept.IsInline ? null : "REGISTER"), IpFamily.V4, PrefixListCompiler.Entries(rules, IpFamily.V4));
                    w.Line($"ip pim register-accept-list {name}");
                    e.Emitted("accept-register");
                }
            }
        }
        w.Line("!");
    }

    /// <summary>True when the device's IPv4 SSM range is FRR's own default, 232.0.0.0/8 (then no line is needed).</summary>
    private static bool IsDefaultSsm(Device d)
    {
        var ssm4 = d.SsmRange.Include.Where(p => p.Prefix.Family == IpFamily.V4).ToList();
        return !d.SsmRange.IsAny && ssm4.Count == 1 && ssm4[0].Prefix == IpPrefix.DefaultSsmV4 &&
               !d.SsmRange.Except.Any(p => p.Prefix.Family == IpFamily.V4);
    }

    // ── MSDP ──

    private static void EmitMsdp(DeviceEmission e, ConfigWriter w)
    {
        var d = e.Device;
        if (d.Msdp is not { } msdp) return;
        w.Comment("MSDP (pimd)");
        if (msdp.OriginatorId is { } originator)
            w.Comment($"originator-id \"{originator}\": FRR originates SAs with the RP address of the group");
        var meshSources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in msdp.Peers)
        {
            string address = FrrSyntax.Address(peer.Address);
            // Documentation: FRR MSDP peers have no description statement.
            w.Comment($"peer {address} (AS {peer.RemoteAs}){(peer.Description is { } description ? ": " + FrrSyntax.Text(description) : "")}");
            if (peer.Description is not null) e.Emitted("msdp peer description");
            if (peer.Address.Family == IpFamily.V6)
            {
                NotWritten(e, w, "msdp peer", "ipv6 multicast routing", peer.Span);
                continue;
            }
            if (LocalAddress(d, peer) is not { } source)
            {
                NotWritten(e, w, "msdp peer", peer.ConnectSource is null ? "msdp peer without a local address" : "msdp connect-source by interface name", peer.Span);
                continue;
            }
            if (peer.ConnectSource is null) w.Comment($"local address {source}: the {(d.Rp?.Address is { Family: IpFamily.V4 } ? "RP address" : "BGP router-id")} (FRR needs one; write connect-source to choose)");
            if (peer.MeshGroup is { } mesh)
            {
                // FRR creates mesh-group members as peers itself, from the group's one source address.
                if (!meshSources.TryGetValue(mesh, out var meshSource))
                {
                    meshSources[mesh] = meshSource = source;
                    w.Line($"ip msdp mesh-group {mesh} source {source}");
                }
                else if (meshSource != source)
                {
                    w.Comment($"FRR gives a mesh group one source address: {meshSource}, not {source}");
                }
                w.Line($"ip msdp mesh-group {mesh} member {address}");
                e.Emitted("msdp mesh-group");
            }
            else
            {
                w.Line($"ip msdp peer {address} source {source}");
            }
            e.Emitted("msdp peer");
            if (peer.ConnectSource is not null) e.Emitted("msdp connect-source");
        }
        w.Line("!");
    }

    /// <summary>The address FRR's MSDP session is sourced from: connect-source when it is an address, else the RP address, else the BGP router-id.</summary>
    private static string? LocalAddress(Device d, MsdpPeer peer)
    {
        if (peer.ConnectSource is { } connect) return PlatformSupport.IsIpv4Address(connect) ? connect : null;
        if (d.Rp?.Address is { Family: IpFamily.V4 } rp) return FrrSyntax.Address(rp);
        if (d.Bgp?.RouterId is { Family: IpFamily.V4 } id) return FrrSyntax.Address(id);
        return null;
    }

    // ── interfaces ──

    private static void EmitInterface(DeviceEmission e, ConfigWriter w, FrrPrefixLists lists, InterfacePolicy iface)
    {
        w.Line($"interface {iface.Name}");
        using (w.Indent())
        {
            if (iface.Description is { } description)
            {
                w.Line($"description {FrrSyntax.Text(description)}");
                e.Emitted("interface description");
            }
            var pim = iface.Pim;
            if (pim is { Disabled: true })
            {
                w.Line("no ip pim");
                e.Emitted("pim disabled");
                if (pim.NoNeighbors || pim.PermittedNeighbors is not null || pim.BsrBorder)
                    w.Comment("PIM is off here: no neighbour and no BSR message is accepted at all");
                if (pim.NoNeighbors || pim.PermittedNeighbors is not null) e.Emitted("pim neighbor filter");
                if (pim.BsrBorder) e.Emitted("bsr-border");
            }
            else
            {
                w.Line("ip pim");
                if (pim is not null) EmitPimInterface(e, w, pim);
            }
            if (iface.Igmp is { } igmp)
            {
                // Receivers on this interface: IGMP on (FRR's default querier version is 3).
                w.Line("ip igmp");
                if (igmp.MinimumVersion == 3) w.Line("ip igmp version 3");
            }
            EmitBoundary(e, w, lists, iface);
        }
        w.Line("exit");
        w.Line("!");
    }

    private static void EmitPimInterface(DeviceEmission e, ConfigWriter w, PimInterfacePolicy pim)
    {
        if (pim.NoNeighbors)
        {
            // A passive PIM interface neither sends nor accepts any PIM message (hello, join/prune,
            // assert, BSM): no neighbour can form, which is what "neighbors none" asks.
            w.Line("ip pim passive");
            e.Emitted("pim neighbor filter");
        }
        else if (pim.PermittedNeighbors is not null)
        {
            if (InNftables(e, "pim neighbor filter by address")) LeftToNftables(e, w, "pim neighbor filter", "pim neighbor filter by address", pim.Span);
            else if (e.IsUnsupported("pim neighbor filter by address")) NotWritten(e, w, "pim neighbor filter", "pim neighbor filter by address", pim.Span);
        }
        if (pim.BsrBorder)
        {
            // BSMs are neither accepted nor forwarded here, multicast or unicast.
            w.Line("no ip pim bsm");
            w.Line("no ip pim unicast-bsm");
            e.Emitted("bsr-border");
        }
    }

    /// <summary>
    /// ip multicast boundary oil: joins and IGMP reports received here for groups the prefix
    /// list denies are ignored, so those groups are never forwarded out of this interface. One
    /// list per interface: several boundaries are combined into the groups all of them permit.
    /// </summary>
    private static void EmitBoundary(DeviceEmission e, ConfigWriter w, FrrPrefixLists lists, InterfacePolicy iface)
    {
        if (iface.Pim is { Disabled: true } && !iface.Boundaries.IsEmpty)
        {
            // FRR refuses a boundary where PIM is off: on a Linux box the nftables ruleset drops
            // the groups; on an FRR router it is reported (a refinement), not written.
            w.Comment(e.Device.Platform == Platform.Linux
                ? "boundary: PIM is off on this interface, so FRR cannot hold it — in the nftables ruleset of this box"
                : "boundary: not written — PIM is off on this interface (UNSUPPORTED above)");
            if (e.Device.Platform == Platform.Linux)
            {
                foreach (var boundary in iface.Boundaries) e.Emitted(boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary");
            }
            return;
        }
        var written = new List<Boundary>();
        foreach (var boundary in iface.Boundaries)
        {
            string construct = boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary";
            if (boundary.Filter.Rules.Any(r => r.Match.Sources is { IsAny: false }))
            {
                // A prefix list over groups cannot carry it; its group rules alone would be wrong.
                if (InNftables(e, "boundary by source"))
                {
                    LeftToNftables(e, w, construct, "boundary by source", boundary.Span);
                    continue;
                }
                if (e.IsUnsupported("boundary by source"))
                {
                    NotWritten(e, w, construct, "boundary by source", boundary.Span);
                    continue;
                }
            }
            written.Add(boundary);
            e.Emitted(construct);
        }
        if (written.Count == 0) return;
        string name;
        if (written.Count == 1)
        {
            var filter = written[0].Filter;
            var rules = filter.Rules.Select(r => PrefixListCompiler.AddressRule(r.Action, r.Match.Groups, IpFamily.V4)).ToList();
            name = lists.Add(FrrSyntax.NameFor(filter.Name, filter.IsInline ? null : "BOUNDARY"), IpFamily.V4, PrefixListCompiler.Entries(rules, IpFamily.V4));
        }
        else
        {
            var permitted = written.Select(b => GroupSpace.Permitted(b.Filter.Rules.Select(r => (r.Action, r.Match.Groups)), IpFamily.V4))
                .Aggregate(GroupSpace.Intersect);
            var entries = permitted.Count == 0 ? ["deny any"] : permitted.Select(p => $"permit {PrefixRange.Block(p)}").ToList();
            name = lists.Add(FrrSyntax.NameFor(iface.Name, "BOUNDARY"), IpFamily.V4, entries);
        }
        if (written.Any(b => b.FilterAutoRp)) w.Comment("filter-auto-rp: FRR has no Auto-RP; the groups are bounded, Auto-RP mappings are not rewritten");
        w.Line($"ip multicast boundary oil {name}");
    }

    // ── BGP and BMP ──

    private static void EmitBgp(DeviceEmission e, ConfigWriter w, FrrPrefixLists lists)
    {
        var d = e.Device;
        if (d.Bgp is not { } bgp)
        {
            if (d.BmpStations.Length > 0)
            {
                w.Comment("BMP targets are configured under router bgp; this device runs no BGP, so none is written");
                e.Emitted("bmp station");
                if (d.BmpStations.Any(s => s.Tls is { Mode: not TlsMode.Off })) e.Emitted("bmp over tls");
            }
            return;
        }
        FrrInboundPolicy.WriteCaches(e, w);
        FrrInboundPolicy.WriteRouteMaps(e, w, bgp);
        w.Line($"router bgp {bgp.LocalAs}");
        e.Emitted("bgp");
        using (w.Indent())
        {
            if (bgp.RouterId is { } routerId)
            {
                w.Line($"bgp router-id {FrrSyntax.Address(routerId)}");
                e.Emitted("bgp router-id");
            }
            // Each neighbour is activated in its own address family only.
            w.Line("no bgp default ipv4-unicast");
            w.Line("bgp log-neighbor-changes");
            // FRR follows RFC 8212: an eBGP session exchanges no routes in a direction without a
            // filter. The policy means "no filter" there, as IOS-XE and Junos write it (MP3033
            // warns about the inbound one).
            // With `ebgp-default reject` the policy means RFC 8212 itself, written out though it is FRR's default.
            if (bgp.EbgpRejectsUnfiltered) w.Line("bgp ebgp-requires-policy");
            else if (bgp.Neighbors.Any(n => n.RemoteAs != bgp.LocalAs && (n.PrefixFilterIn is null || n.PrefixFilterOut is null)))
                w.Line("no bgp ebgp-requires-policy");
            if (bgp.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
            foreach (var n in bgp.Neighbors) EmitNeighbor(e, w, n);
            var families = bgp.Neighbors.Select(n => n.Address.Family).Distinct().Order().ToList();
            if (families.Count == 0 && bgp.Damping is not null) families.Add(IpFamily.V4);
            foreach (var family in families) EmitAddressFamily(e, w, lists, bgp, family);
            EmitBmp(e, w, bgp);
        }
        w.Line("exit");
        w.Line("!");
    }

    private static void EmitNeighbor(DeviceEmission e, ConfigWriter w, BgpNeighbor n)
    {
        string a = FrrSyntax.Address(n.Address);
        w.Line($"neighbor {a} remote-as {n.RemoteAs}");
        e.Emitted("bgp neighbor");
        FrrInboundPolicy.WriteNeighborSession(e, w, n);
        if (n.Description is { } description)
        {
            w.Line($"neighbor {a} description {FrrSyntax.Text(description)}");
            e.Emitted("bgp neighbor description");
        }
        if (n.Auth is { Kind: AuthKind.Md5, Secret: { } secret })
        {
            w.Line($"neighbor {a} password {e.Secret(secret)}");
            e.Emitted("bgp md5 authentication");
        }
        if (n.TtlSecurityHops is { } hops)
        {
            w.Line($"neighbor {a} ttl-security hops {hops}");
            e.Emitted("bgp ttl-security");
        }
        if (n.HoldTime is { } hold)
        {
            long seconds = (long)hold.TotalSeconds;
            w.Line($"neighbor {a} timers {seconds / 3} {seconds}");
            e.Emitted("bgp hold-time");
        }
    }

    private static void EmitAddressFamily(DeviceEmission e, ConfigWriter w, FrrPrefixLists lists, BgpPolicy bgp, IpFamily family)
    {
        w.Line("!");
        w.Line($"address-family {FrrSyntax.Family(family)} unicast");
        using (w.Indent())
        {
            if (bgp.Damping is { } damping)
            {
                w.Line($"bgp dampening {FrrSyntax.Minutes(damping.HalfLife, 45)} {damping.Reuse} {damping.Suppress} {FrrSyntax.Minutes(damping.MaxSuppress, 255)}");
                e.Emitted("bgp damping");
            }
            foreach (var n in bgp.Neighbors.Where(n => n.Address.Family == family))
            {
                string a = FrrSyntax.Address(n.Address);
                w.Line($"neighbor {a} activate");
                if (n.MaxPrefix is { } max)
                {
                    string options = (max.WarnPercent is { } warn ? $" {FrrSyntax.Percent(warn)}" : "") +
                        (max.WarningOnly ? " warning-only" : max.Restart is { } restart ? $" restart {FrrSyntax.Minutes(restart, 65535)}" : "");
                    w.Line($"neighbor {a} maximum-prefix {max.Max}{options}");
                    e.Emitted("bgp max-prefix");
                }
                foreach (var (filter, direction) in new[] { (n.PrefixFilterIn, "in"), (n.PrefixFilterOut, "out") })
                {
                    if (filter is null) continue;
                    string name = lists.Add(FrrSyntax.NameFor(filter.Name, family == IpFamily.V4 ? null : "V6"), family, PrefixListCompiler.PrefixFilter(filter, family));
                    w.Line($"neighbor {a} prefix-list {name} {direction}");
                    e.Emitted("bgp prefix-filter");
                }
                FrrInboundPolicy.WriteNeighborPolicy(w, bgp, n);
            }
        }
        w.Line("exit-address-family");
    }

    private static void EmitBmp(DeviceEmission e, ConfigWriter w, BgpPolicy bgp)
    {
        var d = e.Device;
        var tlsStations = d.BmpStations.Where(s => s.Tls is { Mode: not TlsMode.Off }).ToList();
        var localPorts = BmpTlsWrapper.LocalPorts(tlsStations);
        var families = bgp.Neighbors.Select(n => n.Address.Family).Distinct().Order().ToList();
        if (families.Count == 0) families.Add(IpFamily.V4);
        foreach (var station in d.BmpStations)
        {
            w.Line("!");
            w.Line($"bmp targets {station.Name}");
            using (w.Indent())
            {
                string host = station.Address is { } address ? FrrSyntax.Address(address) : BmpTlsWrapper.LocalAddress;
                if (station.Address is null) w.Comment("no address: the station (mpol-agent) runs on this box");
                if (station.Tls is { Mode: not TlsMode.Off } tls)
                {
                    if (e.IsUnsupported("bmp over tls"))
                    {
                        // Never fall back to plain TCP where the policy asks for TLS.
                        w.Comment($"no bmp connect: station {station.Name} requires TLS, which FRR's BMP cannot do (UNSUPPORTED above)");
                    }
                    else
                    {
                        int port = localPorts[station];
                        string command = BmpTlsWrapper.Command(d.Name, station, tls, port, out var notes);
                        w.Comment($"TLS: FRR's BMP speaks plain TCP, so it connects to a local socat that carries the session to {host} port {station.Port} over {(tls.Mode == TlsMode.Mutual ? "mutual " : "")}TLS.");
                        w.Comment("Run on this box (e.g. as a systemd service), with the router's client certificate signed by the station's CA:");
                        w.Comment($"  {command}");
                        foreach (var note in notes) w.Comment($"  note: {note}");
                        w.Line($"bmp connect {BmpTlsWrapper.LocalAddress} port {port} min-retry 100 max-retry 1000");
                        e.Emitted("bmp over tls");
                    }
                }
                else
                {
                    w.Line($"bmp connect {host} port {station.Port} min-retry 100 max-retry 1000");
                }
                var monitors = station.Monitor.IsDefaultOrEmpty ? [BmpMonitor.PrePolicy] : station.Monitor;
                if (station.Monitor.IsDefaultOrEmpty) w.Comment("no monitor given: Adj-RIB-In pre-policy");
                foreach (var family in families)
                {
                    foreach (var monitor in monitors.Where(m => m != BmpMonitor.LocRib))
                    {
                        w.Line($"bmp monitor {FrrSyntax.Family(family)} unicast {(monitor == BmpMonitor.PrePolicy ? "pre-policy" : "post-policy")}");
                    }
                }
                if (monitors.Contains(BmpMonitor.LocRib)) w.Comment("monitor loc-rib: not written (UNSUPPORTED above)");
                if (station.StatsInterval is { } stats)
                {
                    w.Line($"bmp stats interval {Math.Clamp((long)stats.TotalMilliseconds, 100, 86_400_000)}");
                    e.Emitted("bmp stats-interval");
                }
                // The port is in the bmp connect line; the monitors in the bmp monitor lines.
                e.Emitted("bmp port");
                if (!station.Monitor.IsDefaultOrEmpty) e.Emitted("bmp monitor");
            }
            w.Line("exit");
            e.Emitted("bmp station");
        }
    }
}

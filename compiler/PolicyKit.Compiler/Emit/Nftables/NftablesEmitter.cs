using PolicyKit.Compiler.Emit.Linux;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Nftables;

/// <summary>
/// Linux nftables: the data plane of a <c>nftables</c> device (a pure packet filter) and of a
/// <c>linux</c> edge box (FRR routes, mpol-agent enforces limits and admission, this file
/// filters packets). One file defines one table, <c>table inet policykit</c>, loaded atomically.
///
/// Chains and where they hook (priorities are netfilter's; lower runs first):
/// <list type="bullet">
/// <item><c>pk_prerouting</c> — prerouting, priority -250: after raw/notrack (-300), before
/// conntrack (-200), so a dropped packet never creates conntrack state, and before the mangle
/// priority (-150) where mpol-agent queues IGMP (NFQUEUE), so the agent only sees IGMP the policy
/// lets in. Everything that arrives on an interface: group-range, and through the verdict map
/// <c>pk_interfaces_in</c> each interface's own chain (IGMP version, queries, IGMP/MLD control
/// list, PIM neighbor filter, BSR border, boundaries, source filter). IGMP is filtered here, not
/// in input: a report to a group the box has not joined reaches the multicast routing socket
/// without passing the input hook.</item>
/// <item><c>pk_input</c> — input, priority filter (0): traffic to the box itself: the
/// infrastructure ACL and its rate limits, SAP, mrinfo.</item>
/// <item><c>pk_postrouting</c> — postrouting, priority filter (0): everything leaving through an
/// interface, forwarded or locally sent (multicast forwarding passes forward and postrouting):
/// group-range for the box's own traffic, and through <c>pk_interfaces_out</c> each interface's
/// outbound boundaries and BSR border.</item>
/// </list>
/// A policy's "permit" is <c>return</c> (the packet goes on to the next protection) and "deny" is
/// <c>drop</c>, so every protection applies independently. Chains keep <c>policy accept</c>: this
/// table only drops what the policy denies; the box's own firewall lives in its own tables.
/// </summary>
public sealed class NftablesEmitter : ConfigEmitter
{
    public override string Target => "nftables";

    public override string FileName => "nftables.nft";

    protected override string CommentMarker => "#";

    protected override string IndentUnit => "\t";

    public override bool Serves(Platform platform) => platform is Platform.Nftables or Platform.Linux;

    /// <summary>An nftables device uses the nftables table; a Linux edge box the Linux table (FRR, nftables and the agent together).</summary>
    protected override Platform SupportPlatform(Device device) => device.Platform == Platform.Nftables ? Platform.Nftables : Platform.Linux;

    protected override IEnumerable<(string Construct, SourceSpan Span)> ResponsibleConstructs(Device device) =>
        device.Platform == Platform.Linux
            ? ConstructUses.Of(device).Where(c => LinuxSupport.NftablesAnswersFor.Contains(c.Construct))
            : ConstructUses.Of(device).Where(c => !ConstructUses.AgentOnly.Contains(c.Construct));

    private static readonly IpPrefix[] AllMulticast = [IpPrefix.MulticastV4, IpPrefix.MulticastV6];

    /// <summary>
    /// Routable multicast: everything but the link-local control groups (224.0.0.0/24; IPv6
    /// scopes 0–2, ffX0::/16–ffX2::/16 for every flag value X). Boundaries and a source filter's
    /// implicit deny act on these only, so PIM hellos, IGMP and MLD are never caught by them.
    /// </summary>
    public static AddressIntervals RoutableMulticast(IpFamily family)
    {
        if (family == IpFamily.V4)
        {
            return AddressIntervals.FromPrefixes(family, [IpPrefix.MulticastV4])
                .Subtract(AddressIntervals.FromPrefixes(family, [IpPrefix.Parse("224.0.0.0/24")]));
        }
        var linkScopes = Enumerable.Range(0, 16).SelectMany(flags => Enumerable.Range(0, 3)
            .Select(scope => IpPrefix.Parse($"ff{flags:x}{scope:x}::/16")));
        return AddressIntervals.FromPrefixes(family, [IpPrefix.MulticastV6])
            .Subtract(AddressIntervals.FromPrefixes(family, linkScopes));
    }

    private static readonly IpFamily[] Families = [IpFamily.V4, IpFamily.V6];

    protected override void EmitDevice(DeviceEmission e)
    {
        var rs = new NftRuleset();
        var pre = rs.NewChain("pk_prerouting", NftChainKind.Base, "type filter hook prerouting priority -250; policy accept;");
        var input = rs.NewChain("pk_input", NftChainKind.Base, "type filter hook input priority filter; policy accept;");
        var post = rs.NewChain("pk_postrouting", NftChainKind.Base, "type filter hook postrouting priority filter; policy accept;");

        var builder = new Builder(e, rs);
        builder.RouterWide(pre, input, post);
        builder.Interfaces(pre, post);
        builder.ControlPlane(pre, input);

        var w = e.Writer;
        w.Comment("Load with `nft -f nftables.nft`: the table is replaced in one transaction.");
        w.Comment("pk_prerouting (prerouting, -250): what arrives on an interface, before conntrack and mpol-agent's NFQUEUE (-150).");
        w.Comment("pk_input (input, 0): traffic to this box. pk_postrouting (postrouting, 0): what leaves through an interface.");
        w.Comment("A policy permit is `return` (the next protection still applies), a deny is `drop`.");
        // Documentation: nftables has no interface descriptions.
        foreach (var iface in e.Device.Interfaces.Where(i => i.Description is not null))
        {
            w.Comment($"interface {iface.Name}: {iface.Description}");
            e.Emitted("interface description");
        }
        // Rules with log get `log prefix "pk …"` in the chains that carry them.
        if (ConstructUses.LogUses(e.Device).Any(u => !u.InPrefixFilter && !e.IsUnsupported(u.UsedBy))) e.Emitted("rule log");
        w.Blank();
        rs.Write(w);
    }

    /// <summary>One device's walk: collects sets and chains in the ruleset and records each construct written.</summary>
    private sealed class Builder(DeviceEmission e, NftRuleset rs)
    {
        private Device D => e.Device;

        private bool Responsible(string construct) =>
            !e.IsUnsupported(construct) && (D.Platform != Platform.Linux || LinuxSupport.NftablesAnswersFor.Contains(construct));

        // ── router-wide ──

        public void RouterWide(NftChain pre, NftChain input, NftChain post)
        {
            if (D.SapListen is { } sap && Responsible("sap-listen"))
            {
                if (sap)
                {
                    input.Comment("sap-listen on: SAP/SDP announcements (udp 9875) to this box are not dropped");
                }
                else
                {
                    input.Comment("sap-listen off: no SAP/SDP announcements (udp 9875) reach this box");
                    input.Rule("udp dport 9875 drop");
                }
                e.Emitted("sap-listen");
            }
            if (D.MrinfoFilter is { } mrinfo && Responsible("mrinfo filter"))
            {
                Mrinfo(input, mrinfo.Filter);
                e.Emitted("mrinfo filter");
            }
            if (D.GroupRange is { } range && Responsible("group-range"))
            {
                GroupRange(pre, post, range.Filter);
                e.Emitted("group-range");
            }
        }

        /// <summary>
        /// mrinfo asks a router for its neighbours with a DVMRP Ask-Neighbors message (IGMP type
        /// 0x13, code 5, or code 3 from old clients; nft calls the code byte "mrt"). Requests from
        /// sources the filter denies are dropped.
        /// </summary>
        private void Mrinfo(NftChain input, Filter filter)
        {
            const string request = "igmp type 19 igmp mrt { 3, 5 }";
            input.Comment($"mrinfo filter {filter.Name}: DVMRP Ask-Neighbors (IGMP type 0x13, code 3/5) only from what it permits");
            var universe = AddressIntervals.Universe(IpFamily.V4);
            if (SingleFieldDenied(filter, "from", IpFamily.V4, universe, allowSources: false) is { } denied)
            {
                // Written as what may ask ("!= permitted") when that is the shorter list.
                var permitted = universe.Subtract(denied);
                string name = NftRuleset.Identifier("mrinfo", ShortName(filter));
                if (denied.IsUniverse) input.Rule($"{request} drop");
                else if (permitted.Ranges.Count < denied.Ranges.Count) input.Rule($"{request} ip saddr != {Operand(permitted, [], name + "_permitted", IpFamily.V4)} drop");
                else if (!denied.IsEmpty) input.Rule($"{request} ip saddr {Operand(denied, [], name + "_denied", IpFamily.V4)} drop");
                return;
            }
            string chain = FilterChain(filter, Role.Mrinfo);
            input.Rule($"{request} jump {chain}");
        }

        /// <summary>
        /// group-range: the groups the filter denies, one set per family, dropped on the way in
        /// (forwarded and to this box, including IGMPv1/v2 reports and MLDv1 reports, which are
        /// sent to the group itself) and on the way out of the box's own traffic.
        /// </summary>
        private void GroupRange(NftChain pre, NftChain post, Filter filter)
        {
            pre.Comment($"group-range {filter.Name}: denied groups are dropped in the data plane and in IGMPv1/v2/MLDv1 reports");
            post.Comment($"group-range {filter.Name}: nor does this box send to them");
            foreach (var family in Families)
            {
                var universe = AddressIntervals.FromPrefixes(family, AllMulticast);
                if (SingleFieldDenied(filter, "groups", family, universe, allowSources: false) is { } denied)
                {
                    if (denied.IsEmpty) continue;
                    string set = rs.AddSet($"pk_group_range_{NftSyntax.Suffix(family)}", NftSyntax.AddrType(family), true, denied.Elements(),
                        $"group-range {filter.Name}: every {NftSyntax.Suffix(family)} group it denies");
                    pre.Rule($"{NftSyntax.Ip(family)} daddr @{set} drop");
                    post.Rule($"{NftSyntax.Ip(family)} daddr @{set} drop");
                }
                else
                {
                    // A rule that logs needs the first-match chain (a set cannot log per rule).
                    string chain = FilterChain(filter, Role.GroupRange);
                    string guard = $"{NftSyntax.Ip(family)} daddr {Operand(universe, [], "pk_multicast", family)}";
                    pre.Rule($"{guard} jump {chain}");
                    post.Rule($"{guard} jump {chain}");
                }
            }
        }

        // ── interfaces ──

        public void Interfaces(NftChain pre, NftChain post)
        {
            var inMap = new List<string>();
            var outMap = new List<string>();
            foreach (var iface in D.Interfaces)
            {
                var inbound = new NftChain(NftRuleset.Identifier("in", iface.Name), NftChainKind.Interface, null);
                var outbound = new NftChain(NftRuleset.Identifier("out", iface.Name), NftChainKind.Interface, null);
                Interface(iface, inbound, outbound);
                string description = iface.Description is { } d ? $" ({d})" : string.Empty;
                if (inbound.HasRules)
                {
                    var chain = rs.NewChain(inbound.Name, NftChainKind.Interface);
                    chain.Comments.Add($"interface {iface.Name}{description}: what arrives on it");
                    chain.Rules.AddRange(inbound.Rules);
                    inMap.Add($"{NftRuleset.Quote(iface.Name)} : jump {chain.Name}");
                }
                if (outbound.HasRules)
                {
                    var chain = rs.NewChain(outbound.Name, NftChainKind.Interface);
                    chain.Comments.Add($"interface {iface.Name}{description}: what leaves through it");
                    chain.Rules.AddRange(outbound.Rules);
                    outMap.Add($"{NftRuleset.Quote(iface.Name)} : jump {chain.Name}");
                }
            }
            if (inMap.Count > 0) pre.Rule($"iifname vmap @{rs.AddVerdictMap("pk_interfaces_in", "ifname", inMap)}");
            if (outMap.Count > 0) post.Rule($"oifname vmap @{rs.AddVerdictMap("pk_interfaces_out", "ifname", outMap)}");
        }

        private void Interface(InterfacePolicy iface, NftChain inbound, NftChain outbound)
        {
            Membership(iface.Igmp, inbound);
            Membership(iface.Mld, inbound);
            if (iface.Pim is { } pim)
            {
                if ((pim.NoNeighbors || pim.PermittedNeighbors is not null) && Responsible("pim neighbor filter"))
                {
                    PimNeighbors(pim, inbound);
                    e.Emitted("pim neighbor filter");
                }
                if (pim.BsrBorder && Responsible("bsr-border"))
                {
                    // PIMv2 Bootstrap: version 2, type 4 in the first byte of the PIM header.
                    inbound.Comment("bsr-border: no BSR message (PIMv2 type 4) enters");
                    inbound.Rule("meta l4proto pim @th,0,8 0x24 drop");
                    outbound.Comment("bsr-border: no BSR message (PIMv2 type 4) leaves");
                    outbound.Rule("meta l4proto pim @th,0,8 0x24 drop");
                    e.Emitted("bsr-border");
                }
            }
            foreach (var boundary in iface.Boundaries)
            {
                string construct = boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary";
                if (boundary.FilterAutoRp && e.IsUnsupported(construct))
                {
                    // Reported UNSUPPORTED in the header (and as MP4001): the Auto-RP part cannot be
                    // done here, but the boundary's data-plane drops still are.
                    Boundary(boundary, inbound, outbound);
                    continue;
                }
                if (!Responsible(construct)) continue;
                Boundary(boundary, inbound, outbound);
                e.Emitted(construct);
            }
            if (iface.SourceFilter is { } source && Responsible("source-filter"))
            {
                string chain = FilterChain(source, Role.SourceFilter);
                inbound.Comment($"source-filter {source.Name}: which (S,G) traffic may enter");
                inbound.Rule($"jump {chain}");
                e.Emitted("source-filter");
            }
        }

        private void Membership(GroupMembershipPolicy? membership, NftChain inbound)
        {
            if (membership is null) return;
            bool igmp = membership.Protocol == GroupProtocol.Igmp;
            string p = igmp ? "igmp" : "mld";
            if (membership.MinimumVersion is { } version && Responsible($"{p} minimum version"))
            {
                // Reports of older versions are ignored: IGMPv1 (0x12) and v2 (0x16), MLDv1 (131).
                List<string> older = igmp
                    ? new[] { "membership-report-v1", "membership-report-v2" }.Take(Math.Clamp(version - 1, 0, 2)).ToList()
                    : version >= 2 ? ["mld-listener-report"] : [];
                inbound.Comment($"{p} version >= {version}: {(older.Count == 0 ? "every version is accepted" : "older membership reports are dropped")}");
                if (older.Count > 0) inbound.Rule($"{(igmp ? "igmp" : "icmpv6")} type {NftSyntax.OneOrSet(older)} drop");
                e.Emitted($"{p} minimum version");
            }
            if (membership.DropQueries && Responsible($"{p} queries drop"))
            {
                inbound.Comment($"{p} queries drop: hosts never query on this LAN");
                inbound.Rule(igmp ? "igmp type membership-query drop" : "icmpv6 type mld-listener-query drop");
                e.Emitted($"{p} queries drop");
            }
            if (membership.Control is { } control && Responsible($"{p} control filter"))
            {
                string chain = FilterChain(control, igmp ? Role.IgmpControl : Role.MldControl);
                inbound.Comment($"{p} control {control.Name}");
                inbound.Rule(igmp ? $"meta l4proto igmp jump {chain}" : $"icmpv6 type {NftSyntax.AllMldTypes} jump {chain}");
                e.Emitted($"{p} control filter");
            }
        }

        /// <summary>
        /// PIM neighbor filter: PIM sent to ALL-PIM-ROUTERS (hellos, joins/prunes, asserts, BSR)
        /// is accepted only from the permitted neighbours; with <c>neighbors none</c> from nobody.
        /// Unicast PIM (registers from remote DRs) is not neighbour traffic: the control-plane
        /// filter governs it.
        /// </summary>
        private void PimNeighbors(PimInterfacePolicy pim, NftChain inbound)
        {
            inbound.Comment(pim.NoNeighbors ? "pim neighbors none: no PIM neighbour on this interface" : $"pim neighbors {pim.PermittedNeighbors!.Describe()}");
            foreach (var family in Families)
            {
                string head = $"meta l4proto pim {NftSyntax.Ip(family)} daddr {NftSyntax.AllPimRouters(family)}";
                if (pim.NoNeighbors)
                {
                    inbound.Rule($"{head} drop");
                    continue;
                }
                var allowed = Intervals(pim.PermittedNeighbors!, family);
                if (allowed is null) continue; // any
                if (allowed.IsEmpty)
                {
                    inbound.Rule($"{head} drop");
                    continue;
                }
                string baseName = pim.PermittedNeighbors!.SetNames.Length > 0 ? SetBaseName(pim.PermittedNeighbors.SetNames, family) : "pk_pim_neighbors_" + NftSyntax.Suffix(family);
                inbound.Rule($"{head} {NftSyntax.Ip(family)} saddr != {Operand(allowed, pim.PermittedNeighbors.SetNames, baseName, family)} drop");
            }
        }

        /// <summary>
        /// A boundary: routable multicast to the groups it denies never crosses the interface,
        /// in either direction. A filter over groups only becomes one set of denied groups per
        /// family; one that also matches sources (or logs) becomes a first-match chain. A rule on
        /// (*,G) joins (sources 0.0.0.0/32 or ::/128) concerns PIM joins, which carry no data
        /// packet: the data plane has nothing to match for it.
        /// </summary>
        private void Boundary(Boundary boundary, NftChain inbound, NftChain outbound)
        {
            var filter = boundary.Filter;
            string name = ShortName(filter);
            inbound.Comment($"boundary {filter.Name}{(boundary.FilterAutoRp ? " filter-auto-rp (Auto-RP messages are not rewritten here)" : "")}: denied groups never enter");
            outbound.Comment($"boundary {filter.Name}: denied groups never leave");
            if (filter.Rules.Any(IsStarGOnly)) inbound.Comment("(*,G) rules match PIM joins, not packets: nothing to match in the data plane");
            foreach (var family in Families)
            {
                var universe = RoutableMulticast(family);
                if (SingleFieldDenied(filter, "groups", family, universe, allowSources: true) is { } denied)
                {
                    if (denied.IsEmpty) continue;
                    string set = rs.AddSet(NftRuleset.Identifier("boundary", name) + "_" + NftSyntax.Suffix(family), NftSyntax.AddrType(family), true, denied.Elements(),
                        $"boundary {filter.Name}: the {NftSyntax.Suffix(family)} groups it keeps from crossing");
                    inbound.Rule($"{NftSyntax.Ip(family)} daddr @{set} drop");
                    outbound.Rule($"{NftSyntax.Ip(family)} daddr @{set} drop");
                }
                else
                {
                    string chain = FilterChain(filter, Role.Boundary);
                    string guard = $"{NftSyntax.Ip(family)} daddr {Operand(universe, [], "pk_routable_multicast", family)}";
                    inbound.Rule($"{guard} jump {chain}");
                    outbound.Rule($"{guard} jump {chain}");
                }
            }
        }

        // ── control plane ──

        /// <summary>
        /// The infrastructure ACL for traffic to this box, with its rate limits first (a packet
        /// over its protocol's rate is dropped, the rest is then filtered). Loopback traffic is
        /// the box talking to itself and is left alone. IGMP is policed and filtered in
        /// prerouting (see the class comment), everything else in input.
        /// </summary>
        public void ControlPlane(NftChain pre, NftChain input)
        {
            if (D.ControlPlane is not { } cp || !Responsible("control-plane")) return;
            input.Comment("control-plane: rate limits, then the infrastructure ACL, for traffic to this box");
            foreach (var rate in cp.Rates)
            {
                string match = NftSyntax.Protocol(rate.Protocol, null, null)!;
                string limit = $"limit rate over {rate.PacketsPerSecond}/second drop";
                if (rate.Protocol.Protocol == Protocol.Igmp) pre.Rule($"{match} {limit}");
                else input.Rule($"iif != \"lo\" {(match.Length > 0 ? match + " " : "")}{limit}");
            }
            if (cp.Filter is { } filter)
            {
                string chain = FilterChain(filter, Role.ControlPlane);
                pre.Rule($"meta l4proto igmp jump {chain}");
                input.Rule($"iif != \"lo\" meta l4proto != igmp jump {chain}");
            }
            e.Emitted("control-plane");
        }

        // ── filters ──

        private enum Role
        {
            IgmpControl,
            MldControl,
            SourceFilter,
            Boundary,
            ControlPlane,
            GroupRange,
            Mrinfo,
        }

        /// <summary>
        /// A first-match filter as a chain: each rule a line per family (or one line when it
        /// names no address), permit → <c>return</c>, deny → <c>drop</c>, and the implicit deny
        /// at the end (for a source filter only for routable multicast, as the guide's data-plane
        /// ACL ends). One chain per filter and role, shared by every place that uses it.
        /// </summary>
        private string FilterChain(Filter filter, Role role)
        {
            string roleName = role switch
            {
                Role.IgmpControl => "igmp_control",
                Role.MldControl => "mld_control",
                Role.SourceFilter => "source_filter",
                Role.Boundary => "boundary",
                Role.ControlPlane => "control_plane",
                Role.GroupRange => "group_range",
                _ => "mrinfo",
            };
            return rs.Chain($"{roleName}:{filter.Name}", NftRuleset.Identifier(roleName, ShortName(filter)), NftChainKind.Filter, chain =>
            {
                chain.Comments.Add($"{roleName.Replace('_', ' ')} {filter.Name} ({DeviceEmission.Where(filter.Span)}): first match; permit returns, deny drops");
                bool closed = false;
                for (int i = 0; i < filter.Rules.Length && !closed; i++)
                {
                    foreach (var (line, unconditional) in RuleLines(filter, i + 1, filter.Rules[i], role))
                    {
                        chain.Rule(line);
                        closed |= unconditional;
                    }
                }
                if (closed) return;
                if (role == Role.SourceFilter)
                {
                    chain.Comment("the implicit deny, for routable multicast only: other traffic is not this filter's business");
                    foreach (var family in Families)
                        chain.Rule($"{NftSyntax.Ip(family)} daddr {Operand(RoutableMulticast(family), [], "pk_routable_multicast", family)} drop");
                }
                else
                {
                    chain.Rule("drop");
                }
            });
        }

        private IEnumerable<(string Line, bool Unconditional)> RuleLines(Filter filter, int number, FilterRule rule, Role role)
        {
            var m = rule.Match;
            string verdict = rule.Action == RuleAction.Permit ? "return" : "drop";
            string log = rule.Log ? $"log prefix {NftRuleset.Quote($"pk {ShortName(filter)} #{number}: ")} " : string.Empty;

            // What is matched besides addresses: IGMP/MLD types, or each protocol on a line of its
            // own (protocols differ in form: auto-rp is udp/496). Null: cannot occur in the family.
            var alternatives = new List<Func<IpFamily?, string?>>();
            if (!m.IgmpTypes.IsDefaultOrEmpty)
            {
                if (role == Role.MldControl)
                {
                    var types = m.IgmpTypes.Select(NftSyntax.MldType).OfType<string>().Distinct().ToList();
                    if (types.Count == 0)
                    {
                        yield return ($"# rule {number} (igmp-type {string.Join(", ", m.IgmpTypes.Select(NftSyntax.IgmpTypeName))}): no MLD message has these types", false);
                        yield break;
                    }
                    alternatives.Add(_ => $"icmpv6 type {NftSyntax.OneOrSet(types)}");
                }
                else
                {
                    string types = NftSyntax.OneOrSet(m.IgmpTypes.Select(NftSyntax.IgmpType).Distinct().ToList());
                    alternatives.Add(f => f == IpFamily.V6 ? null : $"igmp type {types}");
                }
            }
            else if (!m.Protocols.IsDefaultOrEmpty)
            {
                foreach (var protocol in m.Protocols.Distinct()) alternatives.Add(f => NftSyntax.Protocol(protocol, m.Port, f));
            }
            else
            {
                alternatives.Add(f => NftSyntax.Protocol(null, m.Port, f));
            }

            var addressTerms = new List<(string Direction, AddressMatch Match, string Field)>();
            if (m.Sources is { IsAny: false } sources) addressTerms.Add(("saddr", sources, "src"));
            if (m.From is { IsAny: false } from) addressTerms.Add(("saddr", from, "from"));
            if (m.Groups is { IsAny: false } groups) addressTerms.Add(("daddr", groups, "grp"));
            if (m.To is { IsAny: false } to) addressTerms.Add(("daddr", to, "to"));

            IpFamily?[] families = addressTerms.Count == 0 ? [null] : [IpFamily.V4, IpFamily.V6];
            foreach (var family in families)
            {
                if (family == IpFamily.V6 && role == Role.IgmpControl) continue;
                if (family == IpFamily.V4 && role == Role.MldControl) continue;
                var parts = new List<string>();
                bool possible = true;
                foreach (var (direction, match, field) in addressTerms)
                {
                    var intervals = Intervals(match, family!.Value)!;
                    if (field == "src" && role == Role.Boundary) intervals = intervals.Subtract(StarG(family.Value));
                    if (intervals.IsEmpty)
                    {
                        possible = false;
                        break;
                    }
                    string context = NftRuleset.Identifier(ShortName(filter), $"r{number}", field) + "_" + NftSyntax.Suffix(family.Value);
                    parts.Add($"{NftSyntax.Ip(family.Value)} {direction} {Operand(intervals, match.SetNames, context, family.Value)}");
                }
                if (!possible) continue;
                foreach (var alternative in alternatives)
                {
                    string? what = alternative(family);
                    if (what is null) continue;
                    var line = new List<string>();
                    if (what.Length > 0) line.Add(what);
                    line.AddRange(parts);
                    bool unconditional = line.Count == 0 && log.Length == 0;
                    line.Add(log + verdict);
                    yield return (string.Join(" ", line) + TypeNames(m, role), unconditional);
                }
            }
        }

        /// <summary>A trailing comment naming the IGMP types nft can only write as numbers (pim-v1 is 20).</summary>
        private static string TypeNames(Match m, Role role)
        {
            if (role == Role.MldControl || m.IgmpTypes.IsDefaultOrEmpty) return string.Empty;
            var numeric = m.IgmpTypes.Distinct().Where(t => char.IsDigit(NftSyntax.IgmpType(t)[0])).ToList();
            return numeric.Count == 0 ? string.Empty : "  # " + string.Join(", ", numeric.Select(NftSyntax.IgmpTypeName));
        }

        private static bool IsStarGOnly(FilterRule rule) =>
            rule.Match.Sources is { IsAny: false } s && Families.All(f => Intervals(s, f) is { } iv && iv.Subtract(StarG(f)).IsEmpty);

        /// <summary>The (*,G) join marker: source 0.0.0.0/32 (IPv6 ::/128).</summary>
        private static AddressIntervals StarG(IpFamily family) =>
            AddressIntervals.FromPrefixes(family, [new IpPrefix(family, 0, family == IpFamily.V4 ? 32 : 128)]);

        /// <summary>
        /// What a first-match filter over one address field denies in one family, within
        /// <paramref name="universe"/> (what no rule matches is denied); null when the filter
        /// needs a chain: it logs, or matches another field (sources other than (*,G), when allowed).
        /// </summary>
        private static AddressIntervals? SingleFieldDenied(Filter filter, string fieldName, IpFamily family, AddressIntervals universe, bool allowSources)
        {
            var decided = AddressIntervals.Empty(family);
            var denied = AddressIntervals.Empty(family);
            foreach (var rule in filter.Rules)
            {
                if (rule.Log) return null;
                var m = rule.Match;
                if (allowSources && m.Sources is { IsAny: false } sources)
                {
                    if (!Families.All(f => Intervals(sources, f) is { } iv && iv.Subtract(StarG(f)).IsEmpty)) return null;
                    continue; // a (*,G) rule: no packet matches it
                }
                if (m.UsedFields().Any(f => f != fieldName && !(allowSources && f == "sources"))) return null;
                var own = fieldName == "groups" ? m.Groups : m.From;
                var matched = own is null || own.IsAny ? universe : Intervals(own, family)!.Intersect(universe);
                var fresh = matched.Subtract(decided);
                if (rule.Action == RuleAction.Deny) denied = denied.Union(fresh);
                decided = decided.Union(matched);
            }
            return denied.Union(universe.Subtract(decided));
        }

        /// <summary>The addresses of a match in one family (except applied), or null for any.</summary>
        private static AddressIntervals? Intervals(AddressMatch match, IpFamily family)
        {
            var expanded = FilterLowering.Expand(match, family);
            return expanded is null ? null : AddressIntervals.FromPrefixes(family, expanded.Select(p => p!.Value));
        }

        /// <summary>
        /// An address operand: one prefix written inline, or a named interval set — named after
        /// the policy's sets when the match names any (pk_cp1_channels_v4), else after its place.
        /// </summary>
        private string Operand(AddressIntervals intervals, IReadOnlyCollection<string> setNames, string contextName, IpFamily family)
        {
            if (setNames.Count == 0 && intervals.IsSinglePrefix) return intervals.Elements()[0];
            string baseName = setNames.Count > 0 ? SetBaseName(setNames, family) : contextName.EndsWith("_" + NftSyntax.Suffix(family), StringComparison.Ordinal) ? contextName : contextName + "_" + NftSyntax.Suffix(family);
            string? comment = setNames.Count > 0 ? $"{string.Join(", ", setNames)} ({NftSyntax.Suffix(family)})" : null;
            if (comment is null && contextName == "pk_routable_multicast") comment = "routable multicast: every group outside the link-local scopes";
            return "@" + rs.AddSet(baseName, NftSyntax.AddrType(family), true, intervals.Elements(), comment);
        }

        private static string SetBaseName(IEnumerable<string> setNames, IpFamily family)
        {
            string name = NftRuleset.Identifier(setNames.ToArray());
            string suffix = "_" + NftSyntax.Suffix(family);
            return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
        }

        /// <summary>A filter's name for chain and set names: inline filters drop their ".boundary"-style tail.</summary>
        private static string ShortName(Filter filter)
        {
            if (!filter.IsInline) return filter.Name;
            int dot = filter.Name.LastIndexOf('.');
            return dot > 0 ? filter.Name[..dot] : filter.Name;
        }
    }
}

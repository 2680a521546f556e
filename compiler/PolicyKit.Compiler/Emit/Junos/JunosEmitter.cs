using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// Juniper Junos (MX Series routers), written in the <b>set form</b>: one complete
/// <c>set …</c> statement per line, exactly as <c>show configuration | display set</c> prints
/// it. The set form is chosen over the hierarchical (curly-brace) form because every line
/// stands alone — a diff between two compiles shows precisely the statements that change —
/// and the file loads as it is with <c>load set FILE</c> (then <c>commit check</c>), merging
/// into the site's own configuration (interface addresses, IGP, system settings), which the
/// policy does not describe. Lines starting with '#' are comments.
///
/// Idioms (one per construct; docs/targets.md has the table):
/// <list type="bullet">
/// <item>Filters over multicast channels become routing policies: groups are
///   <c>route-filter … orlonger</c>, sources <c>source-address-filter</c>; a filter's implicit
///   deny is a final <c>reject</c> term. They serve IGMP/MLD <c>group-policy</c>, MSDP SA
///   <c>import</c>/<c>export</c>, <c>rp-register-policy</c> and the PIM join filter.</item>
/// <item>BGP prefix filters become policies of route-filters with the prefix-length ranges of
///   the sets (exact, orlonger, upto, prefix-length-range).</item>
/// <item>Packet filters become <c>firewall family inet|inet6 filter</c>s. IGMP message types are
///   matched with a flexible match on the first byte of the IGMP header, because Junos inet
///   filters have no igmp-type condition; flexible matches need an MX with MPCs (Trio).</item>
/// <item>Traffic to the router itself (control plane, GTSM, mrinfo) is filtered by one loopback
///   filter, <c>interfaces lo0 unit 0 family inet filter input</c>, with pps policers.</item>
/// </list>
/// The body is rendered first while named objects are collected in a <see cref="JunosBook"/>;
/// the objects are written above it.
/// </summary>
public sealed class JunosEmitter : ConfigEmitter
{
    public override string Target => "junos";

    public override string FileName => "junos.conf";

    protected override string CommentMarker => "#";

    public override bool Serves(Platform platform) => platform == Platform.Junos;

    private static readonly IpFamily[] V4 = [IpFamily.V4];
    private static readonly IpFamily[] V6 = [IpFamily.V6];
    private static readonly IpFamily[] Both = [IpFamily.V4, IpFamily.V6];

    // Between the MSDP RED threshold (default 24000) and the maximum, Junos drops SAs at random.
    private const int MsdpDefaultRedThreshold = 24_000;


    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DeviceEmission, HashSet<(string, SourceSpan)>> RefinementCache = new();

    /// <summary>True when the refinement is reported unsupported at this place (the part it names is then not written).</summary>
    private static bool Refused(DeviceEmission e, string refinement, SourceSpan span) =>
        e.IsUnsupported(refinement) &&
        RefinementCache.GetValue(e, x => PlatformSupport.RefinementsOf(x.Device).ToHashSet()).Contains((refinement, span));

    protected override void EmitDevice(DeviceEmission e)
    {
        var book = new JunosBook();
        var body = new ConfigWriter("#", " ");
        // Firewall terms of a log rule get `then syslog` (JunosTerms.FirewallThen); routing
        // policies cannot log, which is the refinement "rule log in a routing policy".
        if (ConstructUses.LogUses(e.Device).Any(u => !u.InPrefixFilter && !e.IsUnsupported(u.UsedBy))) e.Emitted("rule log");
        var lo0 = new LoopbackFilter();
        var global = new ConfigWriter("#", " ");
        EmitGlobal(e, global, book, lo0);
        if (!global.IsEmpty)
        {
            body.Comment("Router-wide multicast protection");
            body.Append(global);
            body.Blank();
        }
        foreach (var iface in e.Device.Interfaces) EmitInterface(e, body, book, iface);
        EmitBoundaries(e, body, book);
        EmitBsrBorder(e, body, book);
        EmitMsdp(e, body, book);
        EmitKeychains(e, body);
        EmitBgp(e, body, book, lo0);
        EmitBmp(e, body);
        EmitControlPlane(e, body, book, lo0);

        e.Writer.Comment("Junos set form: load with 'load set junos.conf' in configuration mode, then 'commit check'.");
        e.Writer.Blank();
        if (!book.IsEmpty)
        {
            e.Writer.Comment("Policies, filters and policers used below");
            book.Write(e.Writer);
        }
        e.Writer.Append(body);
    }

    // ── router-wide ──

    private static void EmitGlobal(DeviceEmission e, ConfigWriter w, JunosBook book, LoopbackFilter lo0)
    {
        var d = e.Device;
        if (d.RouteLimit is { } routeLimit)
        {
            // The forwarding cache (inet.1) holds one entry per multicast state; without a reuse
            // value new entries are refused while the count is at the suppress value.
            int max = routeLimit.Max;
            if (!Refused(e, "mroute-limit above 200000", routeLimit.Span))
            {
                w.Line($"set routing-options multicast forwarding-cache threshold suppress {max}");
                if (routeLimit.Warn is { } warn)
                {
                    // log-warning is a whole percentage of the suppress value: rounded down, so the
                    // warning never comes later than the policy asks.
                    long percent = Math.Clamp((long)warn * 100 / max, 1, 100);
                    w.Line($"set routing-options multicast forwarding-cache threshold log-warning {percent}");
                }
            }
            e.Emitted("mroute-limit");
        }
        if (d.SapListen is { } sap && !e.IsUnsupported("sap-listen"))
        {
            w.Line(sap ? "set protocols sap listen 224.2.127.254" : "set protocols sap disable");
            e.Emitted("sap-listen");
        }
        if (d.MrinfoFilter is { } mrinfo && !e.IsUnsupported("mrinfo filter"))
        {
            lo0.Mrinfo = mrinfo.Filter;
            w.Comment("mrinfo requests (IGMP type 0x13, DVMRP) are filtered in the loopback filter below");
            e.Emitted("mrinfo filter");
        }
        // Junos treats 232/8 (and ff3x::/32) as SSM already; ssm-groups adds the other ranges (a
        // range that leaves part of the default out is a refinement Junos reports).
        if (d.SsmRangeSpan is not null) e.Emitted("ssm-range");
        foreach (var prefix in d.SsmRange.Include.Select(p => p.Prefix).Where(p => !IpPrefix.DefaultSsmV4.Contains(p) && !IpPrefix.DefaultSsmV6.Contains(p)))
        {
            w.Line($"set routing-options multicast ssm-groups {prefix}");
        }
        foreach (var (protocol, cap, defaultLimit) in new[] { ("igmp", d.IgmpRouterCap, d.IgmpDefaultLimit), ("mld", d.MldRouterCap, d.MldDefaultLimit) })
        {
            if (cap is not null && !e.IsUnsupported($"{protocol} limit (router-wide)"))
            {
                throw new InvalidOperationException($"Junos has no router-wide {protocol} cap; the support table must list it");
            }
            if (defaultLimit is not null && !e.IsUnsupported($"{protocol} default-limit"))
            {
                if (!Refused(e, $"{protocol} default-limit with except", defaultLimit.Span) && !Refused(e, "group limit above 32767 per interface", defaultLimit.Span))
                {
                    // 'interface all' is every interface the policy does not name; a named
                    // interface's own statements replace it, so it is written there again below.
                    w.Comment($"{protocol} default-limit {defaultLimit.Max}: every interface, and on each interface below that sets no limit of its own");
                    if (defaultLimit.Max < 1)
                        w.Line($"set protocols {protocol} interface all group-policy {book.Add(JunosBook.PolicyStatement, JunosSyntax.Name($"{protocol}-LIMIT-ZERO"), RejectAll())}");
                    else
                        w.Line($"set protocols {protocol} interface all group-limit {defaultLimit.Max}");
                }
                e.Emitted($"{protocol} default-limit");
            }
        }
        if (d.Rp is { } rp) EmitRp(e, w, book, rp);
    }

    private static void EmitRp(DeviceEmission e, ConfigWriter w, JunosBook book, RpPolicy rp)
    {
        var d = e.Device;
        if (rp.Address is { } address && !e.IsUnsupported("rp address"))
        {
            var family = address.Family;
            var groups = rp.Groups is { } g ? FilterLowering.Prefixes(g, family) : [];
            // Junos configures the RP itself with 'rp local' and every other router with 'rp static'.
            // This router is taken to be the RP when it does RP work in the policy (accept-register,
            // MSDP) or the RP address is its BGP router-id.
            bool local = rp.AcceptRegister is not null || d.Msdp is not null || d.Bgp?.RouterId == address;
            if (local)
            {
                string at = family == IpFamily.V4 ? "set protocols pim rp local" : "set protocols pim rp local family inet6";
                w.Comment("This router is the RP (it accepts registers, runs MSDP or owns the RP address)");
                w.Line($"{at} address {address.NetworkAddress}");
                foreach (var prefix in groups) w.Line($"{at} group-ranges {prefix}");
            }
            else
            {
                string at = $"set protocols pim rp static address {address.NetworkAddress}";
                if (groups.Count == 0) w.Line(at);
                foreach (var prefix in groups) w.Line($"{at} group-ranges {prefix}");
            }
            e.Emitted("rp address");
        }
        if (rp.AcceptRegister is { } accept && !e.IsUnsupported("accept-register"))
        {
            w.Line($"set protocols pim rp rp-register-policy {ChannelPolicy(w, book, accept, "REGISTER", Both)}");
            e.Emitted("accept-register");
        }
        if (rp.AnnounceFilter is not null && !e.IsUnsupported("announce-filter (Auto-RP)"))
        {
            throw new InvalidOperationException("Junos has no Auto-RP announce filter; the support table must list it");
        }
    }

    /// <summary>A channel policy for a filter (named after it), with a comment for each rule Junos cannot match.</summary>
    private static string ChannelPolicy(ConfigWriter w, JunosBook book, Filter filter, string suffix, IReadOnlyCollection<IpFamily> families)
    {
        var notes = new List<string>();
        var terms = JunosTerms.ChannelPolicy(filter, families, notes);
        foreach (var note in notes) w.Comment(note);
        return book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(filter.Name, filter.IsInline ? null : suffix), terms);
    }

    // ── interfaces ──

    private static void EmitInterface(DeviceEmission e, ConfigWriter w, JunosBook book, InterfacePolicy iface)
    {
        var (physical, unit, logical) = JunosSyntax.Interface(iface.Name);
        w.Comment($"Interface {logical}");
        if (iface.Description is { } description)
        {
            w.Line($"set interfaces {physical} unit {unit} description {JunosSyntax.Quote(description)}");
            e.Emitted("interface description");
        }
        EmitMembership(e, w, book, iface, GroupProtocol.Igmp, logical);
        EmitMembership(e, w, book, iface, GroupProtocol.Mld, logical);
        EmitInboundFilters(e, w, book, iface, physical, unit);
        foreach (var limit in iface.StateLimits)
        {
            // Junos has no per-interface state limit; the support table says so and the base marks it.
            string construct = limit.IsCostBased ? "state-limit with costs" : "state-limit";
            if (!e.IsUnsupported(construct)) throw new InvalidOperationException($"Junos cannot express {construct}; the support table must list it");
        }
        if (iface.Pim is { } pim)
        {
            string at = $"set protocols pim interface {logical}";
            if (pim.Disabled)
            {
                w.Line($"{at} disable");
                e.Emitted("pim disabled");
            }
            if ((pim.NoNeighbors || pim.PermittedNeighbors is not null) && !e.IsUnsupported("pim neighbor filter"))
            {
                var terms = new JunosTerms();
                string name;
                if (pim.NoNeighbors)
                {
                    terms.Add("none", [], ["reject"]);
                    name = JunosSyntax.Name("PIM-NEIGHBORS-NONE");
                }
                else
                {
                    var neighbors = JunosTerms.Prefixes(pim.PermittedNeighbors, Both) ?? [IpPrefix.AnyV4, IpPrefix.AnyV6];
                    terms.Add("permitted", neighbors.Select(n => $"route-filter {JunosSyntax.OrLonger(n)}"), ["accept"]);
                    terms.Add("others", [], ["reject"]);
                    var names = pim.PermittedNeighbors!.SetNames;
                    name = JunosSyntax.Name(names.Length == 1 ? names[0] : $"{iface.Name}-PIM", "NEIGHBORS");
                }
                w.Line($"{at} neighbor-policy {book.Add(JunosBook.PolicyStatement, name, terms)}");
                e.Emitted("pim neighbor filter");
            }
            // bsr-border: the device-wide bootstrap import/export policies (EmitBsrBorder).
        }
        if (iface.RouterGuard && !e.IsUnsupported("router-guard"))
        {
            throw new InvalidOperationException("Junos has no router guard; the support table must list it");
        }
        w.Blank();
    }

    private static void EmitMembership(DeviceEmission e, ConfigWriter w, JunosBook book, InterfacePolicy iface, GroupProtocol protocol, string logical)
    {
        var membership = iface.MembershipFor(protocol);
        string p = protocol == GroupProtocol.Igmp ? "igmp" : "mld";
        string at = $"set protocols {p} interface {logical}";
        var families = protocol == GroupProtocol.Igmp ? V4 : V6;
        if (membership?.MinimumVersion is { } version && !e.IsUnsupported($"{p} minimum version"))
        {
            // The version makes the router speak it; reports of older versions are dropped by
            // the interface filter (EmitInboundFilters), so no group falls back to them.
            w.Line($"{at} version {version}");
            e.Emitted($"{p} minimum version");
        }
        EmitLimit(e, w, book, iface, protocol, at);
        if (membership?.Access is { } access && !e.IsUnsupported($"{p} access filter"))
        {
            w.Line($"{at} group-policy {ChannelPolicy(w, book, access, p.ToUpperInvariant(), families)}");
            e.Emitted($"{p} access filter");
        }
    }

    /// <summary>A policy that rejects every join (a limit of 0: group-limit starts at 1).</summary>
    private static JunosTerms RejectAll()
    {
        var none = new JunosTerms();
        none.Add("none", [], ["reject"]);
        return none;
    }

    private static void EmitLimit(DeviceEmission e, ConfigWriter w, JunosBook book, InterfacePolicy iface, GroupProtocol protocol, string at)
    {
        var membership = iface.MembershipFor(protocol);
        string p = protocol == GroupProtocol.Igmp ? "igmp" : "mld";
        var own = membership?.Limit;
        var limit = own ?? e.Device.DefaultLimitFor(protocol);
        if (limit is null || (membership is null && protocol != GroupProtocol.Igmp)) return;
        if (own is not null)
        {
            string construct = own.Except is null ? $"{p} interface limit" : $"{p} interface limit with except";
            if (e.IsUnsupported(construct)) return;
            e.Emitted(construct);
        }
        else if (e.IsUnsupported($"{p} default-limit") || Refused(e, $"{p} default-limit with except", limit.Span))
        {
            return;
        }
        if (Refused(e, "group limit above 32767 per interface", limit.Span)) return;
        if (limit.Max < 1)
        {
            // group-limit starts at 1: a limit of 0 admits nothing, which a reject-all group policy
            // says (written first, so that no access policy accepts a join before it).
            w.Line($"{at} group-policy {book.Add(JunosBook.PolicyStatement, JunosSyntax.Name($"{p}-LIMIT-ZERO"), RejectAll())}");
            return;
        }
        w.Line($"{at} group-limit {limit.Max}");
    }

    /// <summary>
    /// The interface's input firewall filters: IGMP query drop, old-version reports, the IGMP
    /// control list (ending in "discard all other IGMP") and the source filter (its implicit
    /// deny limited to routable multicast), then accept everything else — the same order as
    /// the guide's single inbound ACL. IPv6 gets the MLD and source-filter parts.
    /// </summary>
    private static void EmitInboundFilters(DeviceEmission e, ConfigWriter w, JunosBook book, InterfacePolicy iface, string physical, string unit)
    {
        var v4 = new JunosTerms();
        var igmp = iface.Igmp;
        if (igmp?.DropQueries == true && !e.IsUnsupported("igmp queries drop"))
        {
            v4.Add("igmp-queries", JunosSyntax.IgmpType(IgmpMessageType.Query), ["discard"]);
            e.Emitted("igmp queries drop");
        }
        if (igmp?.MinimumVersion is { } igmpVersion && !e.IsUnsupported("igmp minimum version"))
        {
            if (igmpVersion >= 2) v4.Add("igmp-v1-reports", JunosSyntax.IgmpType(IgmpMessageType.ReportV1), ["discard"]);
            if (igmpVersion >= 3) v4.Add("igmp-v2-reports", JunosSyntax.IgmpType(IgmpMessageType.ReportV2), ["discard"]);
        }
        if (igmp?.Control is { } control && !e.IsUnsupported("igmp control filter"))
        {
            int n = 0;
            var rules = FilterLowering.Lower(control, IpFamily.V4);
            foreach (var (from, then) in JunosTerms.FirewallTerms(rules, IpFamily.V4, "igmp"))
            {
                v4.Add($"igmp-control-{++n}", from, then);
            }
            // All other IGMP is dropped (the guide's "deny igmp any any"), unless the list already ends so.
            if (rules.LastOrDefault() is not { Action: RuleAction.Deny, Source: null, Destination: null, IgmpType: null })
                v4.Add("igmp-control-end", ["protocol igmp"], ["discard"]);
            e.Emitted("igmp control filter");
        }
        if (iface.SourceFilter is { } source && !e.IsUnsupported("source-filter"))
        {
            int n = 0;
            foreach (var (from, then) in JunosTerms.FirewallTerms(FilterLowering.LowerEach(source, IpFamily.V4), IpFamily.V4))
            {
                v4.Add($"source-{++n}", from, then);
            }
            // The source filter's implicit deny covers routable multicast; link-local control
            // groups (224.0.0.0/24: PIM hellos, IGMPv3 reports, OSPF) always pass.
            v4.Add("source-implicit-deny", ["destination-address 224.0.0.0/4", "destination-address 224.0.0.0/24 except"], ["discard"]);
            e.Emitted("source-filter");
        }
        if (v4.Count > 0)
        {
            v4.Add("accept-rest", [], ["accept"]);
            string name = book.Add(JunosBook.FilterInet, JunosSyntax.Name(FilterBasis(iface), "IN"), v4);
            w.Line($"set interfaces {physical} unit {unit} family inet filter input {name}");
        }

        var v6 = new JunosTerms();
        var mld = iface.Mld;
        // MLD rides in ICMPv6: 130 query, 131 MLDv1 report (143 is the MLDv2 report).
        if (mld?.DropQueries == true && !e.IsUnsupported("mld queries drop"))
        {
            v6.Add("mld-queries", ["payload-protocol icmp6", "icmp-type 130"], ["discard"]);
            e.Emitted("mld queries drop");
        }
        if (mld?.MinimumVersion is { } mldVersion && mldVersion >= 2 && !e.IsUnsupported("mld minimum version"))
        {
            v6.Add("mld-v1-reports", ["payload-protocol icmp6", "icmp-type 131"], ["discard"]);
        }
        if (iface.SourceFilter is { } source6 && FilterLowering.AppliesTo(source6, IpFamily.V6) && !e.IsUnsupported("source-filter"))
        {
            int n = 0;
            foreach (var (from, then) in JunosTerms.FirewallTerms(FilterLowering.LowerEach(source6, IpFamily.V6), IpFamily.V6))
            {
                v6.Add($"source-{++n}", from, then);
            }
            v6.Add("source-implicit-deny", ["destination-address ff00::/8", "destination-address ff01::/16 except", "destination-address ff02::/16 except"], ["discard"]);
        }
        if (v6.Count > 0)
        {
            v6.Add("accept-rest", [], ["accept"]);
            string name = book.Add(JunosBook.FilterInet6, JunosSyntax.Name(FilterBasis(iface), "IN-V6"), v6);
            w.Line($"set interfaces {physical} unit {unit} family inet6 filter input {name}");
        }
    }

    /// <summary>
    /// What an interface's input filter is named after: its profiles (interfaces of one profile
    /// share one filter, as Junos filters may), or the interface when it uses none.
    /// </summary>
    private static string FilterBasis(InterfacePolicy iface) => iface.Profiles.Length > 0 ? string.Join("-", iface.Profiles) : iface.Name;

    // ── boundaries and BSR border (device-wide policies over the interfaces that use them) ──

    /// <summary>
    /// A boundary over groups only is a multicast scope policy (routing-options multicast
    /// scope-policy): a reject there suppresses joins and forwarding of those groups in both
    /// directions on the interface. A boundary that also names sources — (*,G) joins as
    /// 'sources 0.0.0.0/32', or (S,G) channels — is a PIM join filter (protocols pim import),
    /// which matches the source too, so no state is created for what it denies. Each boundary
    /// of each interface is a policy of its own, its terms limited to the interface ('from
    /// interface'), in one policy chain: a deny rejects, a permit goes on to the next boundary
    /// ('next policy'), and the filter's implicit deny is a final reject, so a group must pass
    /// every boundary of the interface.
    /// </summary>
    private static void EmitBoundaries(DeviceEmission e, ConfigWriter w, JunosBook book)
    {
        var join = new List<string>();
        var scope = new List<string>();
        var notes = new List<string>();
        foreach (var iface in e.Device.Interfaces)
        {
            string logical = JunosSyntax.Interface(iface.Name).Logical;
            for (int k = 0; k < iface.Boundaries.Length; k++)
            {
                var boundary = iface.Boundaries[k];
                string construct = boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary";
                if (e.IsUnsupported(construct)) continue;
                string basis = $"{e.Device.Name}-{logical}-BOUNDARY{(iface.Boundaries.Length > 1 ? $"{k + 1}" : "")}";
                var terms = JunosTerms.ChannelPolicy(boundary.Filter, Both, notes, extraFrom: [$"interface {logical}"], permit: "next policy");
                if (boundary.Filter.Rules.All(r => r.Match.Sources is null))
                    scope.Add(book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(basis, "SCOPE"), terms));
                else
                    join.Add(book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(basis, "JOIN"), terms));
                e.Emitted(construct);
            }
        }
        if (join.Count == 0 && scope.Count == 0) return;
        w.Comment("Multicast boundaries: group boundaries are scopes (no joins, no traffic); boundaries over sources are PIM join filters (no state)");
        foreach (var note in notes.Distinct()) w.Comment(note);
        foreach (var policy in join) w.Line($"set protocols pim import {policy}");
        foreach (var policy in scope) w.Line($"set routing-options multicast scope-policy {policy}");
        w.Blank();
    }

    /// <summary>BSR border: bootstrap messages are neither accepted from nor sent out of these interfaces.</summary>
    private static void EmitBsrBorder(DeviceEmission e, ConfigWriter w, JunosBook book)
    {
        if (e.IsUnsupported("bsr-border")) return;
        var borders = e.Device.Interfaces.Where(i => i.Pim?.BsrBorder == true).Select(i => JunosSyntax.Interface(i.Name).Logical).ToList();
        if (borders.Count == 0) return;
        var import = new JunosTerms();
        import.Add("bsr-border", borders.Select(b => $"interface {b}"), ["reject"]);
        import.Add("others", [], ["accept"]);
        var export = new JunosTerms();
        export.Add("bsr-border", [], ["reject"], borders.Select(b => $"interface {b}"));
        export.Add("others", [], ["accept"]);
        w.Comment("BSR border: bootstrap messages stop at " + string.Join(", ", borders));
        foreach (var family in new[] { "inet", "inet6" })
        {
            w.Line($"set protocols pim rp bootstrap family {family} import {book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(e.Device.Name, "BSR-IMPORT"), import)}");
            w.Line($"set protocols pim rp bootstrap family {family} export {book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(e.Device.Name, "BSR-EXPORT"), export)}");
        }
        w.Blank();
        e.Emitted("bsr-border");
    }

    // ── MSDP ──

    private static void EmitMsdp(DeviceEmission e, ConfigWriter w, JunosBook book)
    {
        if (e.Device.Msdp is not { } msdp) return;
        w.Comment("MSDP");
        if (msdp.OriginatorId is { } originator)
        {
            w.Comment($"originator-id \"{originator}\": Junos originates SAs with its RP address (protocols pim rp local address)");
        }
        if (msdp.Redistribute is not null && !e.IsUnsupported("msdp redistribute filter"))
        {
            throw new InvalidOperationException("Junos has no MSDP redistribute filter; the support table must list it");
        }
        var meshGroups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var peer in msdp.Peers)
        {
            if (e.IsUnsupported("msdp peer")) continue;
            string address = peer.Address.NetworkAddress.ToString();
            if (peer.Description is { } description)
            {
                // Documentation: Junos MSDP peers have no description statement.
                w.Comment($"peer {address}: {description}");
                e.Emitted("msdp peer description");
            }
            e.Emitted("msdp peer");
            if (peer.Auth is not null) e.Emitted("msdp md5 authentication");
            if (peer.SaFilterIn is not null || peer.SaFilterOut is not null) e.Emitted("msdp sa-filter");
            if (peer.SaLimit is not null) e.Emitted("msdp sa-limit");
            string at = $"set protocols msdp peer {address}";
            if (peer.MeshGroup is { } mesh)
            {
                if (meshGroups.Add(mesh)) w.Line($"set protocols msdp group {mesh} mode mesh-group");
                at = $"set protocols msdp group {mesh} peer {address}";
                e.Emitted("msdp mesh-group");
            }
            if (Refused(e, "msdp connect-source by interface name", peer.Span) || Refused(e, "msdp peer without a local address", peer.Span))
            {
                // The rest of the peering is written; Junos commits it once a local address is
                // set, for this peer or for all (set protocols msdp local-address A.B.C.D).
                w.Comment($"peer {address}: no local address written (see the UNSUPPORTED note above)");
                w.Line(at);
            }
            else
            {
                var (local, why) = LocalAddress(e.Device, peer);
                if (why is not null) w.Comment($"local address {local}: {why} (write connect-source to choose)");
                w.Line($"{at} local-address {local}");
                if (peer.ConnectSource is not null) e.Emitted("msdp connect-source");
            }
            if (peer.Auth is { Kind: AuthKind.Md5, Secret: { } secret })
            {
                w.Line($"{at} authentication-key {JunosSyntax.Quote(e.Secret(secret))}");
            }
            if (peer.SaFilterIn is { } saIn) w.Line($"{at} import {ChannelPolicy(w, book, saIn, "SA", V4)}");
            if (peer.SaFilterOut is { } saOut) w.Line($"{at} export {ChannelPolicy(w, book, saOut, "SA", V4)}");
            if (peer.SaLimit is { } saLimit && !Refused(e, "msdp sa-limit above 1000000", peer.Span))
            {
                w.Line($"{at} active-source-limit maximum {saLimit}");
                // Between the RED threshold (default 24000) and the maximum Junos drops SAs at
                // random; a threshold at the maximum keeps the limit a plain cap.
                if (saLimit > MsdpDefaultRedThreshold) w.Line($"{at} active-source-limit threshold {saLimit}");
            }
        }
        w.Blank();
    }

    /// <summary>
    /// The local address of an MSDP session: connect-source when it is an address, else the RP
    /// address, else the BGP router-id (the refinements make sure one exists), with the reason
    /// for a fallback.
    /// </summary>
    private static (string Address, string? Why) LocalAddress(Device d, MsdpPeer peer)
    {
        if (peer.ConnectSource is { } connect) return (connect, null);
        if (d.Rp?.Address is { Family: IpFamily.V4 } rp) return (rp.NetworkAddress.ToString(), "the RP address");
        return (d.Bgp!.RouterId!.Value.NetworkAddress.ToString(), "the BGP router-id");
    }

    // ── keys, BGP, BMP ──

    private static string KeychainName(Keychain keychain) => JunosSyntax.Name(keychain.Name, maxLength: 32);

    private static void EmitKeychains(DeviceEmission e, ConfigWriter w)
    {
        // Only keychains used for TCP-AO are written (a keychain no session uses configures nothing).
        var used = (e.Device.Bgp?.Neighbors ?? []).Select(n => n.Auth?.Keychain).OfType<Keychain>().Distinct().ToList();
        if (used.Count == 0 || e.IsUnsupported("bgp tcp-ao authentication")) return;
        w.Comment("TCP-AO key chains. A Junos key is in force from its start-time until the next key's start-time:");
        w.Comment("the policy's end dates are the rollover plan, and the last key stays in force after its end date.");
        foreach (var keychain in used)
        {
            string at = $"set security authentication-key-chains key-chain {KeychainName(keychain)}";
            foreach (var key in keychain.Keys)
            {
                if (Refused(e, "tcp-ao key id above 63", key.Span)) continue;
                string k = $"{at} key {key.Id}";
                w.Line($"{k} secret {JunosSyntax.Quote(e.Secret(key.Secret))}");
                if (key.ValidFrom is { } from) w.Line($"{k} start-time {JunosSyntax.StartTime(from)}");
                w.Line($"{k} algorithm ao");
                w.Line($"{k} ao-attribute send-id {key.Id}");
                w.Line($"{k} ao-attribute recv-id {key.Id}");
                w.Line($"{k} ao-attribute cryptographic-algorithm aes-128-cmac-96");
            }
        }
        w.Blank();
    }

    private static void EmitBgp(DeviceEmission e, ConfigWriter w, JunosBook book, LoopbackFilter lo0)
    {
        var d = e.Device;
        if (d.Bgp is not { } bgp || e.IsUnsupported("bgp")) return;
        w.Comment("BGP");
        w.Line($"set routing-options autonomous-system {bgp.LocalAs}");
        if (bgp.RouterId is { } routerId)
        {
            w.Line($"set routing-options router-id {routerId.NetworkAddress}");
            e.Emitted("bgp router-id");
        }
        e.Emitted("bgp");
        JunosInboundPolicy.WriteSessions(e, w);

        string? damping = null;
        if (bgp.Damping is { } dp && !e.IsUnsupported("bgp damping"))
        {
            // Damping is switched on for BGP and its parameters come from a damping profile that
            // an import policy names; the policy's term has no accept, so evaluation goes on.
            string profile = book.Add(JunosBook.Damping, JunosSyntax.Name(d.Name, "DAMPING"),
            [
                $"half-life {JunosSyntax.Minutes(dp.HalfLife)}",
                $"reuse {dp.Reuse}",
                $"suppress {dp.Suppress}",
                $"max-suppress {JunosSyntax.Minutes(dp.MaxSuppress)}",
            ]);
            var terms = new JunosTerms();
            terms.Add("damping", [], [$"damping {profile}"]);
            damping = book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(d.Name, "DAMPING"), terms);
            w.Line("set protocols bgp damping");
            e.Emitted("bgp damping");
        }

        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in bgp.Neighbors)
        {
            bool external = n.RemoteAs != bgp.LocalAs;
            string group = external ? "PK-EBGP" : "PK-IBGP";
            if (groups.Add(group)) w.Line($"set protocols bgp group {group} type {(external ? "external" : "internal")}");
            string a = n.Address.NetworkAddress.ToString();
            string at = $"set protocols bgp group {group} neighbor {a}";
            if (n.Description is { } description)
            {
                w.Line($"{at} description {JunosSyntax.Quote(description)}");
                e.Emitted("bgp neighbor description");
            }
            w.Line($"{at} peer-as {n.RemoteAs}");
            e.Emitted("bgp neighbor");
            if (n.Auth is { Kind: AuthKind.Md5, Secret: { } secret } && !e.IsUnsupported("bgp md5 authentication"))
            {
                w.Line($"{at} authentication-key {JunosSyntax.Quote(e.Secret(secret))}");
                e.Emitted("bgp md5 authentication");
            }
            if (n.Auth is { Kind: AuthKind.TcpAo, Keychain: { } keychain } && !e.IsUnsupported("bgp tcp-ao authentication"))
            {
                w.Line($"{at} authentication-algorithm ao");
                w.Line($"{at} authentication-key-chain {KeychainName(keychain)}");
                e.Emitted("bgp tcp-ao authentication");
            }
            if (n.TtlSecurityHops is { } hops && !e.IsUnsupported("bgp ttl-security"))
            {
                // GTSM: send with TTL 255, and (loopback filter) drop this peer's BGP packets whose
                // TTL shows more than the allowed hops.
                e.Emitted("bgp ttl-security");
                if (!Refused(e, "bgp ttl-security on ibgp", n.Span))
                {
                    w.Line(hops == 1 ? $"{at} ttl 255" : $"{at} multihop ttl 255");
                    lo0.Gtsm.Add((n.Address, hops));
                }
            }
            if (n.HoldTime is { } hold)
            {
                w.Line($"{at} hold-time {(long)hold.TotalSeconds}");
                e.Emitted("bgp hold-time");
            }
            var imports = new List<string>();
            if (damping is not null) imports.Add(damping);
            if (JunosInboundPolicy.ImportPolicy(e, book, n) is { } origin) imports.Add(origin);
            bool filters = !e.IsUnsupported("bgp prefix-filter");
            if (n.PrefixFilterIn is { } filterIn && filters)
            {
                imports.Add(book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(filterIn.Name), JunosTerms.PrefixPolicy(filterIn, "accept")));
            }
            if (JunosInboundPolicy.RejectUnfiltered(e, book, bgp, n, inbound: true) is { } rejectIn) imports.Add(rejectIn);
            foreach (var policy in imports) w.Line($"{at} import {policy}");
            if (JunosInboundPolicy.ExportPolicy(e, book, bgp, n) is { } communitiesOut) w.Line($"{at} export {communitiesOut}");
            if (JunosInboundPolicy.RejectUnfiltered(e, book, bgp, n, inbound: false) is { } rejectOut) w.Line($"{at} export {rejectOut}");
            if (n.PrefixFilterOut is { } filterOut && filters)
            {
                // Export: a permit leaves the route to BGP's default export (next policy), so the
                // filter never advertises routes BGP would not have advertised.
                string policy = book.Add(JunosBook.PolicyStatement, JunosSyntax.Name(filterOut.Name, "OUT"), JunosTerms.PrefixPolicy(filterOut, "next policy"));
                w.Line($"{at} export {policy}");
            }
            if ((n.PrefixFilterIn is not null || n.PrefixFilterOut is not null) && filters) e.Emitted("bgp prefix-filter");
            string family = $"{at} family {JunosSyntax.Family(n.Address.Family)} unicast";
            if (n.MaxPrefix is { } max && !e.IsUnsupported("bgp max-prefix"))
            {
                w.Line($"{family} prefix-limit maximum {max.Max}");
                if (max.WarningOnly)
                {
                    // Without teardown Junos only logs when the maximum is exceeded.
                    if (max.WarnPercent is { } only) w.Comment($"{a}: warning-only logs at the maximum; Junos has no separate {only} warning without teardown");
                }
                else
                {
                    string threshold = max.WarnPercent is { } warn ? $" {Math.Clamp((long)Math.Floor(warn.Value), 1, 100)}" : "";
                    string idle = max.Restart is { } restart ? JunosSyntax.Number(Math.Min(2400, JunosSyntax.Minutes(restart))) : "forever";
                    w.Line($"{family} prefix-limit teardown{threshold} idle-timeout {idle}");
                }
                e.Emitted("bgp max-prefix");
            }
            else if (n.Address.Family == IpFamily.V6)
            {
                w.Line(family);
            }
        }
        w.Blank();
    }

    private static void EmitBmp(DeviceEmission e, ConfigWriter w)
    {
        foreach (var station in e.Device.BmpStations)
        {
            if (e.IsUnsupported("bmp station")) continue;
            string at = $"set routing-options bmp station {JunosSyntax.Name(station.Name, maxLength: 32)}";
            w.Comment($"BMP station {station.Name}");
            if (station.Tls is { Mode: not TlsMode.Off }) w.Comment("TLS was asked for, but Junos BMP runs over plain TCP: this session is not encrypted");
            if (station.Address is { } address)
            {
                w.Line($"{at} station-address {address.NetworkAddress}");
                w.Line($"{at} station-port {station.Port}");
                w.Line($"{at} connection-mode active");
            }
            else
            {
                w.Line($"{at} local-port {Math.Max(1024, station.Port)}");
                w.Line($"{at} connection-mode passive");
            }
            e.Emitted("bmp port");
            w.Line($"{at} monitor enable");
            foreach (var monitor in station.Monitor)
            {
                w.Line($"{at} route-monitoring {monitor switch { BmpMonitor.PrePolicy => "pre-policy", BmpMonitor.PostPolicy => "post-policy", _ => "loc-rib" }}");
            }
            if (!station.Monitor.IsDefaultOrEmpty) e.Emitted("bmp monitor");
            if (station.StatsInterval is { } stats)
            {
                w.Line($"{at} statistics-timeout {(long)stats.TotalSeconds}");
                e.Emitted("bmp stats-interval");
            }
            w.Blank();
            e.Emitted("bmp station");
        }
    }

    // ── traffic to the router: loopback filter ──

    /// <summary>What the loopback filter collects while the device is written.</summary>
    private sealed class LoopbackFilter
    {
        public Filter? Mrinfo { get; set; }

        public List<(IpPrefix Peer, int Hops)> Gtsm { get; } = [];
    }

    /// <summary>
    /// One loopback input filter per family for traffic to the router itself, in this order:
    /// GTSM (drop a peer's BGP packets whose TTL is too low), mrinfo (drop DVMRP queries from
    /// hosts the mrinfo filter does not permit), the infrastructure filter's rules and its
    /// implicit deny — or, with no infrastructure filter, the rate-limited protocols and then
    /// everything else accepted. A rate limit (a pps policer) polices a protocol where a rule
    /// accepts it, in a term of its own ahead of the rule, so traffic the filter drops never
    /// uses the budget.
    /// </summary>
    private static void EmitControlPlane(DeviceEmission e, ConfigWriter w, JunosBook book, LoopbackFilter lo0)
    {
        var d = e.Device;
        var cp = d.ControlPlane is { } c && !e.IsUnsupported("control-plane") ? c : null;
        foreach (var family in Both)
        {
            var terms = new JunosTerms();
            foreach (var (peer, hops) in lo0.Gtsm.Where(g => g.Peer.Family == family))
            {
                int lowest = 256 - hops;
                string ttl = lowest == 255 ? "255" : $"{lowest}-255";
                string keyword = family == IpFamily.V4 ? "protocol" : "payload-protocol";
                string field = family == IpFamily.V4 ? "ttl-except" : "hop-limit-except";
                terms.Add($"gtsm-{JunosSyntax.TermPart(peer.NetworkAddress.ToString())}",
                    [$"source-address {peer}", $"{keyword} tcp", "port bgp", $"{field} {ttl}"], ["discard"]);
            }
            if (lo0.Mrinfo is { } mrinfo && family == IpFamily.V4)
            {
                var permitted = PermittedAddresses(mrinfo, m => m.From, family);
                if (!permitted.Any(p => p.Length == 0))
                {
                    var from = JunosSyntax.IgmpType(IgmpMessageType.Dvmrp).ToList();
                    if (permitted.Count > 0)
                    {
                        from.Add("source-address 0.0.0.0/0");
                        from.AddRange(permitted.Select(p => $"source-address {p} except"));
                    }
                    terms.Add("mrinfo", from, ["discard"]);
                }
            }
            var rates = new List<(List<string> Match, string Policer)>();
            // An IPv6 loopback filter is written only when something asks for IPv6 (a GTSM peer, a
            // filter rule over IPv6 addresses): it replaces the site's own, so it is not implied.
            bool hasFilter = cp?.Filter is { } f && (family == IpFamily.V4 || ExplicitlyV6(f));
            if (family == IpFamily.V6 && terms.Count == 0 && !hasFilter) continue;
            foreach (var rate in cp?.Rates ?? [])
            {
                // IGMP and Auto-RP exist in IPv4 only.
                if (family == IpFamily.V6 && rate.Protocol.Protocol is Protocol.Igmp or Protocol.AutoRp) continue;
                string policer = book.Add(JunosBook.Policer, JunosSyntax.Name($"{d.Name}-{rate.Protocol}", "PPS"),
                [
                    $"if-exceeding-pps pps-limit {rate.PacketsPerSecond}",
                    $"if-exceeding-pps packet-burst {Math.Max(1, (rate.PacketsPerSecond + 9) / 10)}",
                    "then discard",
                ]);
                var match = JunosTerms.FirewallFrom(new LoweredRule(RuleAction.Permit, null, null, rate.Protocol, null, null, false, rate.Span), family);
                rates.Add((match, policer));
            }
            if (hasFilter)
            {
                int n = 0;
                foreach (var rule in FilterLowering.Lower(cp!.Filter!, family))
                {
                    var from = JunosTerms.FirewallFrom(rule, family);
                    n++;
                    if (rule.Action == RuleAction.Permit)
                    {
                        // Police the part of a permitted rule that a rate limit covers, then accept it.
                        for (int r = 0; r < rates.Count; r++)
                        {
                            if (Intersect(from, rates[r].Match) is { } both)
                                terms.Add($"rule-{n}-rate-{r + 1}", both, [$"policer {rates[r].Policer}", .. JunosTerms.FirewallThen(rule.Action, rule.Log)]);
                        }
                    }
                    terms.Add($"rule-{n}", from, JunosTerms.FirewallThen(rule.Action, rule.Log));
                }
            }
            // Composed with the site's filter (IPv4): PolicyKit's filter ends without its catch-all
            // term, so what it does not decide goes on to the site's filter.
            bool compose = family == IpFamily.V4 && d.ComposedLoopbackFilter is not null;
            if (hasFilter)
            {
                if (!compose) terms.Add("implicit-deny", [], ["discard"]);
            }
            else if (terms.Count > 0 || rates.Count > 0)
            {
                for (int r = 0; r < rates.Count; r++) terms.Add($"rate-{r + 1}", rates[r].Match, [$"policer {rates[r].Policer}", "accept"]);
                if (!compose) terms.Add("accept-rest", [], ["accept"]);
            }
            if (terms.Count == 0) continue;
            string suffix = family == IpFamily.V4 ? "LO0" : "LO0-V6";
            string name = book.Add(family == IpFamily.V4 ? JunosBook.FilterInet : JunosBook.FilterInet6, JunosSyntax.Name(d.Name, suffix), terms);
            string slot = $"interfaces lo0 unit 0 family {JunosSyntax.Family(family)} filter";
            if (compose)
            {
                // One filter list, PolicyKit's first: its discards and policers hold whatever the
                // site's filter says. `input` and `input-list` exclude each other, so both are
                // deleted and the list written whole, in the same commit.
                var site = d.ComposedLoopbackFilter!;
                w.Comment($"Traffic to the router itself: PolicyKit's loopback filter, then the site's {site.Name} ({DeviceEmission.Where(site.Span)})");
                w.Line($"delete {slot} input");
                w.Line($"delete {slot} input-list");
                w.Line($"set {slot} input-list {name}");
                w.Line($"set {slot} input-list {site.Name}");
                continue;
            }
            if (family == IpFamily.V4) w.Comment("Traffic to the router itself (loopback filter: takes the place of the site's lo0 input filter; see compose loopback-filter)");
            if (d.TakeOver.IsEmpty)
                e.Report(cp?.Span ?? d.Span, c => c.ReplacesSiteSlot($"the lo0 input filter ({JunosSyntax.Family(family)})", name, "junos"));
            w.Line($"set {slot} input {name}");
        }
        if (cp is not null) e.Emitted("control-plane");
        if (d.ComposedLoopbackFilter is not null) e.Emitted("compose loopback-filter");
    }

    /// <summary>True when some rule of the filter names IPv6 addresses (an IPv6 loopback filter is then written too).</summary>
    private static bool ExplicitlyV6(Filter filter) => filter.Rules.Any(r =>
        new[] { r.Match.From, r.Match.To, r.Match.Sources, r.Match.Groups }.Any(m => m is { IsAny: false } && m.Include.Any(p => p.Prefix.Family == IpFamily.V6)));

    /// <summary>
    /// The match conditions of a permitted rule narrowed to a rate-limited protocol, or null when
    /// they cannot both hold (different protocols or ports).
    /// </summary>
    private static List<string>? Intersect(List<string> rule, List<string> rate)
    {
        static (List<string> Protocols, List<string> Ports, List<string> Others) Split(List<string> m) => (
            m.Where(x => x.StartsWith("protocol ", StringComparison.Ordinal) || x.StartsWith("payload-protocol ", StringComparison.Ordinal)).ToList(),
            m.Where(x => x.StartsWith("port ", StringComparison.Ordinal) || x.StartsWith("destination-port ", StringComparison.Ordinal)).ToList(),
            m.Where(x => !x.Contains("protocol ", StringComparison.Ordinal) && !x.StartsWith("port ", StringComparison.Ordinal) && !x.StartsWith("destination-port ", StringComparison.Ordinal)).ToList());
        var a = Split(rule);
        var b = Split(rate);
        var protocols = a.Protocols.Count == 0 ? b.Protocols : b.Protocols.Count == 0 ? a.Protocols : a.Protocols.Intersect(b.Protocols).ToList();
        if (protocols.Count == 0 && (a.Protocols.Count > 0 || b.Protocols.Count > 0)) return null;
        var ports = a.Ports.Count == 0 ? b.Ports : b.Ports.Count == 0 ? a.Ports : a.Ports.Intersect(b.Ports).ToList();
        if (ports.Count == 0 && (a.Ports.Count > 0 && b.Ports.Count > 0)) return null;
        return [.. a.Others, .. b.Others.Except(a.Others), .. protocols, .. ports];
    }

    /// <summary>
    /// The addresses a first-match filter over one address field permits, as disjoint prefixes:
    /// each rule decides what earlier rules left undecided; nothing else is permitted.
    /// </summary>
    private static List<IpPrefix> PermittedAddresses(Filter filter, Func<Match, AddressMatch?> field, IpFamily family)
    {
        var decided = new List<IpPrefix>();
        var permitted = new List<IpPrefix>();
        foreach (var rule in filter.Rules)
        {
            var addresses = FilterLowering.Expand(field(rule.Match), family)?.Select(p => p!.Value).ToList()
                ?? [family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6];
            var fresh = PrefixMath.Subtract(addresses, decided);
            if (rule.Action == RuleAction.Permit) permitted.AddRange(fresh);
            decided.AddRange(addresses);
        }
        return permitted;
    }
}

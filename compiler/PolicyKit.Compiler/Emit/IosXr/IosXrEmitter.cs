using System.Globalization;
using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Emit.IosXe;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXr;

/// <summary>
/// Cisco IOS XR. Same policy, XR's structure: configuration lives per protocol
/// (<c>router igmp</c>, <c>router pim</c>, <c>multicast-routing</c>, <c>router msdp</c>,
/// <c>router bgp</c>) with the interfaces inside each block; ACLs are numbered
/// <c>ipv4/ipv6 access-list</c>s; BGP prefix filters are prefix-sets and route-policies; TCP-AO
/// keys are a key chain plus a <c>tcp ao</c> keychain. Naming, secret handling, prefix-list
/// lowering and the comment marker are the IOS-XE backend's. What XR cannot express is in
/// <see cref="PlatformSupport"/> (static constructs and XR refinements), so it is reported
/// (MP4001) and marked in the output, never dropped.
/// </summary>
public sealed class IosXrEmitter : IosXeEmitter
{
    public override string Target => "ios-xr";

    public override string FileName => "ios-xr.cfg";

    public override bool Serves(Platform platform) => platform == Platform.IosXr;

    // Link-local multicast (224.0.0.0/24, ff02::/16): XR counts its own memberships there (PIM,
    // all-routers, IGMPv3 reports) against 'maximum groups-per-interface', so they are kept out
    // of the accounting list and a limit of N means N host entries, as on IOS.
    private static readonly IpPrefix LinkLocalV4 = IpPrefix.Parse("224.0.0.0/24");
    private static readonly IpPrefix LinkLocalV6 = IpPrefix.Parse("ff02::/16");

    private static readonly IReadOnlyList<IpPrefix> RoutableMulticast =
        PrefixMath.Subtract([IpPrefix.MulticastV4], [LinkLocalV4]);

    // A filter's entries are rendered once per compile, not once per interface or device that
    // uses it (see ModelMemo), without repeats (DistinctEntries); every use goes through AclBook.Add.
    private static readonly ModelMemo<Filter, (IpFamily Family, string? Protocol), DistinctEntries> PacketEntries = new();
    private static readonly ModelMemo<Filter, IpFamily, DistinctEntries> GroupListEntries = new();

    private static IReadOnlyList<string> PacketEntriesOf(Filter filter, IpFamily family, string? protocol = null) =>
        PacketEntries.Get(filter, (family, protocol), static (f, v) =>
            DistinctEntries.Of(FilterLowering.LowerEach(f, v.Family).Select(r => IosXrSyntax.PacketEntry(r, v.Family, v.Protocol))));

    protected override void EmitDevice(DeviceEmission e)
    {
        var acls = new AclBook((family, _) => family == IpFamily.V4 ? "deny ipv4 any any" : "deny ipv6 any any");
        var policies = new IosXrRoutePolicies();
        var refused = new HashSet<(string, Text.SourceSpan)>(PlatformSupport.RefinementsOf(e.Device)
            .Where(r => e.IsUnsupported(r.Construct)));
        var body = new ConfigWriter("!", " ");

        EmitInterfaceAcls(e, body, acls);
        EmitBoundaries(e, body, acls, refused);
        EmitMembership(e, body, acls, GroupProtocol.Igmp, refused);
        EmitMembership(e, body, acls, GroupProtocol.Mld, refused);
        EmitPim(e, body, acls, refused);
        EmitMsdp(e, body, acls, refused);
        EmitSap(e, body);
        EmitXrKeychains(e, body);
        EmitBgp(e, body, policies, refused);

        // XR ACL entries of a log rule carry `log` (IosXrSyntax); route-policies cannot (a refinement).
        if (ConstructUses.LogUses(e.Device).Any(u => !u.InPrefixFilter && !e.IsUnsupported(u.UsedBy))) e.Emitted("rule log");
        WriteXrDefinitions(e.Writer, acls);
        policies.Write(e.Writer);
        e.Writer.Append(body);
        e.Writer.Line("end");
    }

    // ── ACL definitions: numbered entries, one namespace per family ──

    /// <summary>The largest ACL entry number IOS XR takes.</summary>
    private const long MaxXrAclSequence = 2_147_483_646;

    private static void WriteXrDefinitions(ConfigWriter w, AclBook acls)
    {
        foreach (var acl in acls.Acls)
        {
            // Replaced as a whole: XR applies the file as one commit, so the list is removed and
            // written again in one step (docs/targets.md, "Re-applying"); entries of the old
            // list that the policy no longer has go with it, and the list is never absent.
            string header = $"{(acl.Family == IpFamily.V4 ? "ipv4" : "ipv6")} access-list {acl.Name}";
            w.Line($"no {header}");
            w.Block(header, () =>
            {
                // Numbered so that an inserted entry changes one line (SequenceNumbers); the number
                // is written into the line, not made a string of its own.
                Span<char> number = stackalloc char[21];
                foreach (var (seq, index) in SequenceNumbers.Number(acl.Entries, MaxXrAclSequence, 10))
                {
                    seq.TryFormat(number, out int digits, default, CultureInfo.InvariantCulture);
                    number[digits] = ' ';
                    w.Line(number[..(digits + 1)], acl.Entries[index]);
                }
            });
            w.Line("!");
        }
    }

    private static string AddAcl(AclBook acls, string name, IpFamily family, IReadOnlyList<string> entries) =>
        acls.Add(name, family, AclKind.Extended, entries);

    /// <summary>A group list (rp-address, ssm range, IGMP access-group, boundary): the group first.</summary>
    private static string GroupListAcl(AclBook acls, string name, Filter filter, IpFamily family)
    {
        var entries = GroupListEntries.Get(filter, family, static (f, fam) =>
        {
            var rendered = new List<string>();
            foreach (var rule in f.Rules)
            {
                var groups = FilterLowering.Expand(rule.Match.Groups, fam);
                if (groups is { Count: 0 }) continue;
                foreach (var group in groups ?? [null]) rendered.Add(IosXrSyntax.ListEntry(rule.Action, group, fam, rule.Log));
            }
            return DistinctEntries.Of(rendered);
        });
        return AddAcl(acls, name, family, entries);
    }

    /// <summary>A permit-only list of addresses (groups or neighbors) in the first address.</summary>
    private static string XrPermitList(AclBook acls, string name, AddressMatch match, IpFamily family) =>
        AddAcl(acls, name, family, (FilterLowering.Expand(match, family) ?? [null]).Select(p => IosXrSyntax.ListEntry(RuleAction.Permit, p, family)).ToList());

    /// <summary>An (S,G) or packet list: source then destination.</summary>
    private static string PacketAcl(AclBook acls, string name, Filter filter, IpFamily family) =>
        AddAcl(acls, name, family, PacketEntriesOf(filter, family));

    // ── interfaces: the one inbound ACL per family ──

    /// <summary>
    /// XR, like IOS, takes one inbound ACL per family on an interface, so the IGMP minimum
    /// version (older reports dropped), query dropping, the IGMP control list and the source
    /// filter share it in that order, then everything else is permitted. The MLD equivalents use
    /// ICMPv6 types (130 query, 131 MLDv1 report).
    /// </summary>
    private static void EmitInterfaceAcls(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        foreach (var iface in e.Device.Interfaces)
        {
            var v4 = new List<string>();
            var v6 = new List<string>();
            if (iface.Igmp?.MinimumVersion is { } igmpVersion)
            {
                if (igmpVersion >= 2) v4.Add("deny igmp any any host-report");
                if (igmpVersion >= 3) v4.Add("deny igmp any any v2-report");
                e.Emitted("igmp minimum version");
            }
            if (iface.Igmp?.DropQueries == true)
            {
                v4.Add("deny igmp any any host-query");
                e.Emitted("igmp queries drop");
            }
            if (iface.Igmp?.Control is { } control)
            {
                v4.AddRange(PacketEntriesOf(control, IpFamily.V4, "igmp"));
                v4.Add("deny igmp any any");
                e.Emitted("igmp control filter");
            }
            if (iface.SourceFilter is { } source)
            {
                v4.AddRange(PacketEntriesOf(source, IpFamily.V4));
                v4.AddRange(RoutableMulticast.Select(m => $"deny ipv4 any {CiscoSyntax.V4(m)}"));
                if (FilterLowering.AppliesTo(source, IpFamily.V6))
                    v6.AddRange(PacketEntriesOf(source, IpFamily.V6));
                e.Emitted("source-filter");
            }
            if (iface.Mld?.MinimumVersion is >= 2)
            {
                v6.Insert(0, "deny icmpv6 any any 131");
            }
            if (iface.Mld?.MinimumVersion is not null) e.Emitted("mld minimum version");
            if (iface.Mld?.DropQueries == true)
            {
                v6.Insert(iface.Mld?.MinimumVersion is >= 2 ? 1 : 0, "deny icmpv6 any any 130");
                e.Emitted("mld queries drop");
            }

            string? in4 = v4.Count > 0 ? AddAcl(acls, IosXrSyntax.InterfaceName(iface.Name, "IN"), IpFamily.V4, [.. v4, "permit ipv4 any any"]) : null;
            string? in6 = v6.Count > 0 ? AddAcl(acls, IosXrSyntax.InterfaceName(iface.Name, "IN-V6"), IpFamily.V6, [.. v6, "permit ipv6 any any"]) : null;
            if (iface.Description is null && in4 is null && in6 is null) continue;
            w.Block($"interface {iface.Name}", () =>
            {
                if (iface.Description is { } description)
                {
                    w.Line($"description {description}");
                    e.Emitted("interface description");
                }
                if (in4 is not null) w.Line($"ipv4 access-group {in4} ingress");
                if (in6 is not null) w.Line($"ipv6 access-group {in6} ingress");
            });
            w.Line("!");
        }
    }

    // ── multicast-routing: boundaries ──

    private static void EmitBoundaries(DeviceEmission e, ConfigWriter w, AclBook acls, HashSet<(string, Text.SourceSpan)> refused)
    {
        var lines = new Dictionary<IpFamily, List<(string Interface, string Acl)>> { [IpFamily.V4] = [], [IpFamily.V6] = [] };
        foreach (var iface in e.Device.Interfaces)
        {
            var boundaries = new List<Boundary>();
            foreach (var boundary in iface.Boundaries)
            {
                e.Emitted(boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary");
                // filter-auto-rp and boundaries over sources are unsupported on XR: marked by the base.
                if (boundary.FilterAutoRp || refused.Contains(("boundary by source", boundary.Span))) continue;
                boundaries.Add(boundary);
            }
            foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
            {
                // A boundary applies in the families its groups name (a "permit any" alone names none).
                var applicable = boundaries.Where(b => b.Filter.Rules.Any(r => r.Match.Groups is { IsAny: false } g && g.Include.Any(p => p.Prefix.Family == family))).ToList();
                if (applicable.Count == 0) continue;
                string suffix = family == IpFamily.V4 ? "BOUNDARY" : "BOUNDARY-V6";
                // XR takes one boundary ACL per interface: several boundaries become the list of
                // the groups every one of them lets through.
                string acl = applicable.Count == 1
                    ? GroupListAcl(acls, applicable[0].Filter.IsInline ? IosXrSyntax.InterfaceName(iface.Name, suffix) : IosXrSyntax.Name(applicable[0].Filter.Name, suffix), applicable[0].Filter, family)
                    : AddAcl(acls, IosXrSyntax.InterfaceName(iface.Name, suffix), family,
                        [.. Intersection(applicable.Select(b => PermittedGroups(b.Filter, family))).Select(p => IosXrSyntax.ListEntry(RuleAction.Permit, p, family))]);
                lines[family].Add((iface.Name, acl));
            }
        }
        if (lines.Values.All(l => l.Count == 0)) return;
        w.Line("multicast-routing");
        using (w.Indent())
        {
            foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
            {
                var entries = lines[family];
                if (entries.Count == 0) continue;
                w.Line($"address-family {Afi(family)}");
                using (w.Indent())
                {
                    foreach (var (name, acl) in entries)
                    {
                        w.Block($"interface {name}", () => w.Line($"boundary {acl}"));
                        w.Line("!");
                    }
                }
                w.Line("!");
            }
        }
        w.Line("!");
    }

    /// <summary>The groups of one family a group filter permits (first match, implicit deny), as prefixes.</summary>
    private static List<IpPrefix> PermittedGroups(Filter filter, IpFamily family)
    {
        var permitted = new List<IpPrefix>();
        var decided = new List<IpPrefix>();
        foreach (var rule in filter.Rules)
        {
            var groups = FilterLowering.Expand(rule.Match.Groups, family)?.Select(p => p!.Value).ToList() ?? [family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6];
            var fresh = PrefixMath.Subtract(groups, decided);
            if (rule.Action == RuleAction.Permit) permitted.AddRange(fresh);
            decided.AddRange(groups);
        }
        return permitted;
    }

    private static List<IpPrefix> Intersection(IEnumerable<List<IpPrefix>> sets)
    {
        List<IpPrefix>? result = null;
        foreach (var set in sets)
        {
            result = result is null ? set : result.SelectMany(a => set.Where(a.Overlaps).Select(b => a.Contains(b) ? b : a)).Distinct().Order().ToList();
        }
        return result ?? [];
    }

    // ── router igmp / router mld ──

    private void EmitMembership(DeviceEmission e, ConfigWriter w, AclBook acls, GroupProtocol protocol, HashSet<(string, Text.SourceSpan)> refused)
    {
        var d = e.Device;
        string p = protocol == GroupProtocol.Igmp ? "igmp" : "mld";
        var family = protocol == GroupProtocol.Igmp ? IpFamily.V4 : IpFamily.V6;
        var global = new List<string>();
        if (d.RouterCapFor(protocol) is { } cap)
        {
            e.Emitted($"{p} limit (router-wide)");
            if (!refused.Contains(($"{p} limit (router-wide) with except", cap.Span)) && !refused.Contains(("group limit above 75000 router-wide", cap.Span)))
                global.Add($"maximum groups {cap.Max}");
        }
        if (d.DefaultLimitFor(protocol) is { } defaultLimit)
        {
            // XR's router-level per-interface maximum is the default every interface inherits.
            if (!refused.Contains(("group limit above 40000 per interface", defaultLimit.Span)))
                global.Add($"maximum groups-per-interface {defaultLimit.Max} {CountedAcl(acls, defaultLimit, $"{d.Name}-{p}", family)}");
            e.Emitted($"{p} default-limit");
        }

        var interfaces = new List<(string Name, List<string> Lines)>();
        foreach (var iface in d.Interfaces)
        {
            if (iface.MembershipFor(protocol) is not { } membership) continue;
            var lines = new List<string>();
            if (membership.MinimumVersion is not null)
            {
                // The highest version: older reports are dropped by the interface ACL.
                lines.Add($"version {(protocol == GroupProtocol.Igmp ? 3 : 2)}");
            }
            if (membership.Access is { } access)
            {
                e.Emitted($"{p} access filter");
                if (!refused.Contains(($"{p} access filter by source or host", access.Span)))
                    lines.Add($"access-group {GroupListAcl(acls, access.IsInline ? IosXrSyntax.InterfaceName(iface.Name, p.ToUpperInvariant()) : IosXrSyntax.Name(access.Name, p.ToUpperInvariant()), access, family)}");
            }
            if (membership.Limit is { } limit)
            {
                if (!refused.Contains(("group limit above 40000 per interface", limit.Span)))
                    lines.Add($"maximum groups-per-interface {limit.Max} {CountedAcl(acls, limit, $"{iface.Name}-{p}", family)}");
                e.Emitted(limit.Except is null ? $"{p} interface limit" : $"{p} interface limit with except");
            }
            if (lines.Count > 0) interfaces.Add((iface.Name, lines));
        }
        if (global.Count == 0 && interfaces.Count == 0) return;
        w.Line($"router {p}");
        using (w.Indent())
        {
            foreach (var line in global) w.Line(line);
            foreach (var (name, lines) in interfaces)
            {
                w.Block($"interface {name}", () =>
                {
                    foreach (var line in lines) w.Line(line);
                });
                w.Line("!");
            }
        }
        w.Line("!");
    }

    /// <summary>
    /// The accounting list of 'maximum groups-per-interface': the groups that count. Link-local
    /// groups (XR's own memberships) and the limit's except groups do not.
    /// </summary>
    private static string CountedAcl(AclBook acls, GroupLimit limit, string fallbackName, IpFamily family)
    {
        var entries = new List<string> { IosXrSyntax.ListEntry(RuleAction.Deny, family == IpFamily.V4 ? LinkLocalV4 : LinkLocalV6, family) };
        if (limit.Except is { } except)
            entries.AddRange((FilterLowering.Expand(except, family) ?? [null]).Select(g => IosXrSyntax.ListEntry(RuleAction.Deny, g, family)));
        entries.Add(IosXrSyntax.ListEntry(RuleAction.Permit, null, family));
        string basis = limit.Except is null ? (family == IpFamily.V4 ? "igmp" : "mld")
            : limit.Except.SetNames.Length == 1 ? limit.Except.SetNames[0] : fallbackName;
        return AddAcl(acls, IosXrSyntax.Name(basis, family == IpFamily.V4 ? "COUNTED" : "COUNTED-V6"), family, entries);
    }

    // ── router pim ──

    private static void EmitPim(DeviceEmission e, ConfigWriter w, AclBook acls, HashSet<(string, Text.SourceSpan)> refused)
    {
        var d = e.Device;
        var v4 = new List<string>();
        var v6 = new List<string>();
        if (d.RouteLimit is { } routeLimit)
        {
            if (!refused.Contains(("mroute-limit above 200000", routeLimit.Span)))
                v4.Add($"maximum routes {routeLimit.Max}{(routeLimit.Warn is { } warn ? $" threshold {warn}" : "")}");
            e.Emitted("mroute-limit");
        }
        var ssm = d.SsmRange.Include.Where(p => p.Prefix.Family == IpFamily.V4).ToList();
        if (ssm.Count > 0 && !(ssm.Count == 1 && ssm[0].Prefix == IpPrefix.DefaultSsmV4 && d.SsmRange.Except.IsEmpty))
            v4.Add($"ssm range {XrPermitList(acls, IosXrSyntax.Name(d.Name, "SSM"), d.SsmRange, IpFamily.V4)}");
        // The IPv4 range (232/8 needs no line); an IPv6 range other than ff3x::/32 is a refinement XR reports.
        if (d.SsmRangeSpan is not null) e.Emitted("ssm-range");
        if (d.Rp is { } rp)
        {
            if (rp.Address is { } address)
            {
                string groups = rp.Groups is { } g ? " " + XrPermitList(acls, IosXrSyntax.Name(d.Name, address.Family == IpFamily.V4 ? "RP-GROUPS" : "RP-GROUPS-V6"), g, address.Family) : "";
                (address.Family == IpFamily.V4 ? v4 : v6).Add($"rp-address {address.NetworkAddress}{groups}");
                e.Emitted("rp address");
            }
            if (rp.AcceptRegister is { } accept)
            {
                string registerName = accept.IsInline ? d.Name : accept.Name;
                v4.Add($"accept-register {PacketAcl(acls, IosXrSyntax.Name(registerName, "REGISTER"), accept, IpFamily.V4)}");
                if (FilterLowering.AppliesTo(accept, IpFamily.V6) && accept.Rules.Any(r => HasFamily(r.Match.Sources, IpFamily.V6) || HasFamily(r.Match.Groups, IpFamily.V6)))
                    v6.Add($"accept-register {PacketAcl(acls, IosXrSyntax.Name(registerName, "REGISTER-V6"), accept, IpFamily.V6)}");
                e.Emitted("accept-register");
            }
            if (rp.AnnounceFilter is not null) e.Emitted("announce-filter (Auto-RP)");   // unsupported on XR
        }
        if (d.RegisterRateLimit is not null) e.Emitted("register-rate-limit");           // unsupported on XR

        var interfaces = new List<(string Name, List<string> Lines)>();
        var interfaces6 = new List<(string Name, List<string> Lines)>();
        foreach (var iface in d.Interfaces)
        {
            if (iface.Pim is not { } pim) continue;
            var lines = new List<string>();
            if (pim.Disabled)
            {
                lines.Add("disable");
                e.Emitted("pim disabled");
            }
            if (pim.NoNeighbors)
            {
                lines.Add($"neighbor-filter {AddAcl(acls, IosXrSyntax.InterfaceName(iface.Name, "PIM-NONE"), IpFamily.V4, ["deny ipv4 any any"])}");
                e.Emitted("pim neighbor filter");
            }
            else if (pim.PermittedNeighbors is { } neighbors)
            {
                string basis = neighbors.SetNames.Length == 1 ? neighbors.SetNames[0] : $"{iface.Name}-PIM";
                if (HasFamily(neighbors, IpFamily.V4))
                    lines.Add($"neighbor-filter {XrPermitList(acls, IosXrSyntax.Name(basis, "NEIGHBORS"), neighbors, IpFamily.V4)}");
                if (!neighbors.IsAny && neighbors.Include.Any(n => n.Prefix.Family == IpFamily.V6))
                    interfaces6.Add((iface.Name, [$"neighbor-filter {XrPermitList(acls, IosXrSyntax.Name(basis, "NEIGHBORS-V6"), neighbors, IpFamily.V6)}"]));
                e.Emitted("pim neighbor filter");
            }
            if (pim.BsrBorder)
            {
                lines.Add("bsr-border");
                e.Emitted("bsr-border");
            }
            if (lines.Count > 0) interfaces.Add((iface.Name, lines));
        }
        if (v4.Count == 0 && v6.Count == 0 && interfaces.Count == 0 && interfaces6.Count == 0) return;
        w.Line("router pim");
        using (w.Indent())
        {
            if (v4.Count > 0 || interfaces.Count > 0)
            {
                w.Line("address-family ipv4");
                using (w.Indent())
                {
                    foreach (var line in v4) w.Line(line);
                    foreach (var (name, lines) in interfaces)
                    {
                        w.Block($"interface {name}", () =>
                        {
                            foreach (var line in lines) w.Line(line);
                        });
                        w.Line("!");
                    }
                }
                w.Line("!");
            }
            if (v6.Count > 0 || interfaces6.Count > 0)
            {
                w.Line("address-family ipv6");
                using (w.Indent())
                {
                    foreach (var line in v6) w.Line(line);
                    foreach (var (name, lines) in interfaces6)
                    {
                        w.Block($"interface {name}", () =>
                        {
                            foreach (var line in lines) w.Line(line);
                        });
                        w.Line("!");
                    }
                }
                w.Line("!");
            }
        }
        w.Line("!");
    }

    // ── router msdp ──

    private static void EmitMsdp(DeviceEmission e, ConfigWriter w, AclBook acls, HashSet<(string, Text.SourceSpan)> refused)
    {
        if (e.Device.Msdp is not { } msdp) return;
        if (msdp.Redistribute is not null) e.Emitted("msdp redistribute filter");   // unsupported on XR
        w.Line("router msdp");
        using (w.Indent())
        {
            if (msdp.OriginatorId is { } originator)
            {
                w.Line($"originator-id {originator}");
                e.Emitted("msdp originator-id");
            }
            foreach (var peer in msdp.Peers)
            {
                w.Line($"peer {peer.Address.NetworkAddress}");
                using (w.Indent())
                {
                    w.Line($"remote-as {peer.RemoteAs}");
                    if (peer.Description is { } description)
                    {
                        w.Line($"description {description}");
                        e.Emitted("msdp peer description");
                    }
                    if (peer.ConnectSource is { } source)
                    {
                        w.Line($"connect-source {source}");
                        e.Emitted("msdp connect-source");
                    }
                    if (peer.Auth is { } auth)
                    {
                        if (auth is { Kind: AuthKind.Md5, Secret: { } secret }) w.Line($"password clear {e.Secret(secret)}");
                        e.Emitted("msdp md5 authentication");
                    }
                    if (peer.SaFilterIn is { } saIn) w.Line($"sa-filter in list {PacketAcl(acls, IosXrSyntax.Name(saIn.Name, "SA"), saIn, IpFamily.V4)}");
                    if (peer.SaFilterOut is { } saOut) w.Line($"sa-filter out list {PacketAcl(acls, IosXrSyntax.Name(saOut.Name, "SA"), saOut, IpFamily.V4)}");
                    if (peer.SaFilterIn is not null || peer.SaFilterOut is not null) e.Emitted("msdp sa-filter");
                    if (peer.SaLimit is { } saLimit)
                    {
                        if (!refused.Contains(("msdp sa-limit above 75000", peer.Span))) w.Line($"maximum external-sa {saLimit}");
                        e.Emitted("msdp sa-limit");
                    }
                    if (peer.MeshGroup is { } mesh)
                    {
                        w.Line($"mesh-group {mesh}");
                        e.Emitted("msdp mesh-group");
                    }
                }
                w.Line("!");
                e.Emitted("msdp peer");
            }
        }
        w.Line("!");
    }

    // ── SAP ──

    private static void EmitSap(DeviceEmission e, ConfigWriter w)
    {
        if (e.Device.SapListen is not { } listen) return;
        // XR's SAP listener is off unless 'sap listen' is configured; 'no sap listen' keeps it so.
        w.Line(listen ? "sap listen" : "no sap listen");
        w.Line("!");
        e.Emitted("sap-listen");
    }

    // ── keys, BGP, BMP ──

    /// <summary>
    /// TCP-AO keys: a key chain holds the secrets and lifetimes (XR wants send and accept
    /// lifetimes alike), and <c>tcp ao</c> gives each key its send and receive IDs (the key ID,
    /// on both ends). AES-128-CMAC-96 is the MAC every TCP-AO implementation has (RFC 5926).
    /// </summary>
    private static void EmitXrKeychains(DeviceEmission e, ConfigWriter w)
    {
        var used = (e.Device.Bgp?.Neighbors ?? []).Select(n => n.Auth?.Keychain).OfType<Keychain>().Distinct().ToList();
        if (used.Count == 0) return;
        foreach (var keychain in used)
        {
            w.Line($"key chain {IosXrSyntax.Name(keychain.Name)}");
            using (w.Indent())
            {
                foreach (var key in keychain.Keys)
                {
                    w.Line($"key {key.Id}");
                    using (w.Indent())
                    {
                        if (key.ValidFrom is { } from)
                        {
                            string end = key.ValidUntil is { } until ? IosXrSyntax.LifetimeEnd(until) : "infinite";
                            w.Line($"accept-lifetime {IosXrSyntax.LifetimeStart(from)} {end}");
                        }
                        w.Line($"key-string clear {e.Secret(key.Secret)}");
                        if (key.ValidFrom is { } sendFrom)
                        {
                            string end = key.ValidUntil is { } until ? IosXrSyntax.LifetimeEnd(until) : "infinite";
                            w.Line($"send-lifetime {IosXrSyntax.LifetimeStart(sendFrom)} {end}");
                        }
                        w.Line("cryptographic-algorithm AES-128-CMAC-96");
                    }
                    w.Line("!");
                }
            }
            w.Line("!");
        }
        w.Line("tcp ao");
        using (w.Indent())
        {
            foreach (var keychain in used)
            {
                w.Line($"keychain {IosXrSyntax.Name(keychain.Name)}");
                using (w.Indent())
                {
                    foreach (var key in keychain.Keys.Where(k => k.Id <= 255)) w.Line($"key {key.Id} SendID {key.Id} ReceiveID {key.Id}");
                }
                w.Line("!");
            }
        }
        w.Line("!");
    }

    private static void EmitBgp(DeviceEmission e, ConfigWriter w, IosXrRoutePolicies policies, HashSet<(string, Text.SourceSpan)> refused)
    {
        var d = e.Device;
        if (d.Bgp is not { } bgp)
        {
            if (d.BmpStations.Length > 0)
            {
                w.Comment("BMP stations monitor BGP neighbors; this device runs no BGP, so none is written");
                foreach (var _ in d.BmpStations) e.Emitted("bmp station");
            }
            return;
        }
        var families = new[] { IpFamily.V4, IpFamily.V6 }.Where(f => bgp.Neighbors.Any(n => n.Address.Family == f)).ToList();
        if (families.Count == 0 && bgp.Damping is not null) families.Add(IpFamily.V4);

        w.Line($"router bgp {bgp.LocalAs}");
        e.Emitted("bgp");
        using (w.Indent())
        {
            if (bgp.RouterId is { } routerId)
            {
                w.Line($"bgp router-id {routerId.NetworkAddress}");
                e.Emitted("bgp router-id");
            }
            IosXrInboundPolicy.WriteServers(e, w);
            foreach (var family in families)
            {
                // XR activates an address family on a neighbor only if the router has it.
                w.Line($"address-family {Afi(family)} unicast");
                if (bgp.Damping is { } damping)
                {
                    using (w.Indent())
                    {
                        w.Line($"bgp dampening {CiscoSyntax.Minutes(damping.HalfLife)} {damping.Reuse} {damping.Suppress} {CiscoSyntax.Minutes(damping.MaxSuppress)}");
                    }
                    e.Emitted("bgp damping");
                }
                w.Line("!");
            }
            foreach (var n in bgp.Neighbors)
            {
                w.Line($"neighbor {n.Address.NetworkAddress}");
                using (w.Indent())
                {
                    w.Line($"remote-as {n.RemoteAs}");
                    e.Emitted("bgp neighbor");
                    if (n.Description is { } description)
                    {
                        w.Line($"description {description}");
                        e.Emitted("bgp neighbor description");
                    }
                    if (n.Auth is { Kind: AuthKind.Md5, Secret: { } secret })
                    {
                        w.Line($"password clear {e.Secret(secret)}");
                        e.Emitted("bgp md5 authentication");
                    }
                    if (n.Auth is { Kind: AuthKind.TcpAo, Keychain: { } keychain })
                    {
                        // TCP options other than AO stay out of the MAC, as IOS-XE's default.
                        w.Line($"ao {IosXrSyntax.Name(keychain.Name)} include-tcp-options disable");
                        e.Emitted("bgp tcp-ao authentication");
                    }
                    if (n.TtlSecurityHops is not null)
                    {
                        // XR's GTSM admits directly connected peers only (hops 1); more is refused.
                        if (!refused.Contains(("bgp ttl-security multi-hop", n.Span))) w.Line("ttl-security");
                        e.Emitted("bgp ttl-security");
                    }
                    if (n.HoldTime is { } hold)
                    {
                        long holdSeconds = (long)hold.TotalSeconds;
                        w.Line($"timers {holdSeconds / 3} {holdSeconds}");
                        e.Emitted("bgp hold-time");
                    }
                    for (int i = 0; i < d.BmpStations.Length; i++) w.Line($"bmp-activate server {i + 1}");
                    w.Line($"address-family {Afi(n.Address.Family)} unicast");
                    using (w.Indent())
                    {
                        // An eBGP direction without a filter passes every route (see PassAll).
                        bool ebgp = n.RemoteAs != bgp.LocalAs;
                        string? inbound = IosXrInboundPolicy.Inbound(e, policies, n, n.PrefixFilterIn is { } filterIn ? policies.ForPrefixFilter(filterIn, n.Address.Family) : null);
                        if (inbound is not null) w.Line($"route-policy {inbound} in");
                        else if (ebgp) w.Line($"route-policy {IosXrInboundPolicy.Unfiltered(e, policies, bgp)} in");
                        string? outbound = IosXrInboundPolicy.Outbound(e, policies, bgp, n, n.PrefixFilterOut is { } filterOut ? policies.ForPrefixFilter(filterOut, n.Address.Family) : null);
                        if (outbound is not null) w.Line($"route-policy {outbound} out");
                        else if (ebgp) w.Line($"route-policy {IosXrInboundPolicy.Unfiltered(e, policies, bgp)} out");
                        if (n.PrefixFilterIn is not null || n.PrefixFilterOut is not null) e.Emitted("bgp prefix-filter");
                        if (n.MaxPrefix is { } max)
                        {
                            string options = (max.WarnPercent is { } warnPercent ? $" {warnPercent.Value.ToString("0", CultureInfo.InvariantCulture)}" : "") +
                                (max.WarningOnly ? " warning-only" : max.Restart is { } restart ? $" restart {CiscoSyntax.Minutes(restart)}" : "");
                            w.Line($"maximum-prefix {max.Max}{options}");
                            e.Emitted("bgp max-prefix");
                        }
                    }
                    w.Line("!");
                }
                w.Line("!");
            }
        }
        w.Line("!");

        for (int i = 0; i < d.BmpStations.Length; i++)
        {
            var station = d.BmpStations[i];
            w.Line($"bmp server {i + 1}");
            using (w.Indent())
            {
                if (station.Address is { } address)
                {
                    w.Line($"host {address.NetworkAddress} port {station.Port}");
                    e.Emitted("bmp port");
                }
                if (station.StatsInterval is { } stats)
                {
                    w.Line($"stats-reporting-period {(long)stats.TotalSeconds}");
                    e.Emitted("bmp stats-interval");
                }
            }
            // bmp-activate exports Adj-RIB-In pre-policy; post-policy and Loc-RIB are refinements XR reports.
            if (!station.Monitor.IsDefaultOrEmpty) e.Emitted("bmp monitor");
            w.Line("!");
            e.Emitted("bmp station");
            if (station.Tls is { Mode: not TlsMode.Off }) e.Emitted("bmp over tls");   // unsupported on XR
        }
    }

    private static string Afi(IpFamily family) => family == IpFamily.V4 ? "ipv4" : "ipv6";
}

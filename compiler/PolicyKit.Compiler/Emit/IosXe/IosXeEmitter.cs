using System.Globalization;
using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXe;

/// <summary>
/// Cisco IOS / IOS-XE, in the command forms of the multicast security guide. The body is
/// rendered first while ACLs are collected, then ACLs and prefix lists are written above it,
/// so every name is defined before the line that uses it. IOS XR derives from this class where
/// the two agree.
/// </summary>
public class IosXeEmitter : ConfigEmitter
{
    public override string Target => "ios-xe";

    public override string FileName => "ios-xe.cfg";

    protected override string CommentMarker => "!";

    public override bool Serves(Platform platform) => platform == Platform.IosXe;

    // Link-local multicast (224.0.0.0/24: PIM hellos, IGMPv3 reports, OSPF) is never caught by a
    // source filter's implicit deny; every other group is.
    private static readonly IReadOnlyList<IpPrefix> RoutableMulticast =
        PrefixMath.Subtract([IpPrefix.MulticastV4], [IpPrefix.Parse("224.0.0.0/24")]);

    // A filter's ACL entries are rendered once per compile, not once per interface or device
    // that uses it (see ModelMemo): the shared join filters of a large policy have thousands of
    // rules and are applied on most interfaces. Repeated entries are dropped then, as AclBook
    // would (DistinctEntries); every use of these lists goes through AclBook.Add.
    private static readonly ModelMemo<Filter, (IpFamily Family, string? Protocol), DistinctEntries> ExtendedEntries = new();
    private static readonly ModelMemo<Filter, Func<Match, AddressMatch?>, DistinctEntries> StandardEntries = new();
    private static readonly ModelMemo<Filter, IpFamily, IReadOnlyList<string>> PrefixListEntriesMemo = new();

    /// <summary>The filter's rules in one family as IOS extended ACL entries (shared list); <paramref name="protocol"/> forces a protocol.</summary>
    protected static IReadOnlyList<string> ExtendedEntriesOf(Filter filter, IpFamily family, string? protocol = null) =>
        ExtendedEntries.Get(filter, (family, protocol), static (f, v) =>
            CiscoSyntax.ExtendedEntries(FilterLowering.LowerEach(f, v.Family), v.Family, v.Protocol));

    protected override void EmitDevice(DeviceEmission e)
    {
        var acls = new AclBook();
        var body = new ConfigWriter("!", " ");
        EmitGlobal(e, body, acls);
        foreach (var iface in e.Device.Interfaces) EmitInterface(e, body, acls, iface);
        EmitMsdp(e, body, acls);
        EmitKeychains(e, body);
        EmitBgp(e, body, acls);
        EmitControlPlane(e, body, acls);
        EmitGroupEncryption(e, body, acls);

        // Every ACL entry of a log rule carries IOS's `log` (CiscoSyntax); prefix lists cannot,
        // which is the refinement "rule log in a BGP prefix filter".
        if (ConstructUses.LogUses(e.Device).Any(u => !u.InPrefixFilter && !e.IsUnsupported(u.UsedBy))) e.Emitted("rule log");
        // IOS-XE has no commit: the file cannot replace a list without a moment where its users
        // are unfiltered, so it only adds; the plan removes (docs/targets.md, "Re-applying").
        e.Writer.Comment("Applied again over an older version this file adds what changed and removes nothing.");
        e.Writer.Comment("To converge, apply `mpolc plan POLICY --device NAME --running show-run.txt` (new entries first, stale ones after).");
        e.Writer.Line("!");
        WriteDefinitions(e.Writer, acls);
        e.Writer.Append(body);
        e.Writer.Line("end");
    }

    // ── ACL definitions ──

    /// <summary>The largest ACL entry number IOS-XE takes.</summary>
    protected const long MaxAclSequence = 2_147_483_647;

    /// <summary>The largest prefix-list sequence number IOS-XE takes.</summary>
    private const long MaxPrefixListSequence = 4_294_967_294;

    protected virtual void WriteDefinitions(ConfigWriter w, AclBook acls)
    {
        foreach (var acl in acls.Acls)
        {
            string header = acl.Family == IpFamily.V6
                ? $"ipv6 access-list {acl.Name}"
                : $"ip access-list {(acl.Kind == AclKind.Standard ? "standard" : "extended")} {acl.Name}";
            // Numbered entries (SequenceNumbers): a plan edits the list entry by entry, and an
            // inserted entry gets a number of its own instead of renumbering the rest.
            w.Block(header, () =>
            {
                // IPv6 access lists take the number as `sequence N` (as show running-config writes them).
                string keyword = acl.Family == IpFamily.V6 ? "sequence " : "";
                var numbered = SequenceNumbers.Number(acl.Entries, MaxAclSequence, 10);
                if (acl.Entries is DistinctEntries compact)
                {
                    // Rendered from the entries' bytes when the file is read: an 80k-entry list
                    // makes no string per line and is not copied into the writer (issue 18).
                    w.Deferred(compact.AsNumberedLines(keyword, numbered));
                    return;
                }
                Span<char> head = stackalloc char[32];
                keyword.CopyTo(head);
                foreach (var (seq, index) in numbered)
                {
                    seq.TryFormat(head[keyword.Length..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
                    head[keyword.Length + digits] = ' ';
                    w.Line(head[..(keyword.Length + digits + 1)], acl.Entries[index]);
                }
            });
            w.Line("!");
        }
        foreach (var (name, family, entries) in acls.PrefixLists)
        {
            foreach (var (seq, entry) in SequenceNumbers.Assign(entries, MaxPrefixListSequence, 5))
            {
                w.Line($"{(family == IpFamily.V4 ? "ip" : "ipv6")} prefix-list {name} seq {SequenceNumbers.Format(seq)} {entry}");
            }
            w.Line("!");
        }
    }

    /// <summary>A standard ACL over one address field of a filter (groups, from, rps).</summary>
    protected string StandardAcl(AclBook acls, Filter filter, string? suffix, Func<Match, AddressMatch?> field)
    {
        // The field selector is part of the memo key: delegates are equal when they call the same
        // method, and the selectors passed here are non-capturing lambdas.
        var entries = StandardEntries.Get(filter, field, static (f, select) =>
        {
            var rendered = new List<string>();
            foreach (var rule in f.Rules)
            {
                var addresses = FilterLowering.Expand(select(rule.Match), IpFamily.V4);
                if (addresses is { Count: 0 }) continue;
                foreach (var address in addresses ?? [null]) rendered.Add(CiscoSyntax.StandardEntry(rule.Action, address, rule.Log));
            }
            return DistinctEntries.Of(rendered);
        });
        return acls.Add(AclBook.NameFor(filter.Name, filter.IsInline ? null : suffix), IpFamily.V4, AclKind.Standard, entries);
    }

    /// <summary>An extended ACL for a filter in one family; <paramref name="protocol"/> forces a protocol (igmp, ip).</summary>
    protected string ExtendedAcl(AclBook acls, Filter filter, string? suffix, IpFamily family, string? protocol = null, IEnumerable<string>? trailer = null)
    {
        var entries = ExtendedEntriesOf(filter, family, protocol);
        if (trailer is not null) entries = [.. entries, .. trailer];
        return acls.Add(AclBook.NameFor(filter.Name, filter.IsInline && family == IpFamily.V4 ? null : suffix), family, AclKind.Extended, entries);
    }

    /// <summary>A permit-only extended ACL for an address selection (sources × groups), e.g. a class or a limit.</summary>
    protected string SelectionAcl(AclBook acls, string name, AddressMatch? sources, AddressMatch? groups, IpFamily family = IpFamily.V4)
    {
        var entries = new List<string>();
        foreach (var source in FilterLowering.Expand(sources, family) ?? [null])
        foreach (var group in FilterLowering.Expand(groups, family) ?? [null])
        {
            entries.Add($"permit {(family == IpFamily.V4 ? "ip" : "ipv6")} {CiscoSyntax.Address(source, family)} {CiscoSyntax.Address(group, family)}");
        }
        return acls.Add(name, family, AclKind.Extended, entries);
    }

    /// <summary>A standard ACL permitting the given groups (or hosts).</summary>
    protected string PermitListAcl(AclBook acls, string name, AddressMatch match, IpFamily family = IpFamily.V4)
    {
        var entries = (FilterLowering.Expand(match, family) ?? [null])
            .Select(p => family == IpFamily.V4 ? CiscoSyntax.StandardEntry(RuleAction.Permit, p, false) : $"permit ipv6 any {CiscoSyntax.V6(p)}")
            .ToList();
        return acls.Add(name, family, family == IpFamily.V4 ? AclKind.Standard : AclKind.Extended, entries);
    }

    protected static bool HasFamily(AddressMatch? match, IpFamily family) =>
        match is null || match.IsAny || match.Include.Any(p => p.Prefix.Family == family);

    // ── router-wide ──

    /// <summary>
    /// True when the device does multicast routing: a multicast setting of its own, an RP, MSDP,
    /// or an interface with IGMP/MLD, PIM, a boundary or a state limit. Only then are multicast
    /// routing, the SSM range and PIM on the interfaces written (a BGP-only router gets none).
    /// </summary>
    protected static bool DoesMulticast(Device d) =>
        d.RouteLimit is not null || d.IgmpRouterCap is not null || d.MldRouterCap is not null || d.IgmpDefaultLimit is not null ||
        d.MldDefaultLimit is not null || d.MrinfoFilter is not null || d.GroupRange is not null || d.Rp is not null ||
        d.RegisterRateLimit is not null || d.Msdp is not null || d.SsmRangeSpan is not null ||
        d.Interfaces.Any(i => i.Igmp is not null || i.Mld is not null || i.Pim is not null || !i.Boundaries.IsEmpty || !i.StateLimits.IsEmpty);

    /// <summary>True when the device does IPv6 multicast routing (MLD, an IPv6 RP, IPv6 boundaries or limits).</summary>
    protected static bool DoesIpv6Multicast(Device d) =>
        d.MldRouterCap is not null || d.MldDefaultLimit is not null || d.Rp?.Address is { Family: IpFamily.V6 } ||
        d.Interfaces.Any(i => i.Mld is not null || i.Boundaries.Any(b => b.Filter.Rules.Any(r => PlatformSupport.HasV6(r.Match.Groups))) ||
            i.StateLimits.Any(l => PlatformSupport.HasV6(l.Groups) || PlatformSupport.HasV6(l.Sources)) ||
            i.Pim?.PermittedNeighbors is { } neighbors && PlatformSupport.HasV6(neighbors)) ||
        (d.GroupRange is { } range && range.Filter.Rules.Any(r => PlatformSupport.HasV6(r.Match.Groups))) ||
        (d.Rp?.AcceptRegister is { } register && FilterLowering.AppliesTo(register, IpFamily.V6) && register.Rules.Any(r => PlatformSupport.HasV6(r.Match.Sources) || PlatformSupport.HasV6(r.Match.Groups)));

    protected virtual void EmitGlobal(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        var d = e.Device;
        w.Comment("Router-wide multicast protection");
        if (DoesMulticast(d))
        {
            // Distributed (hardware) forwarding, as IOS-XE platforms require it; MLD needs IPv6 routing too.
            w.Line("ip multicast-routing distributed");
            if (DoesIpv6Multicast(d)) w.Line("ipv6 multicast-routing");
        }
        if (d.RouteLimit is { } routeLimit)
        {
            w.Line($"ip multicast route-limit {routeLimit.Max}{(routeLimit.Warn is { } warn ? $" {warn}" : "")}");
            e.Emitted("mroute-limit");
        }
        if (d.MrinfoFilter is { } mrinfo)
        {
            w.Line($"ip multicast mrinfo-filter {StandardAcl(acls, mrinfo.Filter, "MRINFO", m => m.From)}");
            e.Emitted("mrinfo filter");
        }
        if (d.GroupRange is { } range)
        {
            if (FilterLowering.AppliesTo(range.Filter, IpFamily.V4))
                w.Line($"ip multicast group-range {StandardAcl(acls, range.Filter, "GROUPS", m => m.Groups)}");
            if (range.Filter.Rules.Any(r => HasFamily(r.Match.Groups, IpFamily.V6) && r.Match.Groups is not null))
                w.Line($"ipv6 multicast group-range {ExtendedAcl(acls, range.Filter, "GROUPS-V6", IpFamily.V6)}");
            e.Emitted("group-range");
        }
        EmitSsmRange(e, d, w, acls);
        foreach (var (protocol, cap, defaultLimit) in new[] { ("igmp", d.IgmpRouterCap, d.IgmpDefaultLimit), ("mld", d.MldRouterCap, d.MldDefaultLimit) })
        {
            if (cap is not null)
            {
                w.Line($"{(protocol == "igmp" ? "ip igmp" : "ipv6 mld")} limit {cap.Max}{ExceptClause(acls, cap, $"{d.Name}-{protocol}-cap", protocol)}");
                e.Emitted($"{protocol} limit (router-wide)");
            }
            if (defaultLimit is not null)
            {
                w.Comment($"{protocol} default-limit {defaultLimit.Max}: written on every interface below that sets no limit of its own");
            }
        }
        EmitCosts(e, w, acls);
        if (d.SapListen == false)
        {
            // ip sap listen is an interface command IOS leaves off: off is already so on every
            // interface the policy does not name (and written on those it names, below).
            if (d.Interfaces.IsEmpty) w.Comment("sap-listen off: IOS listens for SAP only where an interface says ip sap listen");
            e.Emitted("sap-listen");
        }
        if (d.RegisterRateLimit is { } rate)
        {
            w.Line($"ip pim register-rate-limit {rate}");
            e.Emitted("register-rate-limit");
        }
        if (d.Rp is { } rp) EmitRp(e, w, acls, rp);
        w.Line("!");
    }

    protected virtual void EmitSsmRange(DeviceEmission e, Device d, ConfigWriter w, AclBook acls)
    {
        if (!DoesMulticast(d)) return;
        // The IPv4 range; an IPv6 range other than ff3x::/32 is a refinement IOS-XE reports.
        if (d.SsmRangeSpan is not null) e.Emitted("ssm-range");
        var v4 = d.SsmRange.Include.Where(p => p.Prefix.Family == IpFamily.V4).ToList();
        if (v4.Count == 1 && v4[0].Prefix == IpPrefix.DefaultSsmV4 && d.SsmRange.Except.IsEmpty)
            w.Line("ip pim ssm default");
        else if (v4.Count > 0)
            w.Line($"ip pim ssm range {PermitListAcl(acls, AclBook.NameFor(d.Name, "SSM"), d.SsmRange)}");
    }

    private string ExceptClause(AclBook acls, GroupLimit limit, string name, string protocol)
    {
        if (limit.Except is null) return string.Empty;
        var family = protocol == "igmp" ? IpFamily.V4 : IpFamily.V6;
        string acl = SelectionAcl(acls, AclBook.NameFor(limit.Except.SetNames.Length == 1 ? limit.Except.SetNames[0] : name, protocol == "igmp" ? "EXCEPT" : "EXCEPT-V6"), null, limit.Except, family);
        return $" except {acl}";
    }

    /// <summary>
    /// ip multicast limit cost: one line per class (in kbps, the unit IOS multiplies by), in the
    /// policy's class order, then each limit's own default cost where it differs from 1 kbps.
    /// </summary>
    protected virtual void EmitCosts(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        var limits = e.Device.Interfaces.SelectMany(i => i.StateLimits).Where(l => l.IsCostBased).ToList();
        var classes = limits.SelectMany(l => l.Classes).Distinct().OrderBy(c => e.Model.Classes.IndexOf(c)).ToList();
        foreach (var cls in classes)
        {
            foreach (var family in SelectionFamilies(cls.Match.Sources, cls.Match.Groups))
            {
                string acl = SelectionAcl(acls, AclBook.NameFor(cls.Name, family == IpFamily.V4 ? "CLASS" : "CLASS-V6"), cls.Match.Sources, cls.Match.Groups, family);
                w.Line($"{Ip(family)} multicast limit cost {acl} {cls.Cost.Kbps}");
            }
        }
        foreach (var limit in limits.Where(l => l.DefaultCostIsExplicit && l.DefaultCost != Bandwidth.OneKbps))
        {
            foreach (var family in SelectionFamilies(limit.Sources, limit.Groups))
            {
                string acl = SelectionAcl(acls, LimitAclName(limit, family == IpFamily.V4 ? "DEFAULT-COST" : "DEFAULT-COST-V6"), limit.Sources, limit.Groups, family);
                w.Line($"{Ip(family)} multicast limit cost {acl} {limit.DefaultCost.Kbps}");
            }
        }
    }

    /// <summary>"ip" or "ipv6", as IOS commands start.</summary>
    protected static string Ip(IpFamily family) => family == IpFamily.V4 ? "ip" : "ipv6";

    /// <summary>
    /// The families a selection (sources × groups) names: each gets its own command (ip / ipv6
    /// multicast limit). A selection of every group stays IPv4, as IOS's ip multicast limit.
    /// </summary>
    protected static IEnumerable<IpFamily> SelectionFamilies(AddressMatch? sources, AddressMatch? groups)
    {
        var named = new[] { sources, groups }.Where(m => m is { IsAny: false }).SelectMany(m => m!.Include.Select(e => e.Prefix.Family)).Distinct().ToList();
        return named.Count == 0 ? [IpFamily.V4] : named.Order();
    }

    protected static string LimitAclName(StateLimit limit, string suffix)
    {
        string basis = limit.Groups?.SetNames.Length == 1 ? limit.Groups.SetNames[0] : $"LIMIT-{limit.Direction}";
        return AclBook.NameFor(basis, suffix);
    }

    protected virtual void EmitRp(DeviceEmission e, ConfigWriter w, AclBook acls, RpPolicy rp)
    {
        if (rp.Address is { } address)
        {
            // An RP serves groups of its own family: ip pim for IPv4, ipv6 pim for IPv6.
            bool v6 = address.Family == IpFamily.V6;
            string groups = rp.Groups is { } g
                ? " " + PermitListAcl(acls, AclBook.NameFor(e.Device.Name, v6 ? "RP-GROUPS-V6" : "RP-GROUPS"), g, address.Family)
                : string.Empty;
            w.Line($"{(v6 ? "ipv6" : "ip")} pim rp-address {address.NetworkAddress}{groups}");
            e.Emitted("rp address");
        }
        if (rp.AcceptRegister is { } accept)
        {
            // Registers reach an RP in its own family; a filter also speaks for the families it
            // names. Each family gets its own list (the filter's implicit deny included).
            foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
            {
                if (rp.Address?.Family != family && !FilterLowering.AppliesTo(accept, family)) continue;
                bool v6 = family == IpFamily.V6;
                w.Line($"{(v6 ? "ipv6" : "ip")} pim accept-register list {ExtendedAcl(acls, accept, v6 ? "REGISTER-V6" : "REGISTER", family)}");
            }
            e.Emitted("accept-register");
        }
        if (rp.AnnounceFilter is { } announce)
        {
            // IOS pairs one rp-list with one group-list per command: one command per rule.
            for (int i = 0; i < announce.Rules.Length; i++)
            {
                var single = announce with { Rules = [announce.Rules[i]] };
                string suffix = announce.Rules.Length == 1 ? "" : $"-{i + 1}";
                string rpList = StandardAcl(acls, single, "RP-LIST" + suffix, m => m.Rps);
                string groupList = StandardAcl(acls, single, "GROUP-LIST" + suffix, m => m.Groups);
                w.Line($"ip pim rp-announce-filter rp-list {rpList} group-list {groupList}");
            }
            e.Emitted("announce-filter (Auto-RP)");
        }
    }

    // ── interfaces ──

    protected virtual void EmitInterface(DeviceEmission e, ConfigWriter w, AclBook acls, InterfacePolicy iface)
    {
        var d = e.Device;
        string ifName = iface.Name;
        w.Line($"interface {ifName}");
        using (w.Indent())
        {
            if (iface.Description is { } description)
            {
                w.Line($"description {description}");
                e.Emitted("interface description");
            }
            // PIM sparse mode on every interface of a multicast router the policy names (IGMP
            // runs where PIM does); `pim { disabled; }` turns it off below.
            if (DoesMulticast(d) && iface.Pim is not { Disabled: true }) w.Line("ip pim sparse-mode");
            if (d.SapListen is { } sap)
            {
                w.Line(sap ? "ip sap listen" : "no ip sap listen");
                e.Emitted("sap-listen");
            }
            EmitMembership(e, w, acls, iface, GroupProtocol.Igmp);
            EmitMembership(e, w, acls, iface, GroupProtocol.Mld);
            EmitInboundAcl(e, w, acls, iface);
            foreach (var limit in iface.StateLimits)
            {
                long max = limit.MaxBandwidth is { } bw ? bw.Kbps : limit.MaxCount!.Value;
                foreach (var family in SelectionFamilies(limit.Sources, limit.Groups))
                {
                    string acl = SelectionAcl(acls, LimitAclName(limit, family == IpFamily.V4 ? "LIMIT" : "LIMIT-V6"), limit.Sources, limit.Groups, family);
                    w.Line($"{Ip(family)} multicast limit {limit.Direction.ToString().ToLowerInvariant()} {acl} {max}");
                }
                e.Emitted(limit.IsCostBased ? "state-limit with costs" : "state-limit");
            }
            if (iface.Pim is { } pim)
            {
                if (pim.Disabled)
                {
                    w.Line("no ip pim sparse-mode");
                    e.Emitted("pim disabled");
                    if (DoesIpv6Multicast(d)) w.Line("no ipv6 pim");
                }
                if (pim.NoNeighbors || pim.PermittedNeighbors is not null)
                {
                    // A neighbour list speaks for the families it names; "none" for IPv4, and for
                    // IPv6 too where the interface runs MLD.
                    var permitted = pim.PermittedNeighbors;
                    string basis = permitted?.SetNames.Length == 1 ? permitted.SetNames[0] : $"{ifName}-PIM";
                    if (pim.NoNeighbors || HasFamily(permitted, IpFamily.V4))
                    {
                        var neighbors = pim.NoNeighbors
                            ? acls.Add(AclBook.NameFor($"{ifName}-PIM-NONE"), IpFamily.V4, AclKind.Standard, ["deny any"])
                            : PermitListAcl(acls, AclBook.NameFor(basis, "NEIGHBORS"), permitted!);
                        w.Line($"ip pim neighbor-filter {neighbors}");
                    }
                    if ((pim.NoNeighbors && iface.Mld is not null) || (!pim.NoNeighbors && permitted!.Include.Any(p => p.Prefix.Family == IpFamily.V6)))
                    {
                        var entries = pim.NoNeighbors
                            ? ["deny ipv6 any any"]
                            : (FilterLowering.Expand(permitted, IpFamily.V6) ?? [null]).Select(p => $"permit ipv6 {CiscoSyntax.V6(p)} any").ToList();
                        string name = AclBook.NameFor(pim.NoNeighbors ? $"{ifName}-PIM-NONE" : basis, pim.NoNeighbors ? "V6" : "NEIGHBORS-V6");
                        w.Line($"ipv6 pim neighbor-filter list {acls.Add(name, IpFamily.V6, AclKind.Extended, entries)}");
                    }
                    e.Emitted("pim neighbor filter");
                }
                if (pim.BsrBorder)
                {
                    w.Line("ip pim bsr-border");
                    // BSR runs per family: the IPv6 border too where the router does IPv6 multicast.
                    if (DoesIpv6Multicast(d)) w.Line("ipv6 pim bsr border");
                    e.Emitted("bsr-border");
                }
            }
            EmitBoundary(e, w, acls, iface);
            if (iface.RouterGuard)
            {
                w.Line("router-guard ip multicast");
                e.Emitted("router-guard");
            }
        }
        w.Line("!");
    }

    /// <summary>
    /// IOS keeps one <c>ip multicast boundary</c> per interface, so several boundaries become one
    /// ACL that permits what all of them permit: the exact groups each group-only boundary denies
    /// (first-match evaluated), then the one (S,G) boundary's own rules, if there is one.
    /// </summary>
    protected virtual void EmitBoundary(DeviceEmission e, ConfigWriter w, AclBook acls, InterfacePolicy iface)
    {
        if (iface.Boundaries.Length == 0) return;
        var sourceBoundary = iface.Boundaries.FirstOrDefault(b => b.Filter.Rules.Any(r => r.Match.Sources is not null));
        var denied = iface.Boundaries.Where(b => b != sourceBoundary).SelectMany(b => DeniedGroups(b.Filter)).Order().ToList();
        string acl;
        if (iface.Boundaries.Length == 1)
        {
            var only = iface.Boundaries[0];
            acl = sourceBoundary is not null
                ? ExtendedAcl(acls, only.Filter, "BOUNDARY", IpFamily.V4)
                : StandardAcl(acls, only.Filter, "BOUNDARY", m => m.Groups);
        }
        else if (sourceBoundary is null)
        {
            var entries = denied.Select(p => CiscoSyntax.StandardEntry(RuleAction.Deny, p, false)).Append("permit any").ToList();
            acl = acls.Add(AclBook.NameFor(iface.Name, "BOUNDARY"), IpFamily.V4, AclKind.Standard, entries);
        }
        else
        {
            var entries = denied.Select(p => $"deny ip any {CiscoSyntax.V4(p)}")
                .Concat(ExtendedEntriesOf(sourceBoundary.Filter, IpFamily.V4))
                .ToList();
            acl = acls.Add(AclBook.NameFor(iface.Name, "BOUNDARY"), IpFamily.V4, AclKind.Extended, entries);
        }
        bool autoRp = iface.Boundaries.Any(b => b.FilterAutoRp);
        w.Line($"ip multicast boundary {acl}{(autoRp ? " filter-autorp" : "")}");
        foreach (var boundary in iface.Boundaries) e.Emitted(boundary.FilterAutoRp ? "boundary filter-auto-rp" : "boundary");
    }

    /// <summary>The IPv4 groups a group-only first-match filter denies, exactly (implicit deny included).</summary>
    protected static List<IpPrefix> DeniedGroups(Filter filter)
    {
        List<IpPrefix> undecided = [IpPrefix.MulticastV4];
        var denied = new List<IpPrefix>();
        foreach (var rule in filter.Rules)
        {
            var groups = FilterLowering.Expand(rule.Match.Groups, IpFamily.V4)?.Select(p => p!.Value).ToList() ?? [IpPrefix.MulticastV4];
            var rest = PrefixMath.Subtract(undecided, groups);
            if (rule.Action == RuleAction.Deny) denied.AddRange(PrefixMath.Subtract(undecided, rest));
            undecided = rest;
        }
        denied.AddRange(undecided);
        return denied;
    }

    protected virtual void EmitMembership(DeviceEmission e, ConfigWriter w, AclBook acls, InterfacePolicy iface, GroupProtocol protocol)
    {
        var membership = iface.MembershipFor(protocol);
        string p = protocol == GroupProtocol.Igmp ? "igmp" : "mld";
        string prefix = protocol == GroupProtocol.Igmp ? "ip igmp" : "ipv6 mld";
        var family = protocol == GroupProtocol.Igmp ? IpFamily.V4 : IpFamily.V6;
        if (membership?.MinimumVersion is { } version)
        {
            // The version the router speaks; refusing older reports is in the inbound ACL.
            w.Line($"{prefix} version {version}");
            e.Emitted($"{p} minimum version");
        }
        if (membership?.Access is { } access)
        {
            string acl = protocol == GroupProtocol.Igmp && !access.Rules.Any(r => r.Match.Sources is not null)
                ? StandardAcl(acls, access, "IGMP", m => m.Groups)
                : ExtendedAcl(acls, access, protocol == GroupProtocol.Igmp ? "IGMP" : "MLD", family, protocol == GroupProtocol.Igmp ? "igmp" : null);
            w.Line($"{prefix} access-group {acl}");
            e.Emitted($"{p} access filter");
        }
        var limit = membership?.Limit ?? e.Device.DefaultLimitFor(protocol);
        // The per-interface default applies to every interface the policy names.
        if (limit is not null)
        {
            w.Line($"{prefix} limit {limit.Max}{ExceptClause(acls, limit, $"{iface.Name}-{p}", p)}");
            if (membership?.Limit is not null) e.Emitted(limit.Except is null ? $"{p} interface limit" : $"{p} interface limit with except");
            else e.Emitted($"{p} default-limit");
        }
    }

    /// <summary>
    /// IOS allows one inbound ACL per interface, so query dropping, the IGMP control list and the
    /// source filter share it, in that order: IGMP rules first (ending in "deny igmp any any"
    /// when a control list is set), then the source filter's (S,G) rules with its implicit deny
    /// limited to routable multicast, then "permit ip any any" for all other traffic.
    /// </summary>
    protected virtual void EmitInboundAcl(DeviceEmission e, ConfigWriter w, AclBook acls, InterfacePolicy iface)
    {
        // Built without repeats as UTF-8 (DistinctEntries): a source filter's entries are copied, not made strings again.
        var entries = new DistinctEntries.Builder();
        var igmp = iface.Igmp;
        var mld = iface.Mld;
        if (igmp?.DropQueries == true)
        {
            entries.Add("deny igmp any any host-query");
            e.Emitted("igmp queries drop");
        }
        // Minimum version: membership reports of older versions are dropped before IGMP sees them.
        if (igmp?.MinimumVersion is >= 2) entries.Add("deny igmp any any host-report");
        if (igmp?.MinimumVersion is >= 3) entries.Add("deny igmp any any v2-report");
        if (igmp?.Control is { } control)
        {
            entries.AddRange(ExtendedEntriesOf(control, IpFamily.V4, "igmp"));
            entries.Add("deny igmp any any");
            e.Emitted("igmp control filter");
        }
        if (iface.SourceFilter is { } source)
        {
            entries.AddRange(ExtendedEntriesOf(source, IpFamily.V4));
            entries.AddRange(RoutableMulticast.Select(m => $"deny ip any {CiscoSyntax.V4(m)}").ToList());
            e.Emitted("source-filter");
        }
        if (entries.Count > 0)
        {
            entries.Add("permit ip any any");
            w.Line($"ip access-group {acls.Add(AclBook.NameFor(iface.Name, "IN"), IpFamily.V4, AclKind.Extended, entries.Build())} in");
        }

        var v6 = new DistinctEntries.Builder();
        if (mld?.DropQueries == true)
        {
            v6.Add("deny icmp any any mld-query");
            e.Emitted("mld queries drop");
        }
        if (mld?.MinimumVersion is >= 2) v6.Add("deny icmp any any mld-report");
        if (iface.SourceFilter is { } source6 && FilterLowering.AppliesTo(source6, IpFamily.V6))
        {
            v6.AddRange(ExtendedEntriesOf(source6, IpFamily.V6));
        }
        if (v6.Count > 0)
        {
            v6.Add("permit ipv6 any any");
            w.Line($"ipv6 traffic-filter {acls.Add(AclBook.NameFor(iface.Name, "IN-V6"), IpFamily.V6, AclKind.Extended, v6.Build())} in");
        }
    }

    // ── MSDP ──

    protected virtual void EmitMsdp(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        if (e.Device.Msdp is not { } msdp) return;
        w.Comment("MSDP");
        if (msdp.OriginatorId is { } originator)
        {
            w.Line($"ip msdp originator-id {originator}");
            e.Emitted("msdp originator-id");
        }
        if (msdp.Redistribute is { } redistribute)
        {
            w.Line($"ip msdp redistribute list {ExtendedAcl(acls, redistribute, "SA", IpFamily.V4)}");
            e.Emitted("msdp redistribute filter");
        }
        foreach (var peer in msdp.Peers)
        {
            string address = peer.Address.NetworkAddress.ToString();
            string connect = peer.ConnectSource is { } source ? $" connect-source {source}" : "";
            w.Line($"ip msdp peer {address}{connect} remote-as {peer.RemoteAs}");
            if (peer.ConnectSource is not null) e.Emitted("msdp connect-source");
            e.Emitted("msdp peer");
            if (peer.Description is { } description)
            {
                w.Line($"ip msdp description {address} {description}");
                e.Emitted("msdp peer description");
            }
            if (peer.Auth is { Secret: { } secret })
            {
                w.Line($"ip msdp password peer {address} 0 {e.Secret(secret)}");
                e.Emitted("msdp md5 authentication");
            }
            if (peer.SaFilterIn is { } saIn) w.Line($"ip msdp sa-filter in {address} list {ExtendedAcl(acls, saIn, "SA", IpFamily.V4)}");
            if (peer.SaFilterOut is { } saOut) w.Line($"ip msdp sa-filter out {address} list {ExtendedAcl(acls, saOut, "SA", IpFamily.V4)}");
            if (peer.SaFilterIn is not null || peer.SaFilterOut is not null) e.Emitted("msdp sa-filter");
            if (peer.SaLimit is { } saLimit)
            {
                w.Line($"ip msdp sa-limit {address} {saLimit}");
                e.Emitted("msdp sa-limit");
            }
            if (peer.MeshGroup is { } mesh)
            {
                w.Line($"ip msdp mesh-group {mesh} {address}");
                e.Emitted("msdp mesh-group");
            }
        }
        w.Line("!");
    }

    // ── keys, BGP, BMP ──

    protected virtual void EmitKeychains(DeviceEmission e, ConfigWriter w)
    {
        // Only keychains used for TCP-AO are written (a keychain no peer uses configures nothing).
        var used = (e.Device.Bgp?.Neighbors ?? []).Select(n => n.Auth?.Keychain).OfType<Keychain>().Distinct().ToList();
        foreach (var keychain in used)
        {
            w.Line($"key chain {AclBook.NameFor(keychain.Name)} tcp");
            using (w.Indent())
            {
                foreach (var key in keychain.Keys)
                {
                    w.Line($"key {key.Id}");
                    using (w.Indent())
                    {
                        w.Line($"send-id {key.Id}");
                        w.Line($"recv-id {key.Id}");
                        // AES-128-CMAC-96 (RFC 5926), the algorithm every PolicyKit backend uses, so sessions between
                        // routers of different vendors compiled from one policy agree.
                        w.Line("cryptographic-algorithm aes-128-cmac");
                        w.Line($"key-string {e.Secret(key.Secret)}");
                        if (key.ValidFrom is { } from)
                        {
                            string end = key.ValidUntil is { } until ? CiscoSyntax.LifetimeEnd(until) : "infinite";
                            w.Line($"send-lifetime {CiscoSyntax.LifetimeStart(from)} {end}");
                            w.Line($"accept-lifetime {CiscoSyntax.LifetimeStart(from)} {end}");
                        }
                    }
                }
            }
            w.Line("!");
        }
    }

    protected virtual void EmitBgp(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        var d = e.Device;
        if (d.Bgp is not { } bgp)
        {
            if (d.BmpStations.Length > 0)
            {
                w.Comment("BMP stations are configured under router bgp; this device runs no BGP, so none is written");
                foreach (var _ in d.BmpStations) e.Emitted("bmp station");
            }
            return;
        }
        w.Line($"router bgp {bgp.LocalAs}");
        e.Emitted("bgp");
        using (w.Indent())
        {
            if (bgp.RouterId is { } routerId)
            {
                w.Line($"bgp router-id {routerId.NetworkAddress}");
                e.Emitted("bgp router-id");
            }
            w.Line("bgp log-neighbor-changes");
            IosXeInboundPolicy.WriteServers(e, w);
            if (bgp.Damping is { } damping)
            {
                w.Line($"bgp dampening {CiscoSyntax.Minutes(damping.HalfLife)} {damping.Reuse} {damping.Suppress} {CiscoSyntax.Minutes(damping.MaxSuppress)}");
                e.Emitted("bgp damping");
            }
            foreach (var n in bgp.Neighbors)
            {
                string a = n.Address.NetworkAddress.ToString();
                w.Line($"neighbor {a} remote-as {n.RemoteAs}");
                e.Emitted("bgp neighbor");
                if (n.Description is { } description)
                {
                    w.Line($"neighbor {a} description {description}");
                    e.Emitted("bgp neighbor description");
                }
                if (n.Auth is { Kind: AuthKind.Md5, Secret: { } secret })
                {
                    w.Line($"neighbor {a} password 0 {e.Secret(secret)}");
                    e.Emitted("bgp md5 authentication");
                }
                if (n.Auth is { Kind: AuthKind.TcpAo, Keychain: { } keychain })
                {
                    w.Line($"neighbor {a} ao {AclBook.NameFor(keychain.Name)}");
                    e.Emitted("bgp tcp-ao authentication");
                }
                if (n.TtlSecurityHops is { } hops)
                {
                    w.Line($"neighbor {a} ttl-security hops {hops}");
                    e.Emitted("bgp ttl-security");
                }
                if (n.HoldTime is { } hold)
                {
                    long holdSeconds = (long)hold.TotalSeconds;
                    w.Line($"neighbor {a} timers {holdSeconds / 3} {holdSeconds}");
                    e.Emitted("bgp hold-time");
                }
            }
            foreach (var station in d.BmpStations.Select((s, i) => (s, i)))
            {
                w.Line($"bmp server {station.i + 1}");
                using (w.Indent())
                {
                    if (station.s.Address is { } address)
                    {
                        w.Line($"address {address.NetworkAddress} port-number {station.s.Port}");
                        e.Emitted("bmp port");
                    }
                    if (station.s.StatsInterval is { } stats)
                    {
                        w.Line($"stats-reporting-period {(long)stats.TotalSeconds}");
                        e.Emitted("bmp stats-interval");
                    }
                    // bmp-activate exports Adj-RIB-In pre-policy: the monitor the station gets here
                    // (post-policy and Loc-RIB are refinements IOS-XE reports unsupported).
                    if (!station.s.Monitor.IsDefaultOrEmpty) e.Emitted("bmp monitor");
                    w.Line("activate");
                }
                w.Line("exit-bmp-server-mode");
                e.Emitted("bmp station");
            }
            foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
            {
                var neighbors = bgp.Neighbors.Where(n => n.Address.Family == family).ToList();
                if (neighbors.Count == 0) continue;
                w.Line($"address-family {(family == IpFamily.V4 ? "ipv4" : "ipv6")} unicast");
                using (w.Indent())
                {
                    foreach (var n in neighbors)
                    {
                        string a = n.Address.NetworkAddress.ToString();
                        w.Line($"neighbor {a} activate");
                        if (n.MaxPrefix is { } max)
                        {
                            string options = (max.WarnPercent is { } warn ? $" {warn.Value.ToString("0", CultureInfo.InvariantCulture)}" : "") +
                                (max.WarningOnly ? " warning-only" : max.Restart is { } restart ? $" restart {CiscoSyntax.Minutes(restart)}" : "");
                            w.Line($"neighbor {a} maximum-prefix {max.Max}{options}");
                            e.Emitted("bgp max-prefix");
                        }
                        if (n.PrefixFilterIn is { } filterIn) w.Line($"neighbor {a} prefix-list {PrefixList(acls, filterIn, family)} in");
                        if (n.PrefixFilterOut is { } filterOut) w.Line($"neighbor {a} prefix-list {PrefixList(acls, filterOut, family)} out");
                        if (n.PrefixFilterIn is not null || n.PrefixFilterOut is not null) e.Emitted("bgp prefix-filter");
                        IosXeInboundPolicy.WriteNeighborPolicy(w, bgp, n);
                        for (int i = 0; i < d.BmpStations.Length; i++) w.Line($"neighbor {a} bmp-activate server {i + 1}");
                    }
                }
                w.Line("exit-address-family");
            }
        }
        w.Line("!");
        IosXeInboundPolicy.WriteRouteMaps(e, w, bgp);
    }

    /// <summary>A prefix list from a prefix filter: one entry per prefix, length ranges kept (ge/le).</summary>
    protected string PrefixList(AclBook acls, Filter filter, IpFamily family) =>
        acls.AddPrefixList(AclBook.NameFor(filter.Name, family == IpFamily.V4 ? null : "V6"), family, PrefixListEntries(filter, family));

    /// <summary>The prefix-list entries of a prefix filter in one family (a shared list, rendered once per compile).</summary>
    public static IReadOnlyList<string> PrefixListEntries(Filter filter, IpFamily family) =>
        PrefixListEntriesMemo.Get(filter, family, static (f, fam) => PrefixListEntriesUncached(f, fam));

    private static string[] PrefixListEntriesUncached(Filter filter, IpFamily family)
    {
        var entries = new List<string>();
        foreach (var rule in filter.Rules)
        {
            string action = CiscoSyntax.Action(rule.Action);
            var prefixes = rule.Match.Prefixes;
            if (prefixes is null || prefixes.IsAny)
            {
                entries.Add($"{action} {(family == IpFamily.V4 ? "0.0.0.0/0 le 32" : "::/0 le 128")}");
                continue;
            }
            // Exceptions of a set fall through to later rules: with exact prefixes they are
            // subtracted; with length ranges they become deny entries ahead of the set.
            foreach (var except in prefixes.Except.Where(p => p.Prefix.Family == family && p.HasLengthRange))
                entries.Add($"deny {except}");
            var plain = prefixes.Except.Where(p => !p.HasLengthRange).Select(p => p.Prefix).ToList();
            foreach (var entry in prefixes.Include.Where(p => p.Prefix.Family == family))
            {
                foreach (var piece in plain.Count == 0 ? [entry.Prefix] : PrefixMath.Subtract([entry.Prefix], plain))
                    entries.Add($"{action} {entry with { Prefix = piece }}");
            }
        }
        return [.. entries];
    }

    // ── control plane and group encryption ──

    /// <summary>
    /// The infrastructure ACL as CoPP. Rate classes police the traffic of their protocol that the
    /// filter permits; one drop class matches the IP traffic the filter denies (its rules with the
    /// actions turned round, then its implicit deny); class-default carries no action, so non-IP
    /// control traffic a filter cannot name (ARP, IS-IS, CDP, LACP) and everything the filter
    /// permits passes. (Decided, docs/language.md: the guide's advice to start permit-only, and
    /// no protocol dropped that the policy did not deny.)
    /// </summary>
    protected virtual void EmitControlPlane(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        if (e.Device.ControlPlane is not { } cp) return;
        var classes = new List<(string Class, string Action)>();
        foreach (var rate in cp.Rates)
        {
            var (protocol, port) = CiscoSyntax.Protocol(rate.Protocol, IpFamily.V4);
            List<string> entries;
            if (cp.Filter is { } filterForRate)
            {
                // The filter's rules narrowed to the protocol (a rule for any protocol is narrowed
                // to it): the class polices only traffic of this protocol the filter permits.
                entries = FilterLowering.Lower(filterForRate, IpFamily.V4)
                    .Where(r => r.Protocol is null || r.Protocol == rate.Protocol)
                    .Select(r => CiscoSyntax.ExtendedEntry(r with { Protocol = rate.Protocol }, IpFamily.V4))
                    .ToList();
            }
            else
            {
                entries = [$"permit {protocol} any any{(port is not null ? $" eq {port}" : "")}"];
            }
            string name = AclBook.NameFor($"{e.Device.Name}-COPP-RATE-{rate.Protocol}");
            acls.Add(name, IpFamily.V4, AclKind.Extended, entries);
            classes.Add((name, $"police rate {rate.PacketsPerSecond} pps conform-action transmit exceed-action drop"));
        }
        if (cp.Filter is { } filter)
        {
            // What the filter denies: each rule with its action turned round, then "permit ip any
            // any" for its implicit deny (cut as unreachable when the filter ends in permit any).
            var denied = FilterLowering.Lower(filter, IpFamily.V4)
                .Select(r => CiscoSyntax.ExtendedEntry(r with { Action = r.Action == RuleAction.Permit ? RuleAction.Deny : RuleAction.Permit }, IpFamily.V4))
                .Append("permit ip any any")
                .ToList();
            string name = acls.Add(AclBook.NameFor(filter.Name, "COPP-DENY"), IpFamily.V4, AclKind.Extended, denied);
            classes.Add((name, "drop"));
            // IPv6 control traffic the filter denies, likewise (a class matches an IPv6 ACL by name).
            if (filter.Rules.Any(r => PlatformSupport.HasV6(r.Match.From) || PlatformSupport.HasV6(r.Match.To)))
            {
                var denied6 = FilterLowering.Lower(filter, IpFamily.V6)
                    .Select(r => CiscoSyntax.ExtendedEntry(r with { Action = r.Action == RuleAction.Permit ? RuleAction.Deny : RuleAction.Permit }, IpFamily.V6))
                    .Append("permit ipv6 any any")
                    .ToList();
                classes.Add((acls.Add(AclBook.NameFor(filter.Name, "COPP-DENY-V6"), IpFamily.V6, AclKind.Extended, denied6), "drop"));
            }
        }
        foreach (var (cls, _) in classes)
        {
            w.Block($"class-map match-all {cls}", () => w.Line($"match access-group name {cls}"));
        }
        string policy = AclBook.NameFor($"{e.Device.Name}-COPP");
        w.Block($"policy-map {policy}", () =>
        {
            foreach (var (cls, action) in classes)
            {
                w.Line($"class {cls}");
                using (w.Indent()) w.Line(action);
            }
        });
        w.Block("control-plane", () => w.Line($"service-policy input {policy}"));
        w.Line("!");
        e.Emitted("control-plane");
    }

    protected virtual void EmitGroupEncryption(DeviceEmission e, ConfigWriter w, AclBook acls)
    {
        if (e.Device.GroupEncryption is not { } ge) return;
        string group = AclBook.NameFor($"{e.Device.Name}-GETVPN");
        // The group's IPsec profile, defined here so the group never names a missing one:
        // AES-256 with SHA-256 (what GET VPN key servers are deployed with; change the transform
        // here if the site needs another). Key-server RSA keys and rekey are site configuration.
        w.Comment("GET VPN key server: the IPsec profile of the group, then the group with the crypto ACL scope.");
        w.Line($"crypto ipsec transform-set {group} esp-aes 256 esp-sha256-hmac");
        using (w.Indent()) w.Line("mode tunnel");
        w.Line("!");
        w.Line($"crypto ipsec profile {group}");
        using (w.Indent()) w.Line($"set transform-set {group}");
        w.Line("!");
        w.Line($"crypto gdoi group {group}");
        using (w.Indent())
        {
            w.Line($"identity number {ge.GroupId ?? 1}");
            w.Line("server local");
            using (w.Indent())
            {
                w.Line("sa ipsec 1");
                using (w.Indent())
                {
                    w.Line($"profile {group}");
                    if (ge.Protect is { } protect)
                    {
                        w.Line($"match address ipv4 {ExtendedAcl(acls, protect, "CRYPTO", IpFamily.V4)}");
                        // The IPv6 scope where the filter protects some IPv6 traffic by name.
                        if (protect.Rules.Any(r => r.Action == RuleAction.Permit &&
                                (PlatformSupport.HasV6(r.Match.Groups) || PlatformSupport.HasV6(r.Match.Sources) || PlatformSupport.HasV6(r.Match.From) || PlatformSupport.HasV6(r.Match.To))))
                            w.Line($"match address ipv6 {ExtendedAcl(acls, protect, "CRYPTO-V6", IpFamily.V6)}");
                    }
                }
            }
        }
        w.Line("!");
        e.Emitted("group-encryption");
    }
}

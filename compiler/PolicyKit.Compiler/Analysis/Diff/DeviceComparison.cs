using System.Globalization;
using PolicyKit.Compiler.Analysis.Queries;
using PolicyKit.Compiler.Model;
using PolicyKit.Engine;
using PolicyKit.Engine.Analysis;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Compiler.Analysis.Diff;

/// <summary>
/// One device in two versions of a policy, compared by meaning. Which events are admitted comes
/// from the agent's tables through <see cref="DecisionRegions"/> (the same answers as
/// <c>mpolc query</c>) and is compared by verdict, not by deciding rule, so reordering disjoint
/// rules or renaming a set changes nothing; limits come from the tables (device defaults
/// applied); protections and keys from the bound model. Things are matched by what they are
/// (interface name, peer address), never by the name of a set or filter.
/// </summary>
internal sealed class DeviceComparison(DeviceView before, DeviceView after, JoinDeltas joinDeltas)
{
    private const string Router = "router";
    private readonly List<SemanticChange> _changes = [];

    private readonly Lazy<TableRule[]> _oldGroupRange = new(() => JoinDeltas.GroupRange(before.Table.Source));
    private readonly Lazy<TableRule[]> _newGroupRange = new(() => JoinDeltas.GroupRange(after.Table.Source));

    private CompiledTable Old => before.Table;

    private CompiledTable New => after.Table;

    private string Device => after.Device.Name;

    public List<SemanticChange> Changes()
    {
        RouterLimits();
        Registers();
        var oldInterfaces = before.Device.Interfaces.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var i in before.Device.Interfaces.Where(i => after.Interface(i.Name) is null)) Add($"interface {i.Name}", "interface", ChangeKind.Removed);
        foreach (var i in after.Device.Interfaces)
        {
            if (!oldInterfaces.Contains(i.Name)) Add($"interface {i.Name}", "interface", ChangeKind.Added);
            else Interface(i.Name);
        }
        Bgp();
        Msdp();
        return _changes;
    }

    private void Add(string scope, string subject, ChangeKind kind, string? old = null, string? @new = null, IReadOnlyList<RegionAxis>? ranges = null) =>
        _changes.Add(new SemanticChange(Device, scope, subject, kind, old, @new) { Ranges = ranges ?? [] });

    private void RouterLimits()
    {
        var (o, n) = (Old.Source.Router, New.Source.Router);
        Count(Router, "mroute-limit", Limit(o.RouteLimit), Limit(n.RouteLimit));
        Count(Router, "IGMP router limit", o.IgmpCap?.Max, n.IgmpCap?.Max);
        Count(Router, "MLD router limit", o.MldCap?.Max, n.MldCap?.Max);
        Count(Router, "IGMP default-limit", o.IgmpDefault?.Max, n.IgmpDefault?.Max);
        Count(Router, "MLD default-limit", o.MldDefault?.Max, n.MldDefault?.Max);
        Count(Router, "register-rate-limit", Limit(o.RegisterRatePerSecond), Limit(n.RegisterRatePerSecond));
        var (ob, nb) = (before.Device.Bgp, after.Device.Bgp);
        Flag(Router, "ebgp-default reject (RFC 8212)", ob?.EbgpRejectsUnfiltered == true, nb?.EbgpRejectsUnfiltered == true);
        Flag(Router, "BGP damping", ob?.Damping is not null, nb?.Damping is not null);
    }

    private static long? Limit(int value) => value == RouterEntry.Unlimited ? null : value;

    /// <summary>PIM registers this RP accepts (accept-register, behind the group range).</summary>
    private void Registers()
    {
        if (SameGate() && SameFilter(Old.Source.Router.AcceptRegisterFilter, New.Source.Router.AcceptRegisterFilter)) return;
        foreach (var family in new[] { AddressFamily.V4, AddressFamily.V6 })
        {
            var space = Space.Channels(family);
            Regions(Router, $"{Protocol(family, "PIM")}registers", space,
                DecisionRegions.Registers(Old, family), DecisionRegions.Registers(New, family), ChannelAxes(family));
        }
    }

    private void Interface(string name)
    {
        string scope = $"interface {name}";
        var (o, n) = (Old.Source.Interfaces[Old.FindInterface(name)], New.Source.Interfaces[New.FindInterface(name)]);
        foreach (var family in new[] { AddressFamily.V4, AddressFamily.V6 })
        {
            var (om, nm) = family == AddressFamily.V4 ? (o.Igmp, n.Igmp) : (o.Mld, n.Mld);
            string protocol = family == AddressFamily.V4 ? "IGMP" : "MLD";
            Count(scope, $"{protocol} limit", om?.Limit?.Max, nm?.Limit?.Max);
            int oldVersion = om?.MinVersion ?? 0, newVersion = nm?.MinVersion ?? 0;
            if (oldVersion != newVersion)
            {
                Add(scope, $"{protocol} minimum version", oldVersion == 0 ? ChangeKind.Gained : newVersion == 0 ? ChangeKind.Lost : newVersion > oldVersion ? ChangeKind.Raised : ChangeKind.Lowered,
                    oldVersion == 0 ? null : Number(oldVersion), newVersion == 0 ? null : Number(newVersion));
            }
            Joins(scope, name, family, om?.AccessFilter ?? -1, nm?.AccessFilter ?? -1,
                before.Interface(name)!.MembershipFor(Membership(family))?.Access, after.Interface(name)!.MembershipFor(Membership(family))?.Access);
        }
        StateLimits(scope, o, n);
    }

    /// <summary>The joins hosts on the interface may make: the ranges newly admitted and newly denied.</summary>
    private void Joins(string scope, string iface, AddressFamily family, int oldFilter, int newFilter, Filter? oldAccess, Filter? newAccess)
    {
        if (SameGate() && SameFilter(oldFilter, newFilter)) return;
        var key = new JoinDeltas.Key(oldAccess, newAccess, _oldGroupRange.Value, _newGroupRange.Value, Old.Source.Router.Ssm, New.Source.Router.Ssm, family);
        var delta = joinDeltas.Get(key, () =>
        {
            var space = Space.Joins(family);
            var (o, n) = (DecisionRegions.Joins(Old, iface, family), DecisionRegions.Joins(New, iface, family));
            return [RegionDelta.AdmittedOnlyBy(space, n, o), RegionDelta.AdmittedOnlyBy(space, o, n)];
        });
        var axes = JoinAxes(family);
        string subject = $"{Protocol(family, "")}joins";
        foreach (var box in delta[0]) Add(scope, subject, ChangeKind.Admitted, ranges: axes(box));
        foreach (var box in delta[1]) Add(scope, subject, ChangeKind.Denied, ranges: axes(box));
    }

    /// <summary>
    /// State limits and bandwidth budgets, matched by direction and kind in the order written; a
    /// limit whose counted (S,G) changed says so once, beside its value.
    /// </summary>
    private void StateLimits(string scope, InterfaceEntry o, InterfaceEntry n)
    {
        static (Tables.Model.LimitDirection, bool) Key(StateLimitEntry l) => (l.Direction, l.CostBased);
        var oldLimits = o.StateLimits.ToLookup(Key);
        var newLimits = n.StateLimits.ToLookup(Key);
        foreach (var group in oldLimits.Concat(newLimits).Select(g => g.Key).Distinct())
        {
            var (ol, nl) = (oldLimits[group].ToList(), newLimits[group].ToList());
            for (int i = 0; i < Math.Max(ol.Count, nl.Count); i++)
            {
                var (a, b) = (i < ol.Count ? ol[i] : null, i < nl.Count ? nl[i] : null);
                var sample = (b ?? a)!;
                string subject = $"{sample.Direction.ToString().ToLowerInvariant()} {(sample.CostBased ? "bandwidth budget" : "state limit")}{Scope(sample)}";
                if (sample.CostBased) Amount(scope, subject, a?.Max, b?.Max, Bandwidth);
                else Count(scope, subject, a?.Max, b?.Max);
                if (a is null || b is null) continue;
                if (!Equals(a.Sources, b.Sources) || !Equals(a.Groups, b.Groups))
                    Add(scope, $"{subject}: what it counts", ChangeKind.Changed, Scope(a).Trim(' ', '(', ')'), Scope(b).Trim(' ', '(', ')'));
                if (a.CostBased && a.DefaultCostBps != b.DefaultCostBps)
                    Add(scope, $"{subject}: default cost", b.DefaultCostBps > a.DefaultCostBps ? ChangeKind.Raised : ChangeKind.Lowered, Bandwidth(a.DefaultCostBps), Bandwidth(b.DefaultCostBps));
            }
        }
    }

    private string Scope(StateLimitEntry limit)
    {
        var parts = new List<string>();
        if (limit.Sources is not null) parts.Add("sources " + Short(limit.Sources));
        if (limit.Groups is not null) parts.Add("groups " + Short(limit.Groups));
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private static string Short(RangeSet set)
    {
        if (set.IsAny) return "any";
        var texts = new List<string>();
        foreach (var family in new[] { AddressFamily.V4, AddressFamily.V6 })
        {
            var axis = Space.Of(set, family);
            if (!axis.IsEmpty) texts.Add(RegionText.Short(axis, Space.Addresses(family), family, sources: false));
        }
        return string.Join(", ", texts);
    }

    /// <summary>Pairs peers by address: a line for each one only one side has, <paramref name="compare"/> for each both have.</summary>
    private void Paired<T>(string kind, string noun, IEnumerable<T> old, IEnumerable<T> @new, Func<T, IpPrefix> address, Action<string, T, T> compare)
    {
        var oldByAddress = old.ToDictionary(address);
        var newByAddress = @new.ToDictionary(address);
        foreach (var a in oldByAddress.Keys.Where(a => !newByAddress.ContainsKey(a))) Add($"{kind} {a.NetworkText}", noun, ChangeKind.Removed);
        foreach (var (a, n) in newByAddress)
        {
            string scope = $"{kind} {a.NetworkText}";
            if (oldByAddress.TryGetValue(a, out var o)) compare(scope, o, n);
            else Add(scope, noun, ChangeKind.Added);
        }
    }

    private void Bgp() =>
        Paired("bgp neighbor", "neighbor", before.Device.Bgp?.Neighbors ?? [], after.Device.Bgp?.Neighbors ?? [], n => n.Address, Neighbor);

    private void Neighbor(string scope, BgpNeighbor o, BgpNeighbor n)
    {
        Auth(scope, o.Auth, n.Auth);
        Count(scope, "max-prefix", o.MaxPrefix?.Max, n.MaxPrefix?.Max);
        if (o.MaxPrefix is { } om && n.MaxPrefix is { } nm && om.WarningOnly != nm.WarningOnly)
            Add(scope, "max-prefix action", nm.WarningOnly ? ChangeKind.Lost : ChangeKind.Gained, om.WarningOnly ? "warning only" : "tear down", nm.WarningOnly ? "warning only" : "tear down");
        Presence(scope, "ttl-security (GTSM)", o.TtlSecurityHops, n.TtlSecurityHops, hops => $"{hops} hops");
        Flag(scope, "inbound prefix filter", o.PrefixFilterIn is not null, n.PrefixFilterIn is not null);
        Flag(scope, "outbound prefix filter", o.PrefixFilterOut is not null, n.PrefixFilterOut is not null);
        foreach (var state in new[] { RpkiState.Invalid, RpkiState.NotFound, RpkiState.Valid })
        {
            string? a = Origin(o.OriginActionFor(state)), b = Origin(n.OriginActionFor(state));
            if (a != b) Add(scope, $"origin validation, {state.Keyword()} routes", a is null ? ChangeKind.Gained : b is null ? ChangeKind.Lost : ChangeKind.Changed, a, b);
        }
        foreach (var cls in new[] { AsnClass.Bogon, AsnClass.Private })
            Flag(scope, $"AS-path reject {cls.Keyword()}", o.AsPath?.Reject.Contains(cls) == true, n.AsPath?.Reject.Contains(cls) == true);
        var (oldLength, newLength) = (o.AsPath?.MaxLength, n.AsPath?.MaxLength);
        if (oldLength != newLength)
        {
            // A shorter maximum is the tighter check.
            Add(scope, "AS-path max-length", oldLength is null ? ChangeKind.Gained : newLength is null ? ChangeKind.Lost : newLength < oldLength ? ChangeKind.Lowered : ChangeKind.Raised,
                oldLength is { } ol ? Number(ol) : null, newLength is { } nl ? Number(nl) : null);
        }
        Flag(scope, "AS-path first AS is the peer's", o.AsPath?.FirstAsPeer == true, n.AsPath?.FirstAsPeer == true);
        Flag(scope, "BLACKHOLE reject", o.BlackholeRejectSpan is not null, n.BlackholeRejectSpan is not null);
        Flag(scope, "GRACEFUL_SHUTDOWN honored", o.GracefulShutdownSpan is not null, n.GracefulShutdownSpan is not null);
        Prefixes(scope, "prefixes accepted", o, n, inbound: true);
        Prefixes(scope, "prefixes sent", o, n, inbound: false);
    }

    /// <summary>
    /// Which prefixes pass a neighbor's filter in one direction, compared. Each filter is asked of
    /// a copy of the device that has only this neighbor, filtering inbound with it (so the
    /// outbound filter is asked the same way); a direction with no filter passes everything, or
    /// nothing for an eBGP neighbor under <c>ebgp-default reject</c> without any inbound policy.
    /// </summary>
    private void Prefixes(string scope, string subject, BgpNeighbor o, BgpNeighbor n, bool inbound)
    {
        var (of, nf) = inbound ? (o.PrefixFilterIn, n.PrefixFilterIn) : (o.PrefixFilterOut, n.PrefixFilterOut);
        var family = o.Address.Family == IpFamily.V4 ? AddressFamily.V4 : AddressFamily.V6;
        var peer = new Address(family, o.Address.Network);
        var space = Space.Prefixes(family);
        bool None(DeviceView view, BgpNeighbor neighbor)
        {
            var bgp = view.Device.Bgp!;
            return bgp.IsEbgp(neighbor) && bgp.EbgpRejectsUnfiltered && !(inbound && BgpPolicy.HasInboundPolicy(neighbor));
        }
        // Most neighbors keep their filters: compared as written (prefixes and actions) before
        // any table is built for them (500 neighbors' tables were most of a 100k-line diff).
        if (of is null && nf is null ? None(before, o) == None(after, n) : SamePrefixFilter(of, nf)) return;
        List<DecidedRegion> Passing(DeviceView view, BgpNeighbor neighbor, Filter? filter)
        {
            if (PrefixTable(view, neighbor, filter) is { } table) return DecisionRegions.Prefixes(table, peer);
            return [new DecidedRegion(space, None(view, neighbor) ? RegionDecision.Deny(DenyReason.PrefixFilter, RuleRef.None) : RegionDecision.Admit(RuleRef.None))];
        }
        Regions(scope, subject, space, Passing(before, o, of), Passing(after, n, nf), box => [Questions.PrefixAxis(box, family)]);
    }

    /// <summary>The table of a device that has only <paramref name="neighbor"/>, filtering inbound with <paramref name="filter"/>; null without a filter.</summary>
    private static CompiledTable? PrefixTable(DeviceView view, BgpNeighbor neighbor, Filter? filter)
    {
        if (filter is null) return null;
        var device = view.Device with
        {
            Interfaces = [],
            Msdp = null,
            Bgp = view.Device.Bgp! with { Neighbors = [neighbor with { PrefixFilterIn = filter }] },
        };
        return DeviceView.Of(view.Model, device).Table;
    }

    /// <summary>True when two prefix filters have the same rules: actions, prefixes, lengths and exceptions, wherever and under whatever names they are written.</summary>
    private static bool SamePrefixFilter(Filter? a, Filter? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Rules.Length != b.Rules.Length) return false;
        for (int i = 0; i < a.Rules.Length; i++)
        {
            var (x, y) = (a.Rules[i], b.Rules[i]);
            if (x.Action != y.Action || !SamePrefixes(x.Match.Prefixes, y.Match.Prefixes)) return false;
        }
        return true;
    }

    private static bool SamePrefixes(AddressMatch? a, AddressMatch? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.IsAny || b.IsAny) return a.IsAny == b.IsAny;
        static bool Same(System.Collections.Immutable.ImmutableArray<PrefixEntry> x, System.Collections.Immutable.ImmutableArray<PrefixEntry> y) =>
            x.Length == y.Length && x.Select(e => (e.Prefix, e.Ge, e.Le)).SequenceEqual(y.Select(e => (e.Prefix, e.Ge, e.Le)));
        return Same(a.Include, b.Include) && Same(a.Except, b.Except);
    }

    private void Msdp() =>
        Paired("msdp peer", "peer", before.Device.Msdp?.Peers ?? [], after.Device.Msdp?.Peers ?? [], p => p.Address, MsdpPeer);

    private void MsdpPeer(string scope, MsdpPeer o, MsdpPeer n)
    {
        var address = n.Address;
        Auth(scope, o.Auth, n.Auth);
        Count(scope, "sa-limit", o.SaLimit, n.SaLimit);
        Flag(scope, "inbound SA filter", o.SaFilterIn is not null, n.SaFilterIn is not null);
        Flag(scope, "outbound SA filter", o.SaFilterOut is not null, n.SaFilterOut is not null);
        var family = address.Family == IpFamily.V4 ? AddressFamily.V4 : AddressFamily.V6;
        var peer = new Address(family, address.Network);
        var (oi, ni) = (Old.Source.MsdpPeers[Old.FindMsdpPeer(peer)], New.Source.MsdpPeers[New.FindMsdpPeer(peer)]);
        var space = Space.Channels(family);
        if (!SameGate() || !SameFilter(oi.SaFilterIn, ni.SaFilterIn))
            Regions(scope, "SAs accepted", space, DecisionRegions.SasReceived(Old, peer), DecisionRegions.SasReceived(New, peer), ChannelAxes(family));
        if (!SameGate() || !SameFilter(oi.SaFilterOut, ni.SaFilterOut))
            Regions(scope, "SAs sent", space, DecisionRegions.SasForwarded(Old, peer), DecisionRegions.SasForwarded(New, peer), ChannelAxes(family));
    }

    /// <summary>Session authentication and its keys: what changed, never a secret, its reference or a hash of it.</summary>
    private void Auth(string scope, Authentication? o, Authentication? n)
    {
        static string Kind(Authentication a) => a.Kind == AuthKind.Md5 ? "md5" : "tcp-ao";
        if (o is null && n is null) return;
        if (o is null || n is null)
        {
            Add(scope, "authentication", o is null ? ChangeKind.Gained : ChangeKind.Lost, o is null ? null : Kind(o), n is null ? null : Kind(n));
            return;
        }
        if (o.Kind != n.Kind)
        {
            Add(scope, "authentication", ChangeKind.Changed, Kind(o), Kind(n));
            return;
        }
        if (o.Secret?.Identity != n.Secret?.Identity) Add(scope, "key", ChangeKind.Changed);
        var oldKeys = (o.Keychain?.Keys ?? []).ToDictionary(k => k.Id);
        var newKeys = (n.Keychain?.Keys ?? []).ToDictionary(k => k.Id);
        foreach (var id in oldKeys.Keys.Where(id => !newKeys.ContainsKey(id)).Order()) Add(scope, $"key {Number(id)}", ChangeKind.Removed, Validity(oldKeys[id]));
        foreach (var (id, k) in newKeys.OrderBy(k => k.Key))
        {
            if (!oldKeys.TryGetValue(id, out var ok))
            {
                Add(scope, $"key {Number(id)}", ChangeKind.Added, @new: Validity(k));
                continue;
            }
            if (ok.Secret.Identity != k.Secret.Identity) Add(scope, $"key {Number(id)}", ChangeKind.Changed);
            if (Validity(ok) != Validity(k)) Add(scope, $"key {Number(id)} lifetime", ChangeKind.Changed, Validity(ok), Validity(k));
        }
    }

    private static string Validity(Key key) =>
        $"valid {key.ValidFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "always"} to {key.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "forever"}";

    private static string? Origin(OriginAction? action)
    {
        if (action is null) return null;
        if (action.Reject) return "reject";
        var marks = new List<string>();
        if (action.LocalPreference is { } pref) marks.Add($"local-preference {Number(pref)}");
        if (action.Community is { } community) marks.Add($"community {community}");
        return marks.Count == 0 ? "accept" : $"accept with {string.Join(" and ", marks)}";
    }

    /// <summary>Regions admitted on one side only, one change per box.</summary>
    private void Regions(string scope, string subject, Box space, IReadOnlyList<DecidedRegion> o, IReadOnlyList<DecidedRegion> n, Func<Box, IReadOnlyList<RegionAxis>> axes)
    {
        foreach (var box in RegionDelta.AdmittedOnlyBy(space, n, o)) Add(scope, subject, ChangeKind.Admitted, ranges: axes(box));
        foreach (var box in RegionDelta.AdmittedOnlyBy(space, o, n)) Add(scope, subject, ChangeKind.Denied, ranges: axes(box));
    }

    private static Func<Box, IReadOnlyList<RegionAxis>> JoinAxes(AddressFamily family)
    {
        var full = Space.Joins(family);
        return box =>
        [
            Questions.Axis("sources", box[Space.Source], full[Space.Source], family, sources: true),
            Questions.Axis("groups", box[Space.Group], full[Space.Group], family),
            Questions.Axis("hosts", box[Space.Host], full[Space.Host], family),
        ];
    }

    private static Func<Box, IReadOnlyList<RegionAxis>> ChannelAxes(AddressFamily family)
    {
        var full = Space.Channels(family);
        return box =>
        [
            Questions.Axis("sources", box[Space.Source], full[Space.Source], family),
            Questions.Axis("groups", box[Space.Group], full[Space.Group], family),
        ];
    }

    private static GroupProtocol Membership(AddressFamily family) => family == AddressFamily.V4 ? GroupProtocol.Igmp : GroupProtocol.Mld;

    private static string Protocol(AddressFamily family, string v4) => family == AddressFamily.V4 ? (v4.Length == 0 ? "IGMP " : $"{v4} IPv4 ") : (v4.Length == 0 ? "MLD " : $"{v4} IPv6 ");

    /// <summary>True when the group range and SSM range, which every (S,G) question passes first, mean the same on both sides.</summary>
    private bool SameGate() =>
        Old.Source.Router.Ssm.Equals(New.Source.Router.Ssm) && SameFilter(Old.Source.Router.GroupRangeFilter, New.Source.Router.GroupRangeFilter);

    /// <summary>True when two filters (table indexes, -1 none) have the same rules in the same order, wherever they are written.</summary>
    private bool SameFilter(int o, int n)
    {
        if (o < 0 || n < 0) return o < 0 && n < 0;
        var (a, b) = (Old.Source.Filters[o].Rules, New.Source.Filters[n].Rules);
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] with { Location = 0 } != b[i] with { Location = 0 }) return false;
        }
        return true;
    }

    private void Count(string scope, string subject, long? o, long? n) => Amount(scope, subject, o, n, Number);

    private void Amount(string scope, string subject, long? o, long? n, Func<long, string> text)
    {
        if (o == n) return;
        var kind = o is null ? ChangeKind.Gained : n is null ? ChangeKind.Lost : n > o ? ChangeKind.Raised : ChangeKind.Lowered;
        Add(scope, subject, kind, o is { } a ? text(a) : null, n is { } b ? text(b) : null);
    }

    private void Presence<T>(string scope, string subject, T? o, T? n, Func<T, string> text)
        where T : struct
    {
        if (Equals(o, n)) return;
        var kind = o is null ? ChangeKind.Gained : n is null ? ChangeKind.Lost : ChangeKind.Changed;
        Add(scope, subject, kind, o is { } a ? text(a) : null, n is { } b ? text(b) : null);
    }

    private void Flag(string scope, string subject, bool o, bool n)
    {
        if (o != n) Add(scope, subject, n ? ChangeKind.Gained : ChangeKind.Lost);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bandwidth(long bps) => new Model.Bandwidth(bps).ToString();
}

using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using PolicyKit.Tables.Model;
using TableAction = PolicyKit.Tables.Model.RuleAction;
using TableFamily = PolicyKit.Tables.Model.AddressFamily;
using TableDirection = PolicyKit.Tables.Model.LimitDirection;

namespace PolicyKit.Compiler.Emit.Agent;

/// <summary>
/// Lowers one device of the bound model into the admission table mpol-agent enforces: sets
/// become sorted address ranges (except applied exactly), filters keep their first-match order,
/// the per-interface default limit is resolved onto every interface, and every rule keeps the
/// policy location that explain prints.
/// </summary>
public sealed class AgentTableBuilder(PolicyModel model, Device device)
{
    private readonly List<string> _locations = [];
    private readonly Dictionary<string, int> _locationIndex = new(StringComparer.Ordinal);
    private readonly List<TableFilter> _filters = [];
    private readonly Dictionary<Filter, int> _filterIndex = new(ReferenceEqualityComparer.Instance);
    private readonly List<PrefixFilter> _prefixFilters = [];
    private readonly Dictionary<Filter, int> _prefixFilterIndex = new(ReferenceEqualityComparer.Instance);
    private readonly List<CostClass> _classes = [];
    private readonly Dictionary<TrafficClass, int> _classIndex = new(ReferenceEqualityComparer.Instance);

    public AdmissionTable Build()
    {
        var router = new RouterEntry(
            device.RouteLimit?.Max ?? RouterEntry.Unlimited,
            device.RouteLimit?.Warn ?? RouterEntry.Unlimited,
            Location(device.RouteLimit?.Span),
            GroupLimit(device.IgmpRouterCap),
            GroupLimit(device.MldRouterCap),
            FilterIndex(device.GroupRange?.Filter),
            Ranges(device.SsmRange) ?? RangeSet.Any,
            device.RegisterRateLimit ?? RouterEntry.Unlimited,
            Location(device.RegisterRateLimitSpan),
            FilterIndex(device.Rp?.AcceptRegister));

        var interfaces = device.Interfaces.Select(Interface).ToImmutableArray();
        var msdp = (device.Msdp?.Peers ?? []).Select(p => new MsdpPeerEntry(
            Family(p.Address.Family), p.Address.Network, p.RemoteAs,
            FilterIndex(p.SaFilterIn), FilterIndex(p.SaFilterOut), p.SaLimit ?? RouterEntry.Unlimited, Location(p.Span))).ToImmutableArray();
        var bgp = (device.Bgp?.Neighbors ?? []).Select(n => new BgpPeerEntry(
            Family(n.Address.Family), n.Address.Network, n.RemoteAs,
            n.MaxPrefix?.Max ?? RouterEntry.Unlimited,
            n.MaxPrefix?.WarnCount ?? RouterEntry.Unlimited,
            n.MaxPrefix?.Restart is { } restart ? (int)restart.TotalSeconds : 0,
            n.MaxPrefix?.WarningOnly ?? false,
            PrefixFilterIndex(n.PrefixFilterIn),
            Location(n.MaxPrefix?.Span ?? n.Span))).ToImmutableArray();
        var damping = device.Bgp?.Damping is { } d
            ? new DampingEntry((int)d.HalfLife.TotalSeconds, d.Reuse, d.Suppress, (int)d.MaxSuppress.TotalSeconds, Location(d.Span))
            : null;
        var telemetry = device.Telemetry is { } t
            ? new TelemetryEntry(t.Site ?? string.Empty, (int)(t.Interval?.TotalSeconds ?? 0), (int)(t.Warn?.Value ?? 0))
            : null;

        return new AdmissionTable(
            new TableHeader(device.Name, device.Platform.Keyword(), model.ContentHash, ToolInfo.Version),
            [.. _locations],
            [.. _filters],
            [.. _prefixFilters],
            [.. _classes],
            router,
            interfaces,
            msdp,
            bgp,
            damping,
            telemetry);
    }

    private InterfaceEntry Interface(InterfacePolicy iface) => new(
        iface.Name,
        Membership(iface, GroupProtocol.Igmp),
        Membership(iface, GroupProtocol.Mld),
        iface.StateLimits.Select(StateLimit).ToImmutableArray(),
        FilterIndex(iface.SourceFilter),
        Location(iface.Span));

    /// <summary>The interface's IGMP/MLD rules with the device's default limit where it sets none.</summary>
    private MembershipEntry? Membership(InterfacePolicy iface, GroupProtocol protocol)
    {
        var own = iface.MembershipFor(protocol);
        var limit = own?.Limit ?? device.DefaultLimitFor(protocol);
        if (own is null && limit is null) return null;
        return new MembershipEntry(own?.MinimumVersion ?? 0, FilterIndex(own?.Access), GroupLimit(limit), own?.DropQueries ?? false, Location(own?.Span ?? iface.Span));
    }

    private StateLimitEntry StateLimit(StateLimit limit) => new(
        limit.Direction switch { Model.LimitDirection.Rpf => TableDirection.Rpf, Model.LimitDirection.Out => TableDirection.Out, _ => TableDirection.Connected },
        limit.IsCostBased,
        limit.MaxBandwidth?.BitsPerSecond ?? limit.MaxCount!.Value,
        Ranges(limit.Sources),
        Ranges(limit.Groups),
        limit.IsCostBased ? limit.Classes.Select(ClassIndex).ToImmutableArray() : [],
        limit.DefaultCost.BitsPerSecond,
        Location(limit.Span));

    private GroupLimitEntry? GroupLimit(GroupLimit? limit) =>
        limit is null ? null : new GroupLimitEntry(limit.Max, Ranges(limit.Except), Location(limit.Span));

    private int ClassIndex(TrafficClass cls)
    {
        if (_classIndex.TryGetValue(cls, out int index)) return index;
        _classes.Add(new CostClass(cls.Name, Ranges(cls.Match.Sources), Ranges(cls.Match.Groups), cls.Cost.BitsPerSecond, Location(cls.Span)));
        return _classIndex[cls] = _classes.Count - 1;
    }

    private int FilterIndex(Filter? filter)
    {
        if (filter is null) return MembershipEntry.NoFilter;
        if (_filterIndex.TryGetValue(filter, out int index)) return index;
        // The channel (S,G) and the reporting host (from) are separate axes: an IGMP access rule
        // "from 10.4.4.4 groups G" restricts who may join G, not which source G is joined from.
        var rules = filter.Rules.Select(r => new TableRule(
            Action(r.Action),
            Ranges(r.Match.Sources),
            Ranges(r.Match.Groups ?? r.Match.To),
            Location(r.Span),
            Ranges(r.Match.From))).ToImmutableArray();
        _filters.Add(new TableFilter(filter.Name, rules, Location(filter.Span)));
        return _filterIndex[filter] = _filters.Count - 1;
    }

    private int PrefixFilterIndex(Filter? filter)
    {
        if (filter is null) return MembershipEntry.NoFilter;
        if (_prefixFilterIndex.TryGetValue(filter, out int index)) return index;
        var rules = new List<PrefixRule>();
        foreach (var rule in filter.Rules)
        {
            int location = Location(rule.Span);
            var prefixes = rule.Match.Prefixes;
            if (prefixes is null || prefixes.IsAny)
            {
                rules.Add(new PrefixRule(Action(rule.Action), TableFamily.V4, 0, 0, 0, 32, location));
                rules.Add(new PrefixRule(Action(rule.Action), TableFamily.V6, 0, 0, 0, 128, location));
                continue;
            }
            // As in the router backends: exceptions with length ranges stand as denies ahead of the set.
            foreach (var except in prefixes.Except.Where(e => e.HasLengthRange)) rules.Add(Prefix(TableAction.Deny, except, location));
            var plain = prefixes.Except.Where(e => !e.HasLengthRange).Select(e => e.Prefix).ToList();
            foreach (var entry in prefixes.Include)
            {
                foreach (var piece in plain.Count == 0 ? [entry.Prefix] : PrefixMath.Subtract([entry.Prefix], plain))
                    rules.Add(Prefix(Action(rule.Action), entry with { Prefix = piece }, location));
            }
        }
        _prefixFilters.Add(new PrefixFilter(filter.Name, [.. rules], Location(filter.Span)));
        return _prefixFilterIndex[filter] = _prefixFilters.Count - 1;
    }

    private static PrefixRule Prefix(TableAction action, PrefixEntry entry, int location)
    {
        int length = entry.Prefix.Length;
        int min = entry.Ge ?? length;
        int max = entry.Le ?? (entry.Ge is not null ? entry.Prefix.MaxLength : length);
        return new PrefixRule(action, Family(entry.Prefix.Family), entry.Prefix.Network, (byte)length, (byte)min, (byte)max, location);
    }

    /// <summary>Exact address ranges of a match (except subtracted); null when not written (any).</summary>
    private static RangeSet? Ranges(AddressMatch? match)
    {
        if (match is null) return null;
        if (match.IsAny) return RangeSet.Any;
        var ranges = new List<AddressRange>();
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            foreach (var prefix in FilterLowering.Expand(match, family) ?? [])
            {
                var p = prefix!.Value;
                ranges.Add(new AddressRange(Family(family), p.First, p.Last));
            }
        }
        return RangeSet.From(ranges);
    }

    private static TableAction Action(Model.RuleAction action) => action == Model.RuleAction.Permit ? TableAction.Permit : TableAction.Deny;

    private static TableFamily Family(IpFamily family) => family == IpFamily.V4 ? TableFamily.V4 : TableFamily.V6;

    private int Location(SourceSpan? span)
    {
        if (span is not { } s) return -1;
        var (line, column) = s.StartLineColumn;
        string text = $"{s.File.Path.Replace('\\', '/')}:{line}:{column}";
        if (_locationIndex.TryGetValue(text, out int index)) return index;
        _locations.Add(text);
        return _locationIndex[text] = _locations.Count - 1;
    }
}

using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
            FilterIndex(device.Rp?.AcceptRegister))
        {
            // The default also reaches every interface the policy does not name (docs/language.md).
            IgmpDefault = GroupLimit(device.IgmpDefaultLimit),
            MldDefault = GroupLimit(device.MldDefaultLimit),
            MsdpRedistributeFilter = FilterIndex(device.Msdp?.Redistribute),
        };

        var interfaces = device.Interfaces.Select(Interface).ToImmutableArray();
        // Audit (format 1.2): the device's and each interface's own audit statement, by location.
        // Located last, so a table without audit has exactly the locations it always had.
        if (device.Audit is { } deviceAudit) router = router with { AuditLocation = Location(deviceAudit) };
        for (int i = 0; i < interfaces.Length; i++)
        {
            if (device.Interfaces[i].Audit is { } audit) interfaces = interfaces.SetItem(i, interfaces[i] with { AuditLocation = Location(audit) });
        }
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
        var shapes = RuleShapes.Get(filter, ShapeRules);
        var rules = ImmutableArray.CreateBuilder<TableRule>(shapes.Length);
        foreach (var r in shapes) rules.Add(new TableRule(r.Action, r.Sources, r.Groups, Location(r.Location), r.From));
        _filters.Add(new TableFilter(filter.Name, rules.MoveToImmutable(), Location(filter.Span)));
        return _filterIndex[filter] = _filters.Count - 1;
    }

    /// <summary>A filter rule as the table holds it, but with its location as text (the number is per table).</summary>
    private sealed record RuleShape(TableAction Action, RangeSet? Sources, RangeSet? Groups, string Location, RangeSet? From);

    // A shared filter is in the table of most devices: its rules' ranges and locations are
    // worked out once per compile (see ModelMemo); only the location numbers are per table.
    private static readonly ModelMemo<Filter, RuleShape[]> RuleShapes = new();

    private static RuleShape[] ShapeRules(Filter filter) =>
        // The channel (S,G) and the reporting host (from) are separate axes: an IGMP access rule
        // "from 10.4.4.4 groups G" restricts who may join G, not which source G is joined from.
        [.. filter.Rules.Select(r => new RuleShape(
            Action(r.Action),
            RangesOnce(r.Match.Sources),
            RangesOnce(r.Match.Groups ?? r.Match.To),
            LocationText(r.Span),
            RangesOnce(r.Match.From)))];

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

    // The sets that limits, classes and router settings name are worked out once per compile,
    // not once per interface and device that names them (see ModelMemo). Each place has its own
    // AddressMatch but shares the set's arrays, so the ranges are remembered per (include,
    // except) arrays; a RangeSet is immutable, so the tables share it. Filter rules are
    // remembered per filter instead (RuleShapes).
    private static readonly ModelMemo<PrefixEntry[], PrefixEntry[], RangeSet> SetRanges = new();

    /// <summary>Exact address ranges of a match (except subtracted); null when not written (any).</summary>
    private static RangeSet? Ranges(AddressMatch? match)
    {
        if (match is null) return null;
        if (match.IsAny) return RangeSet.Any;
        // (An empty include array may be the runtime's shared one: no key for a memo.)
        if (match.Include.IsEmpty) return RangesOf(match);
        return SetRanges.Get(ImmutableCollectionsMarshal.AsArray(match.Include)!, ImmutableCollectionsMarshal.AsArray(match.Except)!, (_, _) => RangesOf(match));
    }

    /// <summary>As <see cref="Ranges"/>, for a match that is worked out only once (not remembered).</summary>
    private static RangeSet? RangesOnce(AddressMatch? match) =>
        match is null ? null : match.IsAny ? RangeSet.Any : RangesOf(match);

    private static RangeSet RangesOf(AddressMatch match)
    {
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

    private int Location(SourceSpan? span) => span is { } s ? Location(LocationText(s)) : -1;

    private static string LocationText(SourceSpan span)
    {
        var (line, column) = span.StartLineColumn;
        return $"{span.File.Path.Replace('\\', '/')}:{line}:{column}";
    }

    private int Location(string text)
    {
        if (_locationIndex.TryGetValue(text, out int index)) return index;
        _locations.Add(text);
        return _locationIndex[text] = _locations.Count - 1;
    }
}

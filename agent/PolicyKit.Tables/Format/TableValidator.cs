using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// The structural rules a table must keep so the engine can trust it without checks of its own:
/// every index refers to an existing part (or is -1 where "none" is allowed), enums are defined,
/// addresses fit their family, range sets are sorted and disjoint (the binary search needs it).
/// The writer refuses a model that breaks them (a caller's bug); the reader refuses a file that
/// does (a forged or buggy file whose checksum still matches). Policy meaning is not judged here.
/// This is the single gate between a file and the engine: whatever passes, the engine compiles and
/// decides with (<c>CompiledTable.Build</c> trusts it), so a rule the engine relies on belongs here
/// — `mpolc inspect`, the agent's start and its reloads then refuse a table with the same sentence.
/// Runs on every load, so it allocates little: the set of interface names, nothing else unless it fails.
/// </summary>
public static class TableValidator
{
    /// <summary>The first rule the table breaks, as a sentence; null when it keeps them all.</summary>
    public static string? Validate(AdmissionTable table)
    {
        try
        {
            new Walker(table).Run();
            return null;
        }
        catch (InvalidTableException e)
        {
            return e.Message;
        }
    }

    private sealed class InvalidTableException(string message) : Exception(message);

    /// <summary>
    /// What a message is about — "the access filter of interface 'Gi0/1' (IGMP)", "rule 3 of
    /// filter 0 'joins'" — kept as parts and only turned into text when a check fails.
    /// </summary>
    private readonly record struct What(string Role, string Kind, int Number = -1, string? Name = null, string? OfKind = null, int OfNumber = -1, string? OfName = null, string? Suffix = null, string? Detail = null)
    {
        public What As(string role) => this with { Role = role };

        public override string ToString()
        {
            var text = new StringBuilder();
            if (Role.Length > 0) text.Append(Role).Append(' ');
            Append(text, Kind, Number, Name);
            if (OfKind is not null) Append(text.Append(" of "), OfKind, OfNumber, OfName);
            if (Suffix is not null) text.Append(' ').Append(Suffix);
            if (Detail is not null) text.Append(", ").Append(Detail);
            return text.ToString();
        }

        private static void Append(StringBuilder text, string kind, int number, string? name)
        {
            text.Append(kind);
            if (number >= 0) text.Append(' ').Append(number.ToString(CultureInfo.InvariantCulture));
            if (name is not null) text.Append(" '").Append(name).Append('\'');
        }
    }

    private sealed class Walker(AdmissionTable table)
    {
        private readonly int _locations = Length(table.Locations);
        private readonly int _filters = Length(table.Filters);
        private readonly int _prefixFilters = Length(table.PrefixFilters);
        private readonly int _classes = Length(table.Classes);

        public void Run()
        {
            var h = table.Header ?? Fail<TableHeader>("the table has no header");
            if (h.Device is null || h.Platform is null || h.PolicyHash is null || h.CompilerVersion is null) Fail("a field of the header is null");
            if (h.Serial < 0) Fail($"the serial {h.Serial} is negative");
            foreach (var location in Items(table.Locations))
            {
                if (location is null) Fail("a location is null");
            }

            for (int i = 0; i < _filters; i++)
            {
                var filter = table.Filters[i] ?? Fail<TableFilter>($"filter {i} is null");
                if (filter.Name is null) Fail($"the name of filter {i} is null");
                var what = new What("", "filter", i, filter.Name);
                Location(filter.Location, what);
                var rules = Items(filter.Rules);
                for (int r = 0; r < rules.Length; r++)
                {
                    var rule = rules[r] ?? Fail<TableRule>($"rule {r + 1} of {what} is null");
                    var ruleWhat = new What("", "rule", r + 1, null, "filter", i, filter.Name);
                    Action(rule.Action, ruleWhat);
                    Ranges(rule.Sources, ruleWhat.As("the sources of"), optional: true);
                    Ranges(rule.Groups, ruleWhat.As("the groups of"), optional: true);
                    Ranges(rule.From, ruleWhat.As("the reporting hosts of"), optional: true);
                    Location(rule.Location, ruleWhat);
                }
            }

            for (int i = 0; i < _prefixFilters; i++)
            {
                var filter = table.PrefixFilters[i] ?? Fail<PrefixFilter>($"prefix filter {i} is null");
                if (filter.Name is null) Fail($"the name of prefix filter {i} is null");
                Location(filter.Location, new What("", "prefix filter", i, filter.Name));
                var rules = Items(filter.Rules);
                for (int r = 0; r < rules.Length; r++)
                {
                    var ruleWhat = new What("", "rule", r + 1, null, "prefix filter", i, filter.Name);
                    var rule = rules[r] ?? Fail<PrefixRule>($"{ruleWhat} is null");
                    Action(rule.Action, ruleWhat);
                    int bits = Address(rule.Family, rule.Network, ruleWhat);
                    if (rule.Length > bits || rule.MinLength > bits || rule.MaxLength > bits)
                        Fail($"{ruleWhat} has a prefix length above {bits}");
                    Location(rule.Location, ruleWhat);
                }
            }

            for (int i = 0; i < _classes; i++)
            {
                var cls = table.Classes[i] ?? Fail<CostClass>($"class {i} is null");
                if (cls.Name is null) Fail($"the name of class {i} is null");
                var what = new What("", "class", i, cls.Name);
                Ranges(cls.Sources, what.As("the sources of"), optional: true);
                Ranges(cls.Groups, what.As("the groups of"), optional: true);
                Location(cls.Location, what);
            }

            var router = table.Router ?? Fail<RouterEntry>("the table has no router entry");
            Location(router.RouteLimitLocation, new What("", "the route limit"));
            GroupLimit(router.IgmpCap, new What("", "the router-wide IGMP cap"));
            GroupLimit(router.MldCap, new What("", "the router-wide MLD cap"));
            Filter(router.GroupRangeFilter, new What("", "the group-range filter"));
            Ranges(router.Ssm, new What("", "the SSM range"), optional: false);
            Location(router.RegisterRateLocation, new What("", "the register rate limit"));
            Filter(router.AcceptRegisterFilter, new What("", "the accept-register filter"));
            GroupLimit(router.IgmpDefault, new What("", "the IGMP default limit"));
            GroupLimit(router.MldDefault, new What("", "the MLD default limit"));
            Filter(router.MsdpRedistributeFilter, new What("", "the MSDP redistribute filter"));
            Location(router.AuditLocation, new What("", "the device's audit"));

            var interfaces = Items(table.Interfaces);
            // The engine finds an interface by its name (ordinal, as Linux names are case-sensitive):
            // a name given twice would leave one of the two unreachable.
            var names = new Dictionary<string, int>(interfaces.Length, StringComparer.Ordinal);
            for (int i = 0; i < interfaces.Length; i++)
            {
                var iface = interfaces[i] ?? Fail<InterfaceEntry>($"interface {i} is null");
                if (iface.Name is null) Fail($"the name of interface {i} is null");
                if (!names.TryAdd(iface.Name, i)) Fail($"interfaces {names[iface.Name]} and {i} are both named '{iface.Name}'");
                var what = new What("", "interface", -1, iface.Name);
                Membership(iface.Igmp, what with { Suffix = "(IGMP)" });
                Membership(iface.Mld, what with { Suffix = "(MLD)" });
                var limits = Items(iface.StateLimits);
                for (int l = 0; l < limits.Length; l++)
                {
                    var limitWhat = new What("", "state limit", l + 1, null, "interface", -1, iface.Name);
                    var limit = limits[l] ?? Fail<StateLimitEntry>($"{limitWhat} is null");
                    if (limit.Direction is not (LimitDirection.Rpf or LimitDirection.Out or LimitDirection.Connected))
                        Fail($"{limitWhat} has direction {(byte)limit.Direction}, which is not defined");
                    Ranges(limit.Sources, limitWhat.As("the sources of"), optional: true);
                    Ranges(limit.Groups, limitWhat.As("the groups of"), optional: true);
                    foreach (int cls in Items(limit.Classes))
                    {
                        if (cls < 0 || cls >= _classes) Fail($"{limitWhat} refers to class {cls}, but the table has {_classes}");
                    }
                    Location(limit.Location, limitWhat);
                }
                Filter(iface.SourceFilter, what.As("the source filter of"));
                Location(iface.Location, what);
                Location(iface.AuditLocation, what.As("the audit of"));
            }

            var msdp = Items(table.MsdpPeers);
            for (int i = 0; i < msdp.Length; i++)
            {
                var peer = msdp[i] ?? Fail<MsdpPeerEntry>($"MSDP peer {i} is null");
                var what = new What("", "MSDP peer", i);
                Address(peer.Family, peer.Address, what);
                Filter(peer.SaFilterIn, what.As("the SA filter in of"));
                Filter(peer.SaFilterOut, what.As("the SA filter out of"));
                Location(peer.Location, what);
            }

            var bgp = Items(table.BgpPeers);
            for (int i = 0; i < bgp.Length; i++)
            {
                var peer = bgp[i] ?? Fail<BgpPeerEntry>($"BGP peer {i} is null");
                var what = new What("", "BGP peer", i);
                Address(peer.Family, peer.Address, what);
                if (peer.PrefixFilterIn < -1 || peer.PrefixFilterIn >= _prefixFilters)
                    Fail($"{what} refers to prefix filter {peer.PrefixFilterIn}, but the table has {_prefixFilters}");
                Location(peer.Location, what);
            }

            if (table.Damping is { } damping) Location(damping.Location, new What("", "damping"));
            if (table.Telemetry is { } telemetry && telemetry.Site is null) Fail("the telemetry site is null");
        }

        private void Membership(MembershipEntry? entry, What what)
        {
            if (entry is null) return;
            Filter(entry.AccessFilter, what.As("the access filter of"));
            GroupLimit(entry.Limit, what.As("the limit of"));
            Location(entry.Location, what);
        }

        private void GroupLimit(GroupLimitEntry? limit, What what)
        {
            if (limit is null) return;
            Ranges(limit.Except, what with { Detail = "its except list" }, optional: true);
            Location(limit.Location, what);
        }

        private void Location(int index, What what)
        {
            if (index < -1 || index >= _locations) Fail($"{what} refers to location {index}, but the table has {_locations}");
        }

        private void Filter(int index, What what)
        {
            if (index < -1 || index >= _filters) Fail($"{what} refers to filter {index}, but the table has {_filters}");
        }

        private static void Action(RuleAction action, What what)
        {
            if (action is not (RuleAction.Permit or RuleAction.Deny)) Fail($"{what} has action {(byte)action}, which is not defined");
        }

        private static int Address(AddressFamily family, UInt128 value, What what)
        {
            switch (family)
            {
                case AddressFamily.V4:
                    if (value > uint.MaxValue) Fail($"{what} has an IPv4 address above 255.255.255.255");
                    return 32;
                case AddressFamily.V6:
                    return 128;
                default:
                    Fail($"{what} has address family {(byte)family}, which is neither 4 nor 6");
                    return 0;
            }
        }

        private static void Ranges(RangeSet? set, What what, bool optional)
        {
            if (set is null)
            {
                if (!optional) Fail($"{what} is missing");
                return;
            }
            var ranges = set.Ranges.IsDefault ? [] : set.Ranges.AsSpan();
            if (set.IsAny)
            {
                if (ranges.Length > 0) Fail($"{what} is 'any' and also lists ranges");
                return;
            }
            for (int i = 0; i < ranges.Length; i++)
            {
                ref readonly var range = ref ranges[i];
                Address(range.Family, range.First, what);
                Address(range.Family, range.Last, what);
                if (range.First > range.Last) Fail($"{what} has a range that ends before it starts ({range})");
                if (i > 0)
                {
                    ref readonly var previous = ref ranges[i - 1];
                    if (previous.Family > range.Family || (previous.Family == range.Family && previous.Last >= range.First))
                        Fail($"{what} has ranges out of order or overlapping ({previous}, then {range})");
                }
            }
        }

        private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

        private static int Length<T>(ImmutableArray<T> items) => items.IsDefault ? 0 : items.Length;

        [DoesNotReturn]
        private static void Fail(string message) => throw new InvalidTableException(message);

        [DoesNotReturn]
        private static T Fail<T>(string message) => throw new InvalidTableException(message);
    }
}

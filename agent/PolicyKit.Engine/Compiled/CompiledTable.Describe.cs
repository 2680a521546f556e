using System.Globalization;
using System.Text;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Compiled;

/// <summary>Rendering rules for explain and logs: where a rule stands in the policy and what it says.</summary>
public sealed partial class CompiledTable
{
    /// <summary>The location index (into the table's locations) of the rule a reference names; -1 when none.</summary>
    public int LocationOf(RuleRef rule)
    {
        var t = Source;
        return rule.Kind switch
        {
            RuleKind.FilterRule => t.Filters[rule.Owner].Rules[rule.Item].Location,
            RuleKind.FilterDefault => t.Filters[rule.Owner].Location,
            RuleKind.MinimumVersion => MembershipOf(rule)?.Location ?? -1,
            RuleKind.InterfaceLimit => MembershipOf(rule)?.Limit?.Location ?? -1,
            RuleKind.RouterLimit => (rule.Item == 4 ? t.Router.IgmpCap : t.Router.MldCap)?.Location ?? -1,
            RuleKind.RouteLimit => t.Router.RouteLimitLocation,
            RuleKind.StateLimit => t.Interfaces[rule.Owner].StateLimits[rule.Item].Location,
            RuleKind.SaLimit => t.MsdpPeers[rule.Owner].Location,
            RuleKind.RegisterRate => t.Router.RegisterRateLocation,
            RuleKind.MaxPrefix => t.BgpPeers[rule.Owner].Location,
            RuleKind.PrefixRule => t.PrefixFilters[rule.Owner].Rules[rule.Item].Location,
            RuleKind.PrefixDefault => t.PrefixFilters[rule.Owner].Location,
            RuleKind.DefaultLimit => (rule.Item == 4 ? t.Router.IgmpDefault : t.Router.MldDefault)?.Location ?? -1,
            _ => -1,
        };
    }

    /// <summary>"file:line:col: text" of a rule, or its text alone when it has no location.</summary>
    public string Render(RuleRef rule)
    {
        string where = LocationText(LocationOf(rule));
        string text = Describe(rule);
        return where.Length == 0 ? text : $"{where}: {text}";
    }

    /// <summary>What a rule says, in the policy's own terms (addresses as prefixes).</summary>
    public string Describe(RuleRef rule)
    {
        var t = Source;
        switch (rule.Kind)
        {
            case RuleKind.FilterRule:
            {
                var filter = t.Filters[rule.Owner];
                var r = filter.Rules[rule.Item];
                var text = new StringBuilder();
                text.Append("filter ").Append(filter.Name).Append(" rule ").Append(rule.Item + 1).Append(": ");
                text.Append(r.Action == RuleAction.Permit ? "permit" : "deny");
                if (r.Sources is not null) text.Append(" sources ").Append(Ranges(r.Sources));
                if (r.Groups is not null) text.Append(" groups ").Append(Ranges(r.Groups));
                if (r.From is not null) text.Append(" from ").Append(Ranges(r.From));
                if (r.Sources is null && r.Groups is null && r.From is null) text.Append(" any");
                return text.ToString();
            }
            case RuleKind.FilterDefault:
                return $"filter {t.Filters[rule.Owner].Name}: no rule matches (implicit deny)";
            case RuleKind.SsmRange:
                return $"ssm-range {Ranges(t.Router.Ssm)}: no (*,G) in the SSM range";
            case RuleKind.MinimumVersion:
            {
                var m = MembershipOf(rule)!;
                return $"{Protocol(rule.Item)} version >= {m.MinVersion} on {t.Interfaces[rule.Owner].Name}";
            }
            case RuleKind.InterfaceLimit:
                return $"{Protocol(rule.Item)} limit {GroupLimit(MembershipOf(rule)!.Limit!)} on {t.Interfaces[rule.Owner].Name}";
            case RuleKind.RouterLimit:
                return $"{Protocol(rule.Item)} limit {GroupLimit((rule.Item == 4 ? t.Router.IgmpCap : t.Router.MldCap)!)} (router-wide)";
            case RuleKind.RouteLimit:
                return t.Router.RouteWarn >= 0 ? $"mroute-limit {t.Router.RouteLimit} warn {t.Router.RouteWarn}" : $"mroute-limit {t.Router.RouteLimit}";
            case RuleKind.StateLimit:
            {
                var iface = t.Interfaces[rule.Owner];
                var l = iface.StateLimits[rule.Item];
                var text = new StringBuilder("state-limit ");
                text.Append(l.Direction.ToString().ToLowerInvariant()).Append(' ').Append(l.CostBased ? Bandwidth(l.Max) : l.Max.ToString(CultureInfo.InvariantCulture));
                if (l.Groups is not null) text.Append(" groups ").Append(Ranges(l.Groups));
                if (l.Sources is not null) text.Append(" sources ").Append(Ranges(l.Sources));
                if (l.CostBased && l.Classes.Length > 0) text.Append(" classes ").Append(string.Join(", ", l.Classes.Select(c => t.Classes[c].Name)));
                if (l.CostBased) text.Append(" default-cost ").Append(Bandwidth(l.DefaultCostBps));
                text.Append(" on ").Append(iface.Name);
                return text.ToString();
            }
            case RuleKind.SaLimit:
                return $"msdp peer {Address(t.MsdpPeers[rule.Owner].Family, t.MsdpPeers[rule.Owner].Address)} sa-limit {t.MsdpPeers[rule.Owner].SaLimit}";
            case RuleKind.RegisterRate:
                return $"register-rate-limit {t.Router.RegisterRatePerSecond}";
            case RuleKind.MaxPrefix:
            {
                var p = t.BgpPeers[rule.Owner];
                string warn = p.WarnCount >= 0 ? $" warn at {p.WarnCount}" : string.Empty;
                return $"neighbor {Address(p.Family, p.Address)} max-prefix {p.MaxPrefix}{warn}{(p.WarningOnly ? " warning-only" : string.Empty)}";
            }
            case RuleKind.PrefixRule:
            {
                var f = t.PrefixFilters[rule.Owner];
                var r = f.Rules[rule.Item];
                string prefix = $"{Address(r.Family, r.Network)}/{r.Length}";
                string range = r.MinLength == r.Length && r.MaxLength == r.Length ? string.Empty : $" ge {r.MinLength} le {r.MaxLength}";
                return $"prefix filter {f.Name}: {(r.Action == RuleAction.Permit ? "permit" : "deny")} {prefix}{range}";
            }
            case RuleKind.PrefixDefault:
                return $"prefix filter {t.PrefixFilters[rule.Owner].Name}: no rule matches (implicit deny)";
            case RuleKind.DefaultLimit:
                return $"{Protocol(rule.Item)} default-limit {GroupLimit((rule.Item == 4 ? t.Router.IgmpDefault : t.Router.MldDefault)!)} (an interface the policy does not name)";
            default:
                return string.Empty;
        }
    }

    private MembershipEntry? MembershipOf(RuleRef rule) =>
        rule.Item == 4 ? Source.Interfaces[rule.Owner].Igmp : Source.Interfaces[rule.Owner].Mld;

    private static string Protocol(int family) => family == 4 ? "igmp" : "mld";

    private static string GroupLimit(GroupLimitEntry limit) =>
        limit.Except is null ? limit.Max.ToString(CultureInfo.InvariantCulture) : $"{limit.Max} except {Ranges(limit.Except)}";

    private static string Address(AddressFamily family, UInt128 value) => AddressText.Format(family, value);

    /// <summary>4000000 → 4Mbps, 1600000 → 1.6Mbps, as the language writes bandwidths.</summary>
    public static string Bandwidth(long bitsPerSecond)
    {
        (long unit, string suffix)[] units = [(1_000_000_000, "Gbps"), (1_000_000, "Mbps"), (1_000, "kbps")];
        foreach (var (unit, suffix) in units)
        {
            if (bitsPerSecond >= unit) return ((decimal)bitsPerSecond / unit).ToString("0.###", CultureInfo.InvariantCulture) + suffix;
        }
        return bitsPerSecond.ToString(CultureInfo.InvariantCulture) + "bps";
    }

    /// <summary>A range set as prefixes ("232.1.0.0/16, 239.255.255.254"), shortened after a few.</summary>
    public static string Ranges(RangeSet? set, int most = 4)
    {
        if (set is null || set.IsAny) return "any";
        var prefixes = new List<string>();
        int total = 0;
        foreach (var range in set.Ranges)
        {
            foreach (var (network, length) in Prefixes(range))
            {
                total++;
                if (prefixes.Count < most)
                {
                    int bits = range.Family == AddressFamily.V4 ? 32 : 128;
                    prefixes.Add(length == bits ? Address(range.Family, network) : $"{Address(range.Family, network)}/{length}");
                }
            }
        }
        if (total == 0) return "(nothing)";
        return total > most ? $"{string.Join(", ", prefixes)}, … ({total - most} more)" : string.Join(", ", prefixes);
    }

    /// <summary>The CIDR prefixes that exactly cover an address range.</summary>
    internal static IEnumerable<(UInt128 Network, int Length)> Prefixes(AddressRange range)
    {
        int bits = range.Family == AddressFamily.V4 ? 32 : 128;
        UInt128 first = range.First;
        while (true)
        {
            // The largest block aligned at first that stays within the range.
            int size = first == 0 ? bits : Math.Min(bits, (int)UInt128.TrailingZeroCount(first));
            while (size > 0 && (size >= 128 ? UInt128.MaxValue : first + ((UInt128.One << size) - 1)) > range.Last) size--;
            yield return (first, bits - size);
            UInt128 last = size >= 128 ? UInt128.MaxValue : first + ((UInt128.One << size) - 1);
            if (last >= range.Last) yield break;
            first = last + 1;
        }
    }
}

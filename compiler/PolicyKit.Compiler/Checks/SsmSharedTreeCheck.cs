using System.Collections.Immutable;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3003: (*,G) state for groups in the SSM range. It is written two ways: a permit rule whose
/// source is the ASM wildcard (host 0.0.0.0 or ::, as IOS extended ACLs match (*,G) joins), and
/// an RP serving groups in the SSM range.
/// </summary>
/// <remarks>
/// Devices share their filters (and most share their SSM range), and a filter is listed once
/// per interface that uses it; so each filter's (*,G) permits are collected once, and their
/// overlap with an SSM range is worked out once per (filter, SSM range).
/// </remarks>
public sealed class SsmSharedTreeCheck : PolicyCheck
{
    private static readonly IpPrefix WildcardV4 = IpPrefix.Parse("0.0.0.0/32");
    private static readonly IpPrefix WildcardV6 = IpPrefix.Parse("::/128");

    public override void Run(CheckContext context)
    {
        var starGPermits = new Dictionary<Filter, List<(FilterRule Rule, AddressMatch Groups)>>(ReferenceEqualityComparer.Instance);
        var findings = new Dictionary<(Filter, ImmutableArray<PrefixEntry>, bool), List<(FilterRule Rule, AddressMatch Groups, IpPrefix Range)>>(FilterKeyComparer.Instance);
        foreach (var device in context.Model.Devices)
        {
            // `ssm-range any` makes every group SSM.
            List<IpPrefix> ssm = device.SsmRange.IsAny
                ? [IpPrefix.MulticastV4, IpPrefix.MulticastV6]
                : device.SsmRange.Include.Select(e => e.Prefix).ToList();
            var seen = new HashSet<Filter>(ReferenceEqualityComparer.Instance);
            foreach (var filter in ModelWalker.DeviceFilters(device))
            {
                // Within a device a repeated filter gives the same findings again.
                if (!seen.Add(filter)) continue;
                var key = (filter, device.SsmRange.Include, device.SsmRange.IsAny);
                if (!findings.TryGetValue(key, out var found))
                {
                    found = [];
                    foreach (var (rule, groups) in StarGPermits(filter, starGPermits))
                    {
                        if (Overlap(groups, ssm) is { } range) found.Add((rule, groups, range));
                    }
                    findings[key] = found;
                }
                foreach (var (rule, groups, range) in found)
                {
                    context.Diagnostics.Add(rule.Span, c => c.StarGInSsmRange(groups.Describe(), range.ToString()));
                }
            }
            if (device.Rp is { Groups: { } rpGroups } rp && Overlap(rpGroups, ssm) is { } ssmRange)
            {
                context.Diagnostics.Add(rp.Span, c => c.StarGInSsmRange(rpGroups.Describe(), ssmRange.ToString()));
            }
        }
    }

    /// <summary>The permit rules of a filter whose source is the ASM wildcard, in rule order.</summary>
    private static List<(FilterRule Rule, AddressMatch Groups)> StarGPermits(Filter filter, Dictionary<Filter, List<(FilterRule, AddressMatch)>> cache)
    {
        if (cache.TryGetValue(filter, out var permits)) return permits;
        permits = [];
        foreach (var rule in filter.Rules)
        {
            if (rule.Action != RuleAction.Permit || rule.Match.Sources is not { IsAny: false } sources) continue;
            // No groups term: the rule permits (*,G) for every group, the SSM range included.
            var groups = rule.Match.Groups ?? AnyGroups(rule.Match.Span);
            if (IsStarG(sources)) permits.Add((rule, groups));
        }
        cache[filter] = permits;
        return permits;
    }

    /// <summary>True when the sources hold the ASM wildcard address (0.0.0.0 or ::) — written as that host or as a prefix around it.</summary>
    private static bool IsStarG(AddressMatch sources) =>
        sources.Matches(WildcardV4) || sources.Matches(WildcardV6);

    private static AddressMatch AnyGroups(Text.SourceSpan span) => new([], [], [], span) { IsAny = true };

    private static IpPrefix? Overlap(AddressMatch groups, List<IpPrefix> ssm)
    {
        if (groups.IsAny) return ssm.Count > 0 ? ssm[0] : null;
        foreach (var entry in groups.Include)
        {
            foreach (var range in ssm)
            {
                if (range.Overlaps(entry.Prefix) && !Excepted(groups.Except, range, entry.Prefix)) return range;
            }
        }
        return null;
    }

    private static bool Excepted(ImmutableArray<PrefixEntry> excepts, IpPrefix range, IpPrefix entry)
    {
        foreach (var e in excepts)
        {
            if (e.Prefix.Contains(range) || e.Prefix.Contains(entry)) return true;
        }
        return false;
    }

    /// <summary>A filter by identity and an SSM range by its (shared, immutable) prefix array.</summary>
    private sealed class FilterKeyComparer : IEqualityComparer<(Filter Filter, ImmutableArray<PrefixEntry> Ssm, bool Any)>
    {
        public static readonly FilterKeyComparer Instance = new();

        public bool Equals((Filter Filter, ImmutableArray<PrefixEntry> Ssm, bool Any) x, (Filter Filter, ImmutableArray<PrefixEntry> Ssm, bool Any) y) =>
            ReferenceEquals(x.Filter, y.Filter) && x.Ssm == y.Ssm && x.Any == y.Any;

        public int GetHashCode((Filter Filter, ImmutableArray<PrefixEntry> Ssm, bool Any) key) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Filter), key.Ssm, key.Any);
    }
}

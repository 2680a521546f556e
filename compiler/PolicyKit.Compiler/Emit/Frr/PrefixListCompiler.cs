using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>One first-match rule over prefixes: what it matches and what it carves out (except).</summary>
public sealed record RangeRule(RuleAction Action, IReadOnlyList<PrefixRange> Include, IReadOnlyList<PrefixRange> Except);

/// <summary>
/// Turns first-match filters into FRR prefix-list entries, exactly. An <c>except</c> in a rule
/// does not decide: the prefixes it carves out fall through to the later rules. A prefix list
/// cannot skip ahead, so the carved-out part is written before the rule as the later rules
/// restricted to it, closed by a deny (the filter's implicit deny for that part) — intersections
/// of prefix ranges are prefix ranges, so this stays exact.
/// </summary>
public static class PrefixListCompiler
{
    /// <summary>Entries ("permit 10.0.0.0/8 le 32", "deny any") for the rules in one family; an entry a previous one matches entirely is dropped (it could never match, and FRR refuses duplicates).</summary>
    public static List<string> Entries(IReadOnlyList<RangeRule> rules, IpFamily family)
    {
        var entries = new List<(RuleAction Action, PrefixRange Range)>();
        Append(rules, 0, PrefixRange.All(family), entries);
        var result = new List<string>();
        var seen = new SeenRanges();
        foreach (var (action, range) in entries)
        {
            if (seen.AnyCovers(range)) continue;
            seen.Add(range);
            result.Add($"{FrrSyntax.Action(action)} {range}");
        }
        if (result.Count == 0) result.Add("deny any");
        return result;
    }

    private static void Append(IReadOnlyList<RangeRule> rules, int from, PrefixRange within, List<(RuleAction, PrefixRange)> output)
    {
        for (int i = from; i < rules.Count; i++)
        {
            var rule = rules[i];
            var includes = rule.Include.Select(r => r.Intersect(within)).OfType<PrefixRange>().ToList();
            if (includes.Count == 0) continue;
            foreach (var except in rule.Except)
            {
                if (except.Intersect(within) is not { } carved) continue;
                if (!includes.Any(inc => inc.Intersect(carved) is not null)) continue;
                Append(rules, i + 1, carved, output);
                output.Add((RuleAction.Deny, carved));
            }
            foreach (var include in includes) output.Add((rule.Action, include));
        }
    }

    /// <summary>True when every prefix <paramref name="inner"/> matches is matched by <paramref name="outer"/>.</summary>
    internal static bool Covers(PrefixRange outer, PrefixRange inner) =>
        outer.Family == inner.Family && outer.Prefix.Contains(inner.Prefix) &&
        outer.Low <= Math.Max(inner.Low, inner.Prefix.Length) && outer.High >= inner.High;

    /// <summary>
    /// The entries written so far, filed by prefix: "does an earlier entry cover this one?" looks
    /// only at the entries whose prefix contains the new one's (at most one per prefix length in
    /// use), not at every earlier entry — a scan that made an IRR-sized list quadratic (issue 18).
    /// Prefixes with host bits set (never made by the parser) are compared one by one, as before.
    /// </summary>
    internal sealed class SeenRanges
    {
        private readonly Dictionary<IpPrefix, List<PrefixRange>> _byPrefix = [];
        private readonly SortedSet<int>[] _lengths = [[], []];
        private readonly List<PrefixRange> _abnormal = [];

        public void Add(PrefixRange range)
        {
            if (!IsNormal(range.Prefix))
            {
                _abnormal.Add(range);
                return;
            }
            if (!_byPrefix.TryGetValue(range.Prefix, out var list)) _byPrefix[range.Prefix] = list = [];
            list.Add(range);
            _lengths[range.Family == IpFamily.V4 ? 0 : 1].Add(range.Prefix.Length);
        }

        public bool AnyCovers(PrefixRange range)
        {
            foreach (var other in _abnormal)
            {
                if (Covers(other, range)) return true;
            }
            // A normal prefix contains only prefixes whose leading bits are its own.
            var prefix = range.Prefix;
            foreach (int length in _lengths[range.Family == IpFamily.V4 ? 0 : 1])
            {
                if (length > prefix.Length) break;
                var shorter = prefix with { Length = length };
                shorter = shorter with { Network = prefix.Network & ~shorter.HostMask };
                if (!_byPrefix.TryGetValue(shorter, out var list)) continue;
                foreach (var other in list)
                {
                    if (Covers(other, range)) return true;
                }
            }
            return false;
        }

        private static bool IsNormal(IpPrefix prefix) => (prefix.Network & prefix.HostMask) == 0;
    }

    /// <summary>A prefix filter (rules over <c>prefixes</c>, route semantics with ge/le) in one family.</summary>
    public static List<string> PrefixFilter(Filter filter, IpFamily family) =>
        Entries(filter.Rules.Select(r => RouteRule(r.Action, r.Match.Prefixes, family)).ToList(), family);

    private static RangeRule RouteRule(RuleAction action, AddressMatch? prefixes, IpFamily family)
    {
        if (prefixes is null || prefixes.IsAny) return new RangeRule(action, [PrefixRange.All(family)], []);
        return new RangeRule(action,
            prefixes.Include.Where(e => e.Prefix.Family == family).Select(PrefixRange.Route).ToList(),
            prefixes.Except.Where(e => e.Prefix.Family == family).Select(PrefixRange.Route).ToList());
    }

    /// <summary>An address rule (groups or sources: every address inside each prefix); null is any.</summary>
    public static RangeRule AddressRule(RuleAction action, AddressMatch? match, IpFamily family)
    {
        if (match is null || match.IsAny) return new RangeRule(action, [PrefixRange.All(family)], []);
        return new RangeRule(action,
            match.Include.Where(e => e.Prefix.Family == family).Select(e => PrefixRange.Block(e.Prefix)).ToList(),
            match.Except.Where(e => e.Prefix.Family == family).Select(e => PrefixRange.Block(e.Prefix)).ToList());
    }

    /// <summary>A permit list of an address set (e.g. the SSM range, an RP's groups): its exceptions denied first.</summary>
    public static List<string> PermitSet(AddressMatch match, IpFamily family) =>
        Entries([AddressRule(RuleAction.Permit, match, family)], family);
}

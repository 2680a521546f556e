using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// Group filters as sets: the disjoint prefixes a first-match filter permits, and the
/// intersection of such sets. Used where FRR takes one list but the policy gives several
/// filters that must all permit (several boundaries on one interface).
/// </summary>
public static class GroupSpace
{
    /// <summary>The addresses the rules permit (first match decides, the rest is denied), as disjoint prefixes in address order.</summary>
    public static List<IpPrefix> Permitted(IEnumerable<(RuleAction Action, AddressMatch? Match)> rules, IpFamily family)
    {
        var undecided = new List<IpPrefix> { family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6 };
        var permitted = new List<IpPrefix>();
        foreach (var (action, match) in rules)
        {
            var prefixes = FilterLowering.Expand(match, family);
            foreach (var p in prefixes ?? [null])
            {
                var next = new List<IpPrefix>();
                foreach (var u in undecided)
                {
                    if (p is null || p.Value.Contains(u))
                    {
                        if (action == RuleAction.Permit) permitted.Add(u);
                    }
                    else if (u.Contains(p.Value))
                    {
                        if (action == RuleAction.Permit) permitted.Add(p.Value);
                        next.AddRange(PrefixMath.Subtract(u, p.Value));
                    }
                    else
                    {
                        next.Add(u);
                    }
                }
                undecided = next;
            }
        }
        return permitted.Order().ToList();
    }

    /// <summary>The addresses two disjoint prefix sets have in common.</summary>
    public static List<IpPrefix> Intersect(List<IpPrefix> a, List<IpPrefix> b)
    {
        var result = new List<IpPrefix>();
        foreach (var x in a)
        foreach (var y in b)
        {
            if (x.Contains(y)) result.Add(y);
            else if (y.Contains(x)) result.Add(x);
        }
        return result.Distinct().Order().ToList();
    }
}

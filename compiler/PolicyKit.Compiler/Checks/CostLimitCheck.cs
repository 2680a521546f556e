using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3006: a cost limit so small that even the cheapest stream it could carry does not fit.
/// MP3007: a cost limit whose groups are not all matched by a class, so some streams are
/// charged the default cost (1 kbps unless written) — almost always an oversight.
/// </summary>
public sealed class CostLimitCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var limit in context.Model.Devices.SelectMany(d => d.Interfaces).SelectMany(i => i.StateLimits))
        {
            if (limit.MaxBandwidth is not { } max) continue;
            var applicable = limit.Classes.Where(c => Overlaps(c.Match.Groups, limit.Groups)).ToList();
            bool covered = Covered(limit.Groups, applicable);
            var costs = applicable.Select(c => c.Cost).ToList();
            if (!covered) costs.Add(limit.DefaultCost);
            var cheapest = costs.Min();
            if (cheapest > max)
            {
                context.Diagnostics.Add(limit.Span, c => c.NoStreamFits(max.ToString(), cheapest.ToString()));
            }
            if (!covered && !limit.DefaultCostIsExplicit)
            {
                context.Diagnostics.Add(limit.Span, c => c.GroupsNotCoveredByClasses(limit.Describe(), limit.DefaultCost.ToString()));
            }
        }
    }

    private static bool Overlaps(AddressMatch? classGroups, AddressMatch? limitGroups)
    {
        if (classGroups is null || classGroups.IsAny || limitGroups is null || limitGroups.IsAny) return true;
        return classGroups.Include.Any(c => limitGroups.Include.Any(l => c.Prefix.Overlaps(l.Prefix)));
    }

    /// <summary>True when every group of the limit is matched by some class (ignoring classes that also filter on sources).</summary>
    private static bool Covered(AddressMatch? limitGroups, List<TrafficClass> classes)
    {
        var covering = classes.Where(c => c.Match.Sources is null).ToList();
        if (covering.Any(c => c.Match.Groups is null || c.Match.Groups.IsAny)) return true;
        var classPrefixes = covering.SelectMany(c => c.Match.Groups!.Include.Select(e => e.Prefix)).ToList();
        IEnumerable<IpPrefix> needed = limitGroups is null || limitGroups.IsAny
            ? [IpPrefix.MulticastV4, IpPrefix.MulticastV6]
            : PrefixMath.Subtract(limitGroups.Include.Select(e => e.Prefix), limitGroups.Except.Select(e => e.Prefix).ToList());
        return PrefixMath.Subtract(needed, classPrefixes).Count == 0;
    }
}

using System.Collections.Immutable;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3006: a cost limit so small that even the cheapest stream it could carry does not fit.
/// MP3007: a cost limit whose groups are not all matched by a class, so some streams are
/// charged the default cost (1 kbps unless written) — almost always an oversight.
/// </summary>
/// <remarks>
/// Thousands of interfaces repeat a handful of (groups, classes) pairs from their profiles, so
/// the classes that apply and whether they cover the groups are worked out once per pair.
/// </remarks>
public sealed class CostLimitCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        var cache = new Dictionary<LimitKey, (List<Bandwidth> Costs, bool Covered)>();
        foreach (var device in context.Model.Devices)
        {
            foreach (var iface in device.Interfaces)
            {
                foreach (var limit in iface.StateLimits)
                {
                    if (limit.MaxBandwidth is not { } max) continue;
                    var key = new LimitKey(limit.Groups, limit.Classes);
                    if (!cache.TryGetValue(key, out var found))
                    {
                        var applicable = new List<TrafficClass>();
                        foreach (var c in limit.Classes)
                        {
                            if (Overlaps(c.Match.Groups, limit.Groups)) applicable.Add(c);
                        }
                        found = (applicable.Select(c => c.Cost).ToList(), Covered(limit.Groups, applicable));
                        cache[key] = found;
                    }
                    bool covered = found.Covered;
                    var costs = found.Costs;
                    if (!covered) costs = [.. costs, limit.DefaultCost];
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
        }
    }

    private static bool Overlaps(AddressMatch? classGroups, AddressMatch? limitGroups)
    {
        if (classGroups is null || classGroups.IsAny || limitGroups is null || limitGroups.IsAny) return true;
        foreach (var c in classGroups.Include)
        {
            foreach (var l in limitGroups.Include)
            {
                if (c.Prefix.Overlaps(l.Prefix)) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when every group of the limit is matched by some class (ignoring classes that also
    /// filter on sources): includes − excepts ⊆ ∪ classes, i.e. every include lies inside
    /// ∪ classes ∪ excepts. That union is merged into disjoint address intervals, so each
    /// include is one binary search instead of a prefix subtraction.
    /// </summary>
    private static bool Covered(AddressMatch? limitGroups, List<TrafficClass> classes)
    {
        var cover = new List<IpPrefix>();
        foreach (var c in classes)
        {
            if (c.Match.Sources is not null) continue;
            if (c.Match.Groups is null || c.Match.Groups.IsAny) return true;
            foreach (var entry in c.Match.Groups.Include) cover.Add(entry.Prefix);
        }
        if (limitGroups is null || limitGroups.IsAny)
        {
            var merged = Merge(cover);
            return Inside(merged, IpPrefix.MulticastV4) && Inside(merged, IpPrefix.MulticastV6);
        }
        foreach (var entry in limitGroups.Except) cover.Add(entry.Prefix);
        var intervals = Merge(cover);
        foreach (var entry in limitGroups.Include)
        {
            if (!Inside(intervals, entry.Prefix)) return false;
        }
        return true;
    }

    /// <summary>The prefixes as disjoint, non-adjacent intervals sorted by family and first address.</summary>
    private static List<(IpFamily Family, UInt128 First, UInt128 Last)> Merge(List<IpPrefix> prefixes)
    {
        prefixes.Sort(ModelWalker.ComparePrefixes);
        var merged = new List<(IpFamily Family, UInt128 First, UInt128 Last)>();
        foreach (var p in prefixes)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                // Same family and overlapping or adjacent (Last + 1 would overflow at the top of the space).
                if (last.Family == p.Family && (last.Last == UInt128.MaxValue || p.First <= last.Last + 1))
                {
                    if (p.Last > last.Last) merged[^1] = (last.Family, last.First, p.Last);
                    continue;
                }
            }
            merged.Add((p.Family, p.First, p.Last));
        }
        return merged;
    }

    private static bool Inside(List<(IpFamily Family, UInt128 First, UInt128 Last)> merged, IpPrefix prefix)
    {
        // The last interval starting at or before the prefix is the only one that can hold it.
        int lo = 0, hi = merged.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var m = merged[mid];
            int c = m.Family != prefix.Family ? ((byte)m.Family).CompareTo((byte)prefix.Family) : m.First.CompareTo(prefix.First);
            if (c <= 0) lo = mid + 1;
            else hi = mid - 1;
        }
        if (hi < 0) return false;
        var candidate = merged[hi];
        return candidate.Family == prefix.Family && candidate.Last >= prefix.Last;
    }

    /// <summary>
    /// A limit's groups and classes, by identity: the binder shares the prefix arrays of a named
    /// set and the classes themselves, so equal keys always give equal answers.
    /// </summary>
    private readonly struct LimitKey(AddressMatch? groups, ImmutableArray<TrafficClass> classes) : IEquatable<LimitKey>
    {
        private readonly bool _any = groups is null || groups.IsAny;
        private readonly bool _null = groups is null;
        private readonly ImmutableArray<PrefixEntry> _include = groups?.Include ?? default;
        private readonly ImmutableArray<PrefixEntry> _except = groups?.Except ?? default;
        private readonly ImmutableArray<TrafficClass> _classes = classes;

        public bool Equals(LimitKey other)
        {
            if (_any != other._any || _null != other._null || _include != other._include || _except != other._except) return false;
            if (_classes.Length != other._classes.Length) return false;
            for (int i = 0; i < _classes.Length; i++)
            {
                if (!ReferenceEquals(_classes[i], other._classes[i])) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is LimitKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(_any);
            hash.Add(_include);
            hash.Add(_except);
            foreach (var c in _classes) hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(c));
            return hash.ToHashCode();
        }
    }
}

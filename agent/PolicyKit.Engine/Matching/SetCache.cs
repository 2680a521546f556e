using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Matching;

/// <summary>
/// Compiles each distinct address set of a table once: policies use the same named sets in many
/// rules and on many interfaces (a head-end, a channel guide), so sharing one compiled copy keeps
/// the hot data of a table small and in cache.
/// </summary>
internal sealed class SetCache
{
    private readonly Dictionary<RangeSet, CompiledSet> _sets = new(new Comparer());

    public CompiledSet Get(RangeSet? set)
    {
        if (set is null || set.IsAny) return CompiledSet.Any;
        if (!_sets.TryGetValue(set, out var compiled)) _sets.Add(set, compiled = CompiledSet.From(set));
        return compiled;
    }

    private sealed class Comparer : IEqualityComparer<RangeSet>
    {
        public bool Equals(RangeSet? x, RangeSet? y) => ReferenceEquals(x, y) || (x is not null && x.Equals(y));

        public int GetHashCode(RangeSet set)
        {
            var hash = new HashCode();
            hash.Add(set.IsAny);
            hash.Add(set.Ranges.Length);
            foreach (var range in set.Ranges.Take(8)) hash.Add(range);
            return hash.ToHashCode();
        }
    }
}

namespace PolicyKit.Compiler.Model;

/// <summary>Exact prefix arithmetic used to flatten sets with <c>except</c> entries.</summary>
public static class PrefixMath
{
    /// <summary>
    /// The prefixes covering <paramref name="include"/> minus <paramref name="exclude"/>: the
    /// include is halved until no half overlaps the exclusion partially (at most one prefix
    /// per bit of difference in length).
    /// </summary>
    public static IEnumerable<IpPrefix> Subtract(IpPrefix include, IpPrefix exclude)
    {
        if (!include.Overlaps(exclude))
        {
            yield return include;
            yield break;
        }
        if (exclude.Contains(include)) yield break;
        var current = include;
        while (current.Length < exclude.Length)
        {
            int childLength = current.Length + 1;
            UInt128 bit = UInt128.One << (current.MaxLength - childLength);
            var low = new IpPrefix(current.Family, current.Network, childLength);
            var high = new IpPrefix(current.Family, current.Network | bit, childLength);
            if (low.Contains(exclude))
            {
                yield return high;
                current = low;
            }
            else
            {
                yield return low;
                current = high;
            }
        }
    }

    /// <summary>
    /// Subtracts every exclusion from every inclusion; each inclusion's pieces come out in address
    /// order. Divide and conquer: an inclusion is halved only while some exclusion lies strictly
    /// inside it, and each half sees only the exclusions inside it, so n exclusions cost
    /// O(n × prefix length) rather than O(n²).
    /// </summary>
    public static List<IpPrefix> Subtract(IEnumerable<IpPrefix> includes, IReadOnlyCollection<IpPrefix> excludes)
    {
        // Most sets have no except at all: nothing to look for.
        if (excludes.Count == 0) return [.. includes];

        var includeList = includes as IReadOnlyList<IpPrefix> ?? [.. includes];
        var result = new List<IpPrefix>(includeList.Count);
        // Many inclusions against many exclusions (a first-match walk over a large filter): find
        // each inclusion's exclusions through an index instead of testing every one of them.
        var index = (long)includeList.Count * excludes.Count > IndexedThreshold ? ExcludeIndex.For(excludes) : null;
        var relevant = new List<IpPrefix>();
        foreach (var include in includeList)
        {
            relevant.Clear();
            if (index is not null && ExcludeIndex.IsNormal(include)) index.Overlapping(include, relevant);
            else
            {
                foreach (var exclude in excludes)
                {
                    if (include.Overlaps(exclude)) relevant.Add(exclude);
                }
            }
            if (relevant.Count == 0)
            {
                result.Add(include);
                continue;
            }
            SubtractInto(include, [.. relevant], result);
        }
        return result;
    }

    /// <summary>Below this many (inclusion, exclusion) pairs, testing every pair is cheaper than building an index.</summary>
    private const long IndexedThreshold = 4096;

    /// <summary>
    /// Exclusions sorted by address, for "which exclusions overlap this prefix": those inside it
    /// are one contiguous run of the sorted list (binary search), those containing it are found by
    /// truncating it to each length an exclusion has (hash lookups). Which exclusions are found
    /// does not depend on their order, so the pieces are the same as a scan of every one gives.
    /// </summary>
    private sealed class ExcludeIndex
    {
        private readonly IpPrefix[] _sorted;
        private readonly HashSet<IpPrefix> _set;
        private readonly int[] _lengths;

        /// <summary>The index, or null when an exclusion has host bits set (see <see cref="IsNormal"/>).</summary>
        public static ExcludeIndex? For(IReadOnlyCollection<IpPrefix> excludes) =>
            excludes.All(IsNormal) ? new ExcludeIndex(excludes) : null;

        /// <summary>
        /// No host bits set, as the parser and the prefix arithmetic make every prefix: the index's
        /// address-order reasoning holds only for those (others are tested one by one).
        /// </summary>
        public static bool IsNormal(IpPrefix prefix) => (prefix.Network & prefix.HostMask) == 0;

        private ExcludeIndex(IReadOnlyCollection<IpPrefix> excludes)
        {
            _sorted = [.. excludes];
            Array.Sort(_sorted);
            _set = [.. _sorted];
            _lengths = [.. _sorted.Select(e => e.Length).Distinct().Order()];
        }

        public void Overlapping(IpPrefix include, List<IpPrefix> into)
        {
            // Exclusions that contain the inclusion (shorter or equal length, same leading bits).
            foreach (int length in _lengths)
            {
                if (length > include.Length) break;
                var truncated = Truncate(include, length);
                if (_set.Contains(truncated)) into.Add(truncated);
            }
            // Exclusions strictly inside it: networks in [First, Last] with a longer length.
            int i = LowerBound(new IpPrefix(include.Family, include.First, 0));
            for (; i < _sorted.Length; i++)
            {
                var e = _sorted[i];
                if (e.Family != include.Family || e.Network > include.Last) break;
                if (e.Length > include.Length) into.Add(e);
            }
        }

        private static IpPrefix Truncate(IpPrefix prefix, int length)
        {
            var shorter = prefix with { Length = length };
            return shorter with { Network = prefix.Network & ~shorter.HostMask };
        }

        /// <summary>The first index whose prefix sorts at or after <paramref name="key"/>.</summary>
        private int LowerBound(IpPrefix key)
        {
            int lo = 0, hi = _sorted.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_sorted[mid].CompareTo(key) < 0) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    private static void SubtractInto(IpPrefix include, List<IpPrefix> excludes, List<IpPrefix> result)
    {
        // Explicit stack: depth is bounded by the prefix length, but keep the hot loop flat.
        var work = new Stack<(IpPrefix Prefix, List<IpPrefix> Excludes)>();
        work.Push((include, excludes));
        var pieces = new List<IpPrefix>();
        while (work.Count > 0)
        {
            var (prefix, inside) = work.Pop();
            if (inside.Count == 0)
            {
                pieces.Add(prefix);
                continue;
            }
            if (inside.Any(e => e.Contains(prefix))) continue;
            int childLength = prefix.Length + 1;
            UInt128 bit = UInt128.One << (prefix.MaxLength - childLength);
            var low = new IpPrefix(prefix.Family, prefix.Network, childLength);
            var high = new IpPrefix(prefix.Family, prefix.Network | bit, childLength);
            work.Push((high, inside.Where(high.Overlaps).ToList()));
            work.Push((low, inside.Where(low.Overlaps).ToList()));
        }
        pieces.Sort();
        result.AddRange(pieces);
    }
}

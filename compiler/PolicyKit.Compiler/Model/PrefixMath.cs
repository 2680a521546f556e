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
        var result = new List<IpPrefix>();
        foreach (var include in includes)
        {
            var relevant = excludes.Where(include.Overlaps).ToList();
            if (relevant.Count == 0)
            {
                result.Add(include);
                continue;
            }
            SubtractInto(include, relevant, result);
        }
        return result;
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

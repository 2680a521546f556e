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

    /// <summary>Subtracts every exclusion from every inclusion; each inclusion's pieces come out in address order.</summary>
    public static List<IpPrefix> Subtract(IEnumerable<IpPrefix> includes, IReadOnlyCollection<IpPrefix> excludes)
    {
        var result = new List<IpPrefix>();
        foreach (var include in includes)
        {
            if (excludes.Count == 0 || !excludes.Any(include.Overlaps))
            {
                result.Add(include);
                continue;
            }
            IEnumerable<IpPrefix> pieces = [include];
            foreach (var exclude in excludes)
            {
                pieces = pieces.SelectMany(p => Subtract(p, exclude)).ToList();
            }
            result.AddRange(pieces.Order());
        }
        return result;
    }
}

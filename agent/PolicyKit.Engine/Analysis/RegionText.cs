using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Analysis;

/// <summary>Regions in the policy's own terms: address sets as prefixes, prefix boxes as prefix-list entries.</summary>
public static class RegionText
{
    /// <summary>The prefixes that exactly cover a set of addresses ("232.1.0.0/18", "198.51.100.7"); "any" for the whole family.</summary>
    public static IReadOnlyList<string> Addresses(IntervalSet set, AddressFamily family)
    {
        if (set.Equals(Space.Addresses(family))) return ["any"];
        var result = new List<string>();
        int bits = Space.Bits(family);
        foreach (var (first, last) in set.Intervals)
        {
            foreach (var (network, length) in CompiledTable.Prefixes(new AddressRange(family, first, last)))
                result.Add(length == bits ? AddressText.Format(family, network) : $"{AddressText.Format(family, network)}/{length}");
        }
        return result;
    }

    /// <summary>Sources of joins: as <see cref="Addresses"/>, with the (*,G) wildcard (source 0) written "*".</summary>
    public static IReadOnlyList<string> Sources(IntervalSet set, AddressFamily family)
    {
        if (set.Equals(Space.Addresses(family))) return ["any"];
        if (!set.Contains(0)) return Addresses(set, family);
        var rest = set.Subtract(IntervalSet.Point(0));
        return ["*", .. rest.IsEmpty ? [] : Addresses(rest, family)];
    }

    /// <summary>
    /// A short form for people: the prefixes, or "any" / "any except …" when what the axis leaves
    /// out is shorter to say than what it holds. <paramref name="universe"/> is the whole axis
    /// (every address, or every multicast group); a source axis writes the (*,G) wildcard as "*".
    /// </summary>
    public static string Short(IntervalSet set, IntervalSet universe, AddressFamily family, bool sources, int most = 6) =>
        Short(set, sources ? Sources(set, family) : Addresses(set, family), universe, family, sources, most);

    /// <summary>
    /// As above, with the set's prefixes already written (<paramref name="held"/>, as
    /// <see cref="Addresses"/> or <see cref="Sources"/> give them). What the axis leaves out is
    /// counted before it is written: the rest of the groups beside one channel is some thirty
    /// prefixes, and a ranges answer of 10,000 channels wrote them 10,000 times for nothing.
    /// </summary>
    public static string Short(IntervalSet set, IReadOnlyList<string> held, IntervalSet universe, AddressFamily family, bool sources, int most = 6)
    {
        if (set.Equals(universe)) return "any";
        var left = universe.Subtract(set);
        if (Count(left, family, sources, held.Count) >= held.Count) return List(held, most);
        var missing = sources ? Sources(left, family) : Addresses(left, family);
        return $"any except {List(missing, most)}";
    }

    /// <summary>How many entries <see cref="Addresses"/> (or <see cref="Sources"/>) writes for a set, counting no further than <paramref name="limit"/>.</summary>
    private static int Count(IntervalSet set, AddressFamily family, bool sources, int limit)
    {
        if (set.Equals(Space.Addresses(family))) return 1;
        int count = 0;
        if (sources && set.Contains(0))
        {
            count = 1;
            set = set.Subtract(IntervalSet.Point(0));
        }
        foreach (var (first, last) in set.Intervals)
        {
            foreach (var _ in CompiledTable.Prefixes(new AddressRange(family, first, last)))
            {
                if (++count >= limit) return count;
            }
        }
        return count;
    }

    private static string List(IReadOnlyList<string> values, int most) =>
        values.Count <= most ? string.Join(", ", values) : $"{string.Join(", ", values.Take(most))}, … ({values.Count - most} more)";

    /// <summary>
    /// A box of BGP prefixes (network × length) as prefix-list entries: "10.0.0.0/8 le 24" for the
    /// prefixes of lengths 8–24 inside 10.0.0.0/8.
    /// </summary>
    public static IReadOnlyList<string> Prefixes(Box box, AddressFamily family)
    {
        var result = new List<string>();
        int bits = Space.Bits(family);
        foreach (var (lengthFirst, lengthLast) in box[Space.Length].Intervals)
        {
            int min = (int)lengthFirst, max = (int)lengthLast;
            foreach (var (first, last) in box[Space.Network].Intervals)
            {
                foreach (var (network, length) in CompiledTable.Prefixes(new AddressRange(family, first, last)))
                {
                    string address = AddressText.Format(family, network);
                    // Shorter prefixes whose network lies in this block: only the block's own address, if aligned.
                    for (int l = min; l <= Math.Min(max, length - 1); l++)
                    {
                        if (l == 0 ? network == 0 : (network & ((UInt128.One << (bits - l)) - 1)) == 0) result.Add($"{address}/{l}");
                    }
                    int lo = Math.Max(min, length);
                    if (lo > max) continue;
                    string entry = $"{address}/{length}";
                    if (lo == length && max == length) result.Add(entry);
                    else if (lo == length) result.Add($"{entry} le {max}");
                    else if (max == bits && lo > length) result.Add($"{entry} ge {lo}");
                    else result.Add($"{entry} ge {lo} le {max}");
                }
            }
        }
        return result;
    }
}

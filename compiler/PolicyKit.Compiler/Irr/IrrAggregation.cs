using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Irr;

/// <summary>
/// The fewest prefix-list entries matching exactly the routes a list matches (bgpq4 -A): an
/// entry that another one matches all of is dropped, and two sibling entries with the same
/// length range become their parent with that range (10.0.0.0/24 and 10.0.1.0/24 become
/// 10.0.0.0/23 ge 24 le 24, which does not match the /23 itself), repeated up the tree.
/// </summary>
public static class IrrAggregation
{
    public static List<IrrPrefix> Aggregate(IEnumerable<IrrPrefix> entries)
    {
        var present = new HashSet<IrrPrefix>(WithoutCovered(entries));
        // Bottom up: merging two /25s makes a /24 that may merge with its own sibling.
        var byLength = present.GroupBy(e => e.Prefix.Length).ToDictionary(g => g.Key, g => g.ToList());
        for (int length = 128; length >= 1; length--)
        {
            if (!byLength.TryGetValue(length, out var atLength)) continue;
            foreach (var entry in atLength)
            {
                if (!present.Contains(entry)) continue;
                var prefix = entry.Prefix;
                if (length > prefix.MaxLength) continue;
                UInt128 bit = UInt128.One << (prefix.MaxLength - length);
                var sibling = entry with { Prefix = prefix with { Network = prefix.Network ^ bit } };
                if (!present.Contains(sibling)) continue;
                present.Remove(entry);
                present.Remove(sibling);
                var parent = entry with { Prefix = prefix with { Network = prefix.Network & ~bit, Length = length - 1 } };
                present.Add(parent);
                if (!byLength.TryGetValue(length - 1, out var above)) byLength[length - 1] = above = [];
                above.Add(parent);
            }
        }
        return WithoutCovered(present);
    }

    /// <summary>The entries no other entry covers, sorted: containing prefixes come first in prefix order, so a stack of the open ones answers.</summary>
    private static List<IrrPrefix> WithoutCovered(IEnumerable<IrrPrefix> entries)
    {
        var sorted = entries.Distinct().ToList();
        sorted.Sort((a, b) =>
        {
            if (a.Prefix.Family != b.Prefix.Family) return a.Prefix.Family.CompareTo(b.Prefix.Family);
            if (a.Prefix.Network != b.Prefix.Network) return a.Prefix.Network.CompareTo(b.Prefix.Network);
            if (a.Prefix.Length != b.Prefix.Length) return a.Prefix.Length.CompareTo(b.Prefix.Length);
            // Of two entries on one prefix, the wider range first, so it covers the narrower.
            return a.Ge != b.Ge ? a.Ge.CompareTo(b.Ge) : b.Le.CompareTo(a.Le);
        });
        var kept = new List<IrrPrefix>(sorted.Count);
        var open = new List<IrrPrefix>();
        foreach (var entry in sorted)
        {
            while (open.Count > 0 && !open[^1].Prefix.Contains(entry.Prefix)) open.RemoveAt(open.Count - 1);
            if (open.Exists(entry.IsWithin)) continue;
            kept.Add(entry);
            open.Add(entry);
        }
        kept.Sort();
        return kept;
    }
}

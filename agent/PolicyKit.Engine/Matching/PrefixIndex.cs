using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Matching;

/// <summary>
/// A BGP prefix filter (first match, implicit deny) compiled for lookup: rules are grouped by
/// their prefix length; for an announced prefix of length L, each distinct rule length l ≤ L is
/// one hash lookup of the announced network masked to l, giving the rules with exactly that
/// network in order; the lowest-numbered one whose ge/le range admits L wins. O(#lengths)
/// lookups (at most 33 or 129), no allocation.
/// </summary>
internal sealed class PrefixIndex
{
    private readonly Level[] _v4;
    private readonly Level[] _v6;
    private readonly PrefixRule[] _rules;

    public PrefixIndex(IReadOnlyList<PrefixRule> rules)
    {
        _rules = [.. rules];
        _v4 = Build(AddressFamily.V4);
        _v6 = Build(AddressFamily.V6);
    }

    /// <summary>The index of the first rule matching the prefix, or -1 (implicit deny).</summary>
    public int Find(in Address network, int length)
    {
        var levels = network.Family == AddressFamily.V4 ? _v4 : _v6;
        int best = int.MaxValue;
        int bits = network.Family == AddressFamily.V4 ? 32 : 128;
        foreach (var level in levels)
        {
            if (level.Length > length) break;
            UInt128 masked = network.Value & Mask(level.Length, bits);
            if (!level.Networks.TryGetValue(masked, out var slice)) continue;
            for (int k = slice.Start; k < slice.Start + slice.Count; k++)
            {
                int index = level.Rules[k];
                if (index >= best) break;
                var rule = _rules[index];
                if (length >= rule.MinLength && length <= rule.MaxLength)
                {
                    best = index;
                    break;
                }
            }
        }
        return best == int.MaxValue ? -1 : best;
    }

    private static UInt128 Mask(int length, int bits)
    {
        if (length == 0) return UInt128.Zero;
        UInt128 mask = UInt128.MaxValue << (bits - length);
        return bits == 32 ? mask & uint.MaxValue : mask;
    }

    private Level[] Build(AddressFamily family)
    {
        var levels = new List<Level>();
        foreach (var byLength in _rules.Select((r, i) => (Rule: r, Index: i)).Where(x => x.Rule.Family == family).GroupBy(x => (int)x.Rule.Length).OrderBy(g => g.Key))
        {
            var order = new List<int>();
            var networks = new Dictionary<UInt128, (int Start, int Count)>();
            foreach (var byNetwork in byLength.GroupBy(x => x.Rule.Network))
            {
                networks[byNetwork.Key] = (order.Count, byNetwork.Count());
                order.AddRange(byNetwork.Select(x => x.Index).Order());
            }
            levels.Add(new Level(byLength.Key, networks, [.. order]));
        }
        return [.. levels];
    }

    private sealed record Level(int Length, Dictionary<UInt128, (int Start, int Count)> Networks, int[] Rules);
}

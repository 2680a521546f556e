using System.Net;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Nftables;

/// <summary>
/// A set of addresses of one family as sorted, disjoint, non-adjacent intervals: the exact form
/// an nftables <c>flags interval</c> set holds. Used to compute what a first-match filter denies
/// (union, subtraction, intersection) and to write set elements in the canonical form that
/// <c>nft list</c> prints back: a prefix where an interval is one, a range otherwise.
/// </summary>
public sealed class AddressIntervals
{
    private readonly List<(UInt128 Lo, UInt128 Hi)> _ranges;

    private AddressIntervals(IpFamily family, List<(UInt128 Lo, UInt128 Hi)> ranges)
    {
        Family = family;
        _ranges = ranges;
    }

    public IpFamily Family { get; }

    public bool IsEmpty => _ranges.Count == 0;

    public IReadOnlyList<(UInt128 Lo, UInt128 Hi)> Ranges => _ranges;

    private UInt128 Max => Family == IpFamily.V4 ? uint.MaxValue : UInt128.MaxValue;

    private int Bits => Family == IpFamily.V4 ? 32 : 128;

    public bool IsUniverse => _ranges.Count == 1 && _ranges[0].Lo == 0 && _ranges[0].Hi == Max;

    public static AddressIntervals Empty(IpFamily family) => new(family, []);

    public static AddressIntervals Universe(IpFamily family) =>
        FromPrefixes(family, [family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6]);

    public static AddressIntervals FromPrefixes(IpFamily family, IEnumerable<IpPrefix> prefixes) =>
        Normalize(family, prefixes.Where(p => p.Family == family).Select(p => (p.First, Last(p))));

    // IpPrefix.Last of ::/0 is :: (its host mask shifts by 128 bits, which wraps): computed here.
    private static UInt128 Last(IpPrefix prefix) =>
        prefix.Length == 0 ? (prefix.Family == IpFamily.V4 ? uint.MaxValue : UInt128.MaxValue) : prefix.Last;

    private static AddressIntervals Normalize(IpFamily family, IEnumerable<(UInt128 Lo, UInt128 Hi)> ranges)
    {
        var merged = new List<(UInt128 Lo, UInt128 Hi)>();
        foreach (var (lo, hi) in ranges.OrderBy(r => r.Lo).ThenBy(r => r.Hi))
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                // Overlapping or adjacent (last.Hi + 1 == lo, written without overflowing).
                if (lo <= last.Hi || lo - last.Hi == 1)
                {
                    if (hi > last.Hi) merged[^1] = (last.Lo, hi);
                    continue;
                }
            }
            merged.Add((lo, hi));
        }
        return new AddressIntervals(family, merged);
    }

    public AddressIntervals Union(AddressIntervals other) => Normalize(Family, _ranges.Concat(other._ranges));

    public AddressIntervals Subtract(AddressIntervals other)
    {
        var result = new List<(UInt128 Lo, UInt128 Hi)>();
        foreach (var (lo, hi) in _ranges)
        {
            UInt128 start = lo;
            bool done = false;
            foreach (var (olo, ohi) in other._ranges)
            {
                if (ohi < start) continue;
                if (olo > hi) break;
                if (olo > start) result.Add((start, olo - 1));
                if (ohi >= hi)
                {
                    done = true;
                    break;
                }
                start = ohi + 1;
            }
            if (!done) result.Add((start, hi));
        }
        return new AddressIntervals(Family, result);
    }

    public AddressIntervals Intersect(AddressIntervals other) => Subtract(Subtract(other));

    /// <summary>The elements as nft writes them: an address, a prefix (a/len) or a range (a-b).</summary>
    public IReadOnlyList<string> Elements() => _ranges.Select(r => Element(r.Lo, r.Hi)).ToList();

    /// <summary>True when the set is exactly one prefix (so it can stand inline in a rule).</summary>
    public bool IsSinglePrefix => _ranges.Count == 1 && PrefixLength(_ranges[0].Lo, _ranges[0].Hi) is not null;

    private string Element(UInt128 lo, UInt128 hi)
    {
        if (PrefixLength(lo, hi) is { } length)
        {
            return length == Bits ? Address(lo) : $"{Address(lo)}/{length}";
        }
        return $"{Address(lo)}-{Address(hi)}";
    }

    /// <summary>The prefix length when [lo, hi] is exactly one prefix, else null.</summary>
    private int? PrefixLength(UInt128 lo, UInt128 hi)
    {
        if (lo == 0 && hi == Max) return 0;
        UInt128 size = hi - lo + 1;
        if ((size & (size - 1)) != 0 || lo % size != 0) return null;
        int hostBits = 0;
        while (size > 1)
        {
            size >>= 1;
            hostBits++;
        }
        return Bits - hostBits;
    }

    private string Address(UInt128 value)
    {
        int count = Family == IpFamily.V4 ? 4 : 16;
        var bytes = new byte[count];
        for (int i = count - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return new IPAddress(bytes).ToString();
    }

    public override string ToString() => string.Join(", ", Elements());
}

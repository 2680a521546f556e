using System.Collections.Immutable;

namespace PolicyKit.Tables.Model;

public enum AddressFamily : byte
{
    V4 = 4,
    V6 = 6,
}

/// <summary>
/// An inclusive range of addresses. IPv4 addresses are numbers in the low 32 bits, so ranges of
/// both families order and compare as plain integers (family first).
/// </summary>
public readonly record struct AddressRange(AddressFamily Family, UInt128 First, UInt128 Last) : IComparable<AddressRange>
{
    public bool Contains(AddressFamily family, UInt128 address) => family == Family && address >= First && address <= Last;

    public int CompareTo(AddressRange other)
    {
        int c = Family.CompareTo(other.Family);
        if (c != 0) return c;
        c = First.CompareTo(other.First);
        return c != 0 ? c : Last.CompareTo(other.Last);
    }

    public override string ToString() => First == Last
        ? AddressText.Format(Family, First)
        : $"{AddressText.Format(Family, First)}-{AddressText.Format(Family, Last)}";
}

/// <summary>
/// A set of addresses as sorted, disjoint, non-adjacent ranges — the normal form the engine
/// searches with a binary search. <see cref="Any"/> (no ranges, <c>IsAny</c> set) matches every address.
/// </summary>
public sealed record RangeSet(ImmutableArray<AddressRange> Ranges, bool IsAny = false)
{
    public static readonly RangeSet Any = new([], true);

    public static readonly RangeSet Empty = new([]);

    /// <summary>Normalises: sorts, merges overlapping and adjacent ranges of the same family.</summary>
    public static RangeSet From(IEnumerable<AddressRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r).ToList();
        var merged = new List<AddressRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.Family == range.Family && (range.First <= last.Last || (last.Last != UInt128.MaxValue && range.First == last.Last + 1)))
                {
                    merged[^1] = last with { Last = UInt128.Max(last.Last, range.Last) };
                    continue;
                }
            }
            merged.Add(range);
        }
        return new RangeSet(merged.ToImmutableArray());
    }

    /// <summary>Binary search over the ranges: O(log n), no allocation.</summary>
    public bool Contains(AddressFamily family, UInt128 address)
    {
        if (IsAny) return true;
        var ranges = Ranges.AsSpan();
        int low = 0, high = ranges.Length - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            ref readonly var range = ref ranges[mid];
            if (range.Family < family || (range.Family == family && range.Last < address)) low = mid + 1;
            else if (range.Family > family || range.First > address) high = mid - 1;
            else return true;
        }
        return false;
    }

    public bool Equals(RangeSet? other) => other is not null && IsAny == other.IsAny && Ranges.SequenceEqual(other.Ranges);

    public override int GetHashCode() => HashCode.Combine(IsAny, Ranges.Length);

    public override string ToString() => IsAny ? "any" : string.Join(", ", Ranges);
}

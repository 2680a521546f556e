using System.Runtime.InteropServices;

namespace PolicyKit.Engine.Analysis;

/// <summary>
/// A set of numbers (addresses, prefix lengths) as sorted, disjoint, non-adjacent inclusive
/// intervals. Immutable; the operations are linear merges. One axis of a <see cref="Box"/>.
/// </summary>
public sealed class IntervalSet : IEquatable<IntervalSet>
{
    // lo0, hi0, lo1, hi1, … with hi(i) + 1 < lo(i+1).
    private readonly UInt128[] _bounds;

    private IntervalSet(UInt128[] bounds) => _bounds = bounds;

    public static readonly IntervalSet Empty = new([]);

    public static IntervalSet Range(UInt128 first, UInt128 last) => first > last ? Empty : new([first, last]);

    public static IntervalSet Point(UInt128 value) => new([value, value]);

    /// <summary>Normalises any intervals (unsorted, overlapping, adjacent) into a set.</summary>
    public static IntervalSet From(IEnumerable<(UInt128 First, UInt128 Last)> intervals)
    {
        var list = intervals.Where(i => i.First <= i.Last).ToList();
        if (list.Count == 0) return Empty;
        list.Sort((a, b) => a.First.CompareTo(b.First));
        var bounds = new List<UInt128>(list.Count * 2);
        var (lo, hi) = list[0];
        for (int i = 1; i < list.Count; i++)
        {
            var (l, h) = list[i];
            if (hi == UInt128.MaxValue || l <= hi + 1)
            {
                if (h > hi) hi = h;
                continue;
            }
            bounds.Add(lo);
            bounds.Add(hi);
            (lo, hi) = (l, h);
        }
        bounds.Add(lo);
        bounds.Add(hi);
        return new([.. bounds]);
    }

    public int Count => _bounds.Length / 2;

    public bool IsEmpty => _bounds.Length == 0;

    public (UInt128 First, UInt128 Last) this[int index] => (_bounds[index * 2], _bounds[index * 2 + 1]);

    public IEnumerable<(UInt128 First, UInt128 Last)> Intervals
    {
        get
        {
            for (int i = 0; i < _bounds.Length; i += 2) yield return (_bounds[i], _bounds[i + 1]);
        }
    }

    /// <summary>The smallest member (a witness); the set must not be empty.</summary>
    public UInt128 Min => _bounds[0];

    /// <summary>How many numbers the set holds (saturating at <see cref="UInt128.MaxValue"/>).</summary>
    public UInt128 Size
    {
        get
        {
            UInt128 total = 0;
            for (int i = 0; i < _bounds.Length; i += 2)
            {
                UInt128 width = _bounds[i + 1] - _bounds[i];
                if (width == UInt128.MaxValue || UInt128.MaxValue - total <= width) return UInt128.MaxValue;
                total += width + 1;
            }
            return total;
        }
    }

    public bool Contains(UInt128 value)
    {
        int lo = 0, hi = Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_bounds[mid * 2 + 1] < value) lo = mid + 1;
            else if (_bounds[mid * 2] > value) hi = mid - 1;
            else return true;
        }
        return false;
    }

    /// <summary>True when every member of <paramref name="other"/> is a member of this set.</summary>
    public bool Covers(IntervalSet other) => other.Subtract(this).IsEmpty;

    public IntervalSet Intersect(IntervalSet other)
    {
        if (IsEmpty || other.IsEmpty) return Empty;
        if (ReferenceEquals(this, other)) return this;
        var result = new List<UInt128>();
        int i = 0, j = 0;
        var a = _bounds;
        var b = other._bounds;
        while (i < a.Length && j < b.Length)
        {
            UInt128 lo = UInt128.Max(a[i], b[j]);
            UInt128 hi = UInt128.Min(a[i + 1], b[j + 1]);
            if (lo <= hi)
            {
                result.Add(lo);
                result.Add(hi);
            }
            if (a[i + 1] < b[j + 1]) i += 2;
            else j += 2;
        }
        return Same(result, a) ? this : Same(result, b) ? other : new([.. result]);
    }

    public IntervalSet Subtract(IntervalSet other)
    {
        if (IsEmpty || other.IsEmpty) return this;
        var result = new List<UInt128>();
        var a = _bounds;
        var b = other._bounds;
        int j = 0;
        for (int i = 0; i < a.Length; i += 2)
        {
            UInt128 start = a[i], end = a[i + 1];
            bool done = false;
            while (j < b.Length && b[j + 1] < start) j += 2;
            for (int k = j; k < b.Length && b[k] <= end; k += 2)
            {
                if (b[k] > start)
                {
                    result.Add(start);
                    result.Add(b[k] - 1);
                }
                if (b[k + 1] >= end)
                {
                    done = true;
                    break;
                }
                start = b[k + 1] + 1;
            }
            if (!done)
            {
                result.Add(start);
                result.Add(end);
            }
        }
        return Same(result, a) ? this : new([.. result]);
    }

    public IntervalSet Union(IntervalSet other)
    {
        if (other.IsEmpty) return this;
        if (IsEmpty) return other;
        return From(Intervals.Concat(other.Intervals));
    }

    private static bool Same(List<UInt128> list, UInt128[] bounds) => CollectionsMarshal.AsSpan(list).SequenceEqual(bounds);

    public bool Equals(IntervalSet? other) => other is not null && (ReferenceEquals(this, other) || _bounds.AsSpan().SequenceEqual(other._bounds));

    public override bool Equals(object? obj) => obj is IntervalSet other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_bounds.Length);
        if (_bounds.Length > 0)
        {
            hash.Add(_bounds[0]);
            hash.Add(_bounds[^1]);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", Intervals.Select(i => i.First == i.Last ? $"{i.First}" : $"{i.First}-{i.Last}"));
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Matching;

/// <summary>
/// A set of addresses ready for lookup: per family, sorted disjoint ranges in two parallel arrays
/// (IPv4 as 32-bit numbers, so the common case compares machine words). Membership is a binary
/// search: O(log n), no allocation.
/// </summary>
internal sealed class CompiledSet
{
    public static readonly CompiledSet Any = new(true, [], [], [], []);

    private readonly bool _any;
    private readonly uint[] _v4First;
    private readonly uint[] _v4Last;
    private readonly UInt128[] _v6First;
    private readonly UInt128[] _v6Last;

    private CompiledSet(bool any, uint[] v4First, uint[] v4Last, UInt128[] v6First, UInt128[] v6Last)
    {
        _any = any;
        _v4First = v4First;
        _v4Last = v4Last;
        _v6First = v6First;
        _v6Last = v6Last;
    }

    public bool IsAny => _any;

    /// <summary>True when the set is exactly one IPv4 range (then <paramref name="first"/>..<paramref name="last"/>): checked inline by the matchers.</summary>
    public bool IsSingleV4(out uint first, out uint last)
    {
        bool single = !_any && _v4First.Length == 1 && _v6First.Length == 0;
        first = single ? _v4First[0] : 0;
        last = single ? _v4Last[0] : 0;
        return single;
    }

    /// <summary>Null (not written) and <c>any</c> both match everything.</summary>
    public static CompiledSet From(RangeSet? set)
    {
        if (set is null || set.IsAny) return Any;
        var normal = RangeSet.From(set.Ranges);
        var v4 = normal.Ranges.Where(r => r.Family == AddressFamily.V4).ToArray();
        var v6 = normal.Ranges.Where(r => r.Family == AddressFamily.V6).ToArray();
        return new CompiledSet(
            false,
            v4.Select(r => (uint)r.First).ToArray(),
            v4.Select(r => (uint)r.Last).ToArray(),
            v6.Select(r => r.First).ToArray(),
            v6.Select(r => r.Last).ToArray());
    }

    public bool Contains(in Address address) => Contains(address.Family, address.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(AddressFamily family, UInt128 value)
    {
        if (_any) return true;
        return family == AddressFamily.V4 ? ContainsV4((uint)value) : ContainsV6(value);
    }

    private bool ContainsV4(uint value)
    {
        int n = _v4First.Length;
        if (n == 0) return false;
        ref uint first = ref MemoryMarshal.GetArrayDataReference(_v4First);
        if (value < first) return false;
        // The last range whose first address is <= value, without branches on the data.
        int lo = BranchFree.LastAtMost(ref first, n, value);
        return value <= _v4Last[lo];
    }

    private bool ContainsV6(UInt128 value)
    {
        int n = _v6First.Length;
        if (n == 0 || value < _v6First[0]) return false;
        int lo = 0;
        while (n > 1)
        {
            int half = n >> 1;
            if (_v6First[lo + half] <= value) lo += half;
            n -= half;
        }
        return value <= _v6Last[lo];
    }
}

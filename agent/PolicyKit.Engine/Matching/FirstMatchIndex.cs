using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Matching;

/// <summary>One entry of a first-match list: the channel (S,G) it matches and the reporting host (null = any).</summary>
internal readonly record struct MatchEntry(RangeSet? Sources, RangeSet? Groups, RangeSet? From);

/// <summary>
/// A first-match list (filter rules, or cost classes in a limit's order) compiled for lookup.
/// <para>
/// The group axis is cut into elementary intervals (the boundaries of every entry's group ranges,
/// per family). Each interval holds, in order, the entries whose groups cover it, cut off after
/// the first entry that constrains nothing else (it always matches there, so later entries never
/// decide). Adjacent intervals with the same candidates are merged.
/// </para>
/// <para>
/// Layout, for the cache: intervals are stored in nodes of 16 — the 16 boundaries (one cache line)
/// followed by their 16 cells of 8 bytes — and a summary of every node's first boundary (small
/// enough to stay in L1) is searched first. A cell holds the first candidate, its source check as an
/// index into a small table of distinct IPv4 source ranges, and what follows it as an index into a
/// small table of distinct remainders (typically the filter's final rule, which always matches). So
/// the usual lookup reads the summary, one node's boundary line and one cell line, and returns.
/// Other cases (host terms, sets of several ranges, longer candidate lists) take the general path:
/// per-entry checks by binary search.
/// </para>
/// Build: O(R·I) in the worst case (R entries, I intervals), linear for the usual disjoint ranges.
/// Lookup: O(log I + c·log s), no allocation.
/// </summary>
internal sealed class FirstMatchIndex
{
    private const byte AnyKind = 0;
    private const byte RangeKind = 1;
    private const byte SetKind = 2;

    /// <summary>How one entry checks source and host: any, one IPv4 range, or a set.</summary>
    internal struct Check
    {
        public byte SourceKind;
        public byte FromKind;
        public uint SourceFirst;
        public uint SourceLast;
        public uint FromFirst;
        public uint FromLast;
        public CompiledSet? SourceSet;
        public CompiledSet? FromSet;
    }

    /// <summary>
    /// An interval's candidates in 8 bytes. <see cref="First"/>: the first candidate, -1 for none.
    /// <see cref="Source"/>: 0 it needs no check, k &gt; 0 its source must lie in IPv4 range k of the
    /// range table (and it has no host term), -1 the general check. <see cref="Rest"/>: -1 nothing
    /// follows, else an index into the remainder table.
    /// </summary>
    internal struct Cell
    {
        public int First;
        public short Source;
        public short Rest;
    }

    [InlineArray(16)]
    internal struct Bounds16
    {
        private uint _element;
    }

    [InlineArray(16)]
    internal struct Cells16
    {
        private Cell _element;
    }

    /// <summary>16 intervals: their first addresses, then their cells.</summary>
    internal struct Node
    {
        public Bounds16 Starts;
        public Cells16 Cells;
    }

    private readonly Check[] _checks;
    private readonly uint[] _rangeFirst;
    private readonly uint[] _rangeLast;
    private readonly int[] _rests;      // ≥ 0: one entry that always matches; ≤ -2: list at -(value) - 2 in _lists
    private readonly int[] _lists;      // count, then entries
    private readonly Axis32 _v4;
    private readonly Axis128 _v6;

    public FirstMatchIndex(IReadOnlyList<MatchEntry> entries, SetCache? sets = null)
    {
        sets ??= new SetCache();
        Count = entries.Count;
        _checks = new Check[entries.Count];
        var unconstrained = new bool[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            ref var check = ref _checks[i];
            check.SourceKind = Kind(sets.Get(entries[i].Sources), out check.SourceFirst, out check.SourceLast, out check.SourceSet);
            check.FromKind = Kind(sets.Get(entries[i].From), out check.FromFirst, out check.FromLast, out check.FromSet);
            unconstrained[i] = check.SourceKind == AnyKind && check.FromKind == AnyKind;
        }

        var builder = new CellBuilder(_checks, unconstrained);
        var v4 = Intervals(entries, AddressFamily.V4, unconstrained);
        var v6 = Intervals(entries, AddressFamily.V6, unconstrained);
        _v4 = new Axis32(v4.Starts.Select(s => (uint)s).ToArray(), v4.Lists.Select(builder.Cell).ToArray());
        _v6 = new Axis128(v6.Starts, v6.Lists.Select(builder.Cell).ToArray());
        _rangeFirst = [.. builder.RangeFirst];
        _rangeLast = [.. builder.RangeLast];
        _rests = [.. builder.Rests];
        _lists = [.. builder.Lists];
    }

    public int Count { get; }

    /// <summary>Number of elementary intervals (both families), for tests and sizing.</summary>
    public int IntervalCount => _v4.Count + _v6.Count;

    private static byte Kind(CompiledSet set, out uint first, out uint last, out CompiledSet? general)
    {
        general = null;
        first = last = 0;
        if (set.IsAny) return AnyKind;
        if (set.IsSingleV4(out first, out last)) return RangeKind;
        general = set;
        return SetKind;
    }

    /// <summary>
    /// The index of the first entry matching group <paramref name="group"/>, channel source
    /// <paramref name="source"/> and reporting host <paramref name="host"/>, or -1. An entry with
    /// a <c>from</c> term never matches when the host is unknown (<see cref="Address.None"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in Address group, in Address source, in Address host)
    {
        Cell cell = group.Family == AddressFamily.V4 ? _v4.Find(group.Low32) : _v6.Find(group.Value);
        int first = cell.First;
        if (first < 0) return -1;
        int s = cell.Source;
        if (s == 0) return first;
        if (s > 0)
        {
            if (source.Family == AddressFamily.V4 && source.Low32 - _rangeFirst[s] <= _rangeLast[s] - _rangeFirst[s]) return first;
        }
        else if (Matches(first, source, host))
        {
            return first;
        }
        if (cell.Rest < 0) return -1;
        int rest = _rests[cell.Rest];
        return rest >= 0 ? rest : FindInList(-rest - 2, source, host);
    }

    private int FindInList(int at, in Address source, in Address host)
    {
        int count = _lists[at];
        for (int k = 1; k <= count; k++)
        {
            int i = _lists[at + k];
            if (Matches(i, source, host)) return i;
        }
        return -1;
    }

    private bool Matches(int i, in Address source, in Address host)
    {
        ref readonly var check = ref _checks[i];
        if (check.SourceKind != AnyKind && !Passes(check.SourceKind, check.SourceFirst, check.SourceLast, check.SourceSet, source)) return false;
        if (check.FromKind != AnyKind && (host.IsNone || !Passes(check.FromKind, check.FromFirst, check.FromLast, check.FromSet, host))) return false;
        return true;
    }

    private static bool Passes(byte kind, uint first, uint last, CompiledSet? set, in Address address) =>
        kind == RangeKind
            ? address.Family == AddressFamily.V4 && address.Low32 - first <= last - first
            : set!.Contains(address.Family, address.Value);

    /// <summary>The elementary intervals of one family and each one's candidates in order.</summary>
    private static (UInt128[] Starts, List<int>[] Lists) Intervals(IReadOnlyList<MatchEntry> entries, AddressFamily family, bool[] unconstrained)
    {
        UInt128 max = family == AddressFamily.V4 ? uint.MaxValue : UInt128.MaxValue;
        var cuts = new SortedSet<UInt128> { UInt128.Zero };
        foreach (var entry in entries)
        {
            if (entry.Groups is null || entry.Groups.IsAny) continue;
            foreach (var range in entry.Groups.Ranges)
            {
                if (range.Family != family) continue;
                cuts.Add(range.First);
                if (range.Last < max) cuts.Add(range.Last + 1);
            }
        }
        var starts = cuts.ToArray();
        var lists = new List<int>?[starts.Length];
        var closed = new bool[starts.Length];
        for (int i = 0; i < entries.Count; i++)
        {
            var groups = entries[i].Groups;
            bool final = unconstrained[i];
            if (groups is null || groups.IsAny)
            {
                for (int k = 0; k < starts.Length; k++) Append(k);
                continue;
            }
            foreach (var range in RangeSet.From(groups.Ranges).Ranges)
            {
                if (range.Family != family) continue;
                int a = Array.BinarySearch(starts, range.First);
                int b = range.Last < max ? Array.BinarySearch(starts, range.Last + 1) - 1 : starts.Length - 1;
                for (int k = a; k <= b; k++) Append(k);
            }

            void Append(int k)
            {
                if (closed[k]) return;
                (lists[k] ??= []).Add(i);
                if (final) closed[k] = true;
            }
        }

        // Merge neighbours with equal candidates.
        var mergedStarts = new List<UInt128>(starts.Length);
        var mergedLists = new List<List<int>>(starts.Length);
        for (int k = 0; k < starts.Length; k++)
        {
            var list = lists[k] ?? [];
            if (k > 0 && list.SequenceEqual(mergedLists[^1])) continue;
            mergedStarts.Add(starts[k]);
            mergedLists.Add(list);
        }
        return ([.. mergedStarts], [.. mergedLists]);
    }

    /// <summary>Builds cells, sharing source ranges and remainders between them.</summary>
    private sealed class CellBuilder(Check[] checks, bool[] unconstrained)
    {
        private readonly Dictionary<(uint, uint), short> _ranges = [];
        private readonly Dictionary<string, short> _rests = [];

        public List<uint> RangeFirst { get; } = [0];

        public List<uint> RangeLast { get; } = [0];

        public List<int> Rests { get; } = [];

        public List<int> Lists { get; } = [];

        public Cell Cell(List<int> candidates)
        {
            if (candidates.Count == 0) return new Cell { First = -1, Source = 0, Rest = -1 };
            int first = candidates[0];
            var check = checks[first];
            short source = unconstrained[first] ? (short)0
                : check.FromKind == AnyKind && check.SourceKind == RangeKind ? Range(check.SourceFirst, check.SourceLast)
                : (short)-1;
            return new Cell { First = first, Source = source, Rest = Rest(candidates.Skip(1).ToList()) };
        }

        private short Range(uint first, uint last)
        {
            if (_ranges.TryGetValue((first, last), out short index)) return index;
            if (RangeFirst.Count >= short.MaxValue) return -1;   // too many distinct ranges: the general check
            index = (short)RangeFirst.Count;
            RangeFirst.Add(first);
            RangeLast.Add(last);
            _ranges.Add((first, last), index);
            return index;
        }

        private short Rest(List<int> rest)
        {
            if (rest.Count == 0) return -1;
            string key = string.Join(',', rest);
            if (_rests.TryGetValue(key, out short index)) return index;
            int value;
            if (rest.Count == 1 && unconstrained[rest[0]])
            {
                value = rest[0];
            }
            else
            {
                value = -Lists.Count - 2;
                Lists.Add(rest.Count);
                Lists.AddRange(rest);
            }
            if (Rests.Count >= short.MaxValue) throw new NotSupportedException("more than 32767 distinct candidate lists in one filter");
            index = (short)Rests.Count;
            Rests.Add(value);
            _rests.Add(key, index);
            return index;
        }
    }

    /// <summary>
    /// IPv4 group axis as a 16-ary search tree (an S-tree): leaves of 16 boundaries and their 16
    /// cells; above them levels of nodes holding the first boundary of 16 children, up to one root.
    /// Each level is one 64-byte node compared with the group in two 8-lane vector comparisons; the
    /// number of boundaries ≤ the group picks the child. 20,000 intervals are 4 levels: 4 dependent
    /// cache-line loads per lookup, no data-dependent branch.
    /// </summary>
    private sealed class Axis32
    {
        private readonly Bounds16[][] _levels;    // root level first
        private readonly int[] _children;         // number of nodes below each level
        private readonly Node[] _leaves;

        public Axis32(uint[] starts, Cell[] cells)
        {
            Count = starts.Length;
            int leaves = (starts.Length + 15) / 16;
            _leaves = new Node[leaves];
            for (int n = 0; n < leaves; n++)
            {
                ref var node = ref _leaves[n];
                for (int k = 0; k < 16; k++)
                {
                    int i = n * 16 + k;
                    // Past the end: the largest address, never selected (the count is clamped to the real entries).
                    node.Starts[k] = i < starts.Length ? starts[i] : uint.MaxValue;
                    node.Cells[k] = i < starts.Length ? cells[i] : cells[^1];
                }
            }
            var levels = new List<Bounds16[]>();
            var children = new List<int>();
            var firsts = Enumerable.Range(0, leaves).Select(n => starts[n * 16]).ToArray();
            while (firsts.Length > 1 || levels.Count == 0)
            {
                int count = (firsts.Length + 15) / 16;
                var level = new Bounds16[count];
                for (int n = 0; n < count; n++)
                {
                    for (int k = 0; k < 16; k++)
                    {
                        int i = n * 16 + k;
                        level[n][k] = i < firsts.Length ? firsts[i] : uint.MaxValue;
                    }
                }
                levels.Add(level);
                children.Add(firsts.Length);
                firsts = Enumerable.Range(0, count).Select(n => firsts[n * 16]).ToArray();
            }
            levels.Reverse();
            children.Reverse();
            _levels = [.. levels];
            _children = [.. children];
        }

        public int Count { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Cell Find(uint value)
        {
            int node = 0;
            var levels = _levels;
            for (int l = 0; l < levels.Length; l++)
            {
                int below = CountAtMost(ref levels[l][node], value);
                node = Math.Min(node * 16 + below - 1, _children[l] - 1);
            }
            ref var leaf = ref _leaves[node];
            int k = Math.Min(CountAtMost(ref leaf.Starts, value), Count - node * 16) - 1;
            return leaf.Cells[k];
        }

        /// <summary>How many of the 16 sorted boundaries are ≤ value (at least 1 on the search path: each node's first boundary is).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int CountAtMost(ref Bounds16 keys, uint value)
        {
            ref uint first = ref Unsafe.As<Bounds16, uint>(ref keys);
            var probe = Vector256.Create(value);
            uint low = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref first), probe).ExtractMostSignificantBits();
            uint high = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref first, 8), probe).ExtractMostSignificantBits();
            return BitOperations.PopCount(low | (high << 8));
        }
    }

    /// <summary>IPv6 group axis: a plain binary search (IPv6 multicast is rarer on the hot path).</summary>
    private sealed class Axis128(UInt128[] starts, Cell[] cells)
    {
        public int Count => starts.Length;

        public Cell Find(UInt128 value)
        {
            int n = starts.Length;
            int lo = 0;
            while (n > 1)
            {
                int half = n >> 1;
                if (starts[lo + half] <= value) lo += half;
                n -= half;
            }
            return cells[lo];
        }
    }
}

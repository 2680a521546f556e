using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyKit.Engine.State;

/// <summary>
/// Pre-sized state storage with expiry, laid out for the cache: each entry is one contiguous
/// record (key, value, expiry, heap position) in a slot array; an open-addressing index (linear
/// probing, 8-byte buckets holding a 32-bit hash fingerprint and the slot) maps keys to slots, so a
/// lookup touches one index line and one record. Slots are stable (a free list reuses them; index
/// deletion shifts buckets back, never records). A binary min-heap orders slots by expiry; a
/// refresh only writes the record's expiry (O(1)) and the heap keeps the older, earlier due time,
/// re-filing the slot when that time comes (lazy re-keying): each entry is in the heap at most
/// once, finding the next expired entry is O(1) when none is due and O(log n) per entry that
/// expires. Nothing allocates until the table outgrows its capacity (then it doubles, once).
/// </summary>
internal sealed class StateTable<TKey, TValue>
    where TKey : struct, IEquatable<TKey>
{
    public const long Never = long.MaxValue;

    private const int Free = -1;
    private const int NotInHeap = -2;

    private struct Record
    {
        public TKey Key;
        public TValue Value;
        public long Expiry;
        public int HeapPos;   // Free, NotInHeap (live, never expires), or the position in the heap
        public int Hash;
    }

    private Record[] _records;
    private ulong[] _buckets;   // 0 = empty; else hash << 32 | (slot + 1)
    private int _mask;
    private int[] _nextFree;
    private int[] _heap;
    private long[] _heapDue;
    private int _heapCount;
    private int _freeHead = -1;
    private int _highWater;
    private int _count;

    public StateTable(int capacity)
    {
        capacity = Math.Max(capacity, 4);
        _records = new Record[capacity];
        _nextFree = new int[capacity];
        _heap = new int[capacity];
        _heapDue = new long[capacity];
        _buckets = new ulong[BucketCount(capacity)];
        _mask = _buckets.Length - 1;
    }

    public int Count => _count;

    /// <summary>One past the highest slot ever used: iterate 0..HighWater and skip <see cref="IsLive"/> false.</summary>
    public int HighWater => _highWater;

    public bool IsLive(int slot) => _records[slot].HeapPos != Free;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in TKey key)
    {
        uint hash = (uint)key.GetHashCode();
        ref ulong buckets = ref MemoryMarshal.GetArrayDataReference(_buckets);
        var records = _records;
        for (int i = (int)hash & _mask; ; i = (i + 1) & _mask)
        {
            ulong bucket = Unsafe.Add(ref buckets, i);
            if (bucket == 0) return -1;
            if ((uint)(bucket >> 32) == hash)
            {
                int slot = (int)(uint)bucket - 1;
                if (records[slot].Key.Equals(key)) return slot;
            }
        }
    }

    public ref readonly TKey Key(int slot) => ref _records[slot].Key;

    public ref TValue Value(int slot) => ref _records[slot].Value;

    public long Expiry(int slot) => _records[slot].Expiry;

    public int Add(in TKey key, in TValue value, long expiry)
    {
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _nextFree[slot];
        }
        else
        {
            if (_highWater == _records.Length) Grow();
            slot = _highWater++;
        }
        int hash = key.GetHashCode();
        ref var record = ref _records[slot];
        record.Key = key;
        record.Value = value;
        record.Expiry = expiry;
        record.Hash = hash;
        record.HeapPos = NotInHeap;
        Insert(hash, slot);
        _count++;
        if (expiry != Never) HeapInsert(slot, expiry);
        return slot;
    }

    /// <summary>
    /// A refresh: moves the expiry later (never earlier, as time only advances and timeouts are
    /// fixed). Writes the record only; the heap catches up lazily when the older due time comes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Extend(int slot, long expiry)
    {
        ref var record = ref _records[slot];
        if (expiry > record.Expiry)
        {
            if (record.HeapPos == NotInHeap && expiry != Never) SetExpirySlow(slot, expiry, NotInHeap);
            record.Expiry = expiry;
        }
    }

    /// <summary>Sets a new expiry. Later than before: O(1) (the heap catches up lazily); earlier: O(log n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetExpiry(int slot, long expiry)
    {
        ref var record = ref _records[slot];
        record.Expiry = expiry;
        int pos = record.HeapPos;
        if (pos >= 0 && expiry >= _heapDue[pos]) return;
        SetExpirySlow(slot, expiry, pos);
    }

    private void SetExpirySlow(int slot, long expiry, int pos)
    {
        if (pos == NotInHeap)
        {
            if (expiry != Never) HeapInsert(slot, expiry);
        }
        else
        {
            _heapDue[pos] = expiry;
            SiftUp(pos);
        }
    }

    public void Remove(int slot)
    {
        ref var record = ref _records[slot];
        if (record.HeapPos >= 0) HeapRemoveAt(record.HeapPos);
        Delete(record.Hash, slot);
        record = default;
        record.HeapPos = Free;
        _nextFree[slot] = _freeHead;
        _freeHead = slot;
        _count--;
    }

    /// <summary>The slot of an entry whose expiry is at or before <paramref name="now"/>, or -1. The caller removes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextExpired(long now) => _heapCount == 0 || _heapDue[0] > now ? -1 : NextExpiredSlow(now);

    private int NextExpiredSlow(long now)
    {
        while (_heapCount > 0 && _heapDue[0] <= now)
        {
            int slot = _heap[0];
            long expiry = _records[slot].Expiry;
            if (expiry <= now) return slot;
            // Refreshed since it was filed: file it again under its current expiry.
            if (expiry == Never)
            {
                HeapRemoveAt(0);
            }
            else
            {
                _heapDue[0] = expiry;
                SiftDown(0);
            }
        }
        return -1;
    }

    private static int BucketCount(int capacity)
    {
        // At most half full: short probe sequences.
        int buckets = 8;
        while (buckets < capacity * 2) buckets <<= 1;
        return buckets;
    }

    private void Insert(int hash, int slot)
    {
        ulong bucket = ((ulong)(uint)hash << 32) | (uint)(slot + 1);
        int i = hash & _mask;
        while (_buckets[i] != 0) i = (i + 1) & _mask;
        _buckets[i] = bucket;
    }

    /// <summary>Removes the slot's bucket and shifts later buckets of the probe run back (no tombstones).</summary>
    private void Delete(int hash, int slot)
    {
        int i = hash & _mask;
        while ((int)(uint)_buckets[i] - 1 != slot) i = (i + 1) & _mask;
        int j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            ulong bucket = _buckets[j];
            if (bucket == 0) break;
            int home = (int)(bucket >> 32) & _mask;
            // Move it back when its home is not cyclically within (i, j].
            bool between = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!between)
            {
                _buckets[i] = bucket;
                i = j;
            }
        }
        _buckets[i] = 0;
    }

    private void Grow()
    {
        int size = _records.Length * 2;
        Array.Resize(ref _records, size);
        Array.Resize(ref _nextFree, size);
        Array.Resize(ref _heap, size);
        Array.Resize(ref _heapDue, size);
        _buckets = new ulong[BucketCount(size)];
        _mask = _buckets.Length - 1;
        for (int slot = 0; slot < _highWater; slot++)
        {
            if (_records[slot].HeapPos != Free) Insert(_records[slot].Hash, slot);
        }
    }

    private void HeapInsert(int slot, long due)
    {
        int pos = _heapCount++;
        _heap[pos] = slot;
        _heapDue[pos] = due;
        _records[slot].HeapPos = pos;
        SiftUp(pos);
    }

    private void HeapRemoveAt(int pos)
    {
        int last = --_heapCount;
        int slot = _heap[pos];
        _records[slot].HeapPos = NotInHeap;
        if (pos == last) return;
        _heap[pos] = _heap[last];
        _heapDue[pos] = _heapDue[last];
        _records[_heap[pos]].HeapPos = pos;
        if (pos > 0 && _heapDue[pos] < _heapDue[(pos - 1) >> 1]) SiftUp(pos);
        else SiftDown(pos);
    }

    private void SiftUp(int pos)
    {
        int slot = _heap[pos];
        long due = _heapDue[pos];
        while (pos > 0)
        {
            int parent = (pos - 1) >> 1;
            if (_heapDue[parent] <= due) break;
            _heap[pos] = _heap[parent];
            _heapDue[pos] = _heapDue[parent];
            _records[_heap[pos]].HeapPos = pos;
            pos = parent;
        }
        _heap[pos] = slot;
        _heapDue[pos] = due;
        _records[slot].HeapPos = pos;
    }

    private void SiftDown(int pos)
    {
        int slot = _heap[pos];
        long due = _heapDue[pos];
        while (true)
        {
            int child = 2 * pos + 1;
            if (child >= _heapCount) break;
            if (child + 1 < _heapCount && _heapDue[child + 1] < _heapDue[child]) child++;
            if (_heapDue[child] >= due) break;
            _heap[pos] = _heap[child];
            _heapDue[pos] = _heapDue[child];
            _records[_heap[pos]].HeapPos = pos;
            pos = child;
        }
        _heap[pos] = slot;
        _heapDue[pos] = due;
        _records[slot].HeapPos = pos;
    }
}

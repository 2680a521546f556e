using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace PolicyKit.Bmp.Rib;

/// <summary>
/// An open-addressing map from a packed route key to an int (an attribute id), 12–28 bytes a
/// route depending on the key: key and value side by side in one flat array of slots (one cache
/// miss per lookup; no per-entry objects, no buckets of pointers), linear probing, backward-shift
/// deletion, power-of-two sizes at ≤ 75 % load. Values are stored plus one so zero marks an empty slot.
///
/// <para><b>Cache misses.</b> The RIB of a full table is tens of MB and a hash scatters the routes
/// of one UPDATE over it: each insert is a cache miss, which was half of the station's time.
/// <see cref="Prefetch"/> lets the caller start those misses for every route of an UPDATE
/// before it inserts the first, so they overlap. (Keeping consecutive prefixes in consecutive
/// slots instead made linear probing cluster: 4× slower on a sorted dump.)</para>
/// </summary>
internal sealed class PrefixMap<TKey>
    where TKey : struct, IEquatable<TKey>
{
    /// <summary>Packed to 4 bytes: a ulong key and its value take 12 bytes, not 16.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot
    {
        public TKey Key;
        public int Value;
    }

    private Slot[] _slots;
    private int _mask;
    private int _shift;

    public PrefixMap(int capacity = 16)
    {
        int size = 16;
        while (size * 3 < capacity * 4) size *= 2;
        _slots = new Slot[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    /// <summary>Bytes held by the slots.</summary>
    public long Bytes => (long)_slots.Length * Unsafe.SizeOf<Slot>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(in TKey key, int shift) =>
        // Fibonacci hashing (the top bits of a 64-bit product): a packed prefix's own hash is weak in its low bits.
        (int)(((ulong)(uint)key.GetHashCode() * 0x9E3779B97F4A7C15UL) >> shift);

    /// <summary>Starts loading the cache line where <paramref name="key"/> would be (a hint: no effect on the contents).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(in TKey key)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Home(key, _shift)]));
    }

    public bool TryGetValue(in TKey key, out int value)
    {
        var slots = _slots;
        for (int i = Home(key, _shift); ; i = (i + 1) & _mask)
        {
            ref var slot = ref slots[i];
            if (slot.Value == 0) break;
            if (slot.Key.Equals(key))
            {
                value = slot.Value - 1;
                return true;
            }
        }
        value = -1;
        return false;
    }

    /// <summary>Sets the value; returns the previous one, or -1 when the key is new.</summary>
    public int Set(in TKey key, int value)
    {
        if ((Count + 1) * 4 > _slots.Length * 3) Grow();
        var slots = _slots;
        for (int i = Home(key, _shift); ; i = (i + 1) & _mask)
        {
            ref var slot = ref slots[i];
            int v = slot.Value;
            if (v == 0)
            {
                slot.Key = key;
                slot.Value = value + 1;
                Count++;
                return -1;
            }
            if (slot.Key.Equals(key))
            {
                slot.Value = value + 1;
                return v - 1;
            }
        }
    }

    /// <summary>Removes the key; returns its value, or -1 when it was absent.</summary>
    public int Remove(in TKey key)
    {
        var slots = _slots;
        int i = Home(key, _shift);
        while (true)
        {
            int v = slots[i].Value;
            if (v == 0) return -1;
            if (slots[i].Key.Equals(key)) break;
            i = (i + 1) & _mask;
        }
        int removed = slots[i].Value - 1;
        int hole = i;
        for (int j = (hole + 1) & _mask; slots[j].Value != 0; j = (j + 1) & _mask)
        {
            int home = Home(slots[j].Key, _shift);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = default;
        Count--;
        return removed;
    }

    /// <summary>Every entry (key, value); the map must not change during the walk.</summary>
    public IEnumerable<(TKey Key, int Value)> Entries()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Value != 0) yield return (_slots[i].Key, _slots[i].Value - 1);
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _mask = _slots.Length - 1;
        _shift--;
        for (int i = 0; i < old.Length; i++)
        {
            if (old[i].Value == 0) continue;
            int j = Home(old[i].Key, _shift);
            while (_slots[j].Value != 0) j = (j + 1) & _mask;
            _slots[j] = old[i];
        }
    }
}

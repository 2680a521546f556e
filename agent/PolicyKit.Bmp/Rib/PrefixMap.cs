using System.Runtime.CompilerServices;

namespace PolicyKit.Bmp.Rib;

/// <summary>
/// An open-addressing map from a packed route key to an int (an attribute id), 12–28 bytes a
/// route depending on the key: keys and values in two flat arrays (no per-entry objects, no
/// buckets of pointers), linear probing, backward-shift deletion, power-of-two sizes at ≤ 75 %
/// load. Values are stored plus one so zero marks an empty slot.
/// </summary>
internal sealed class PrefixMap<TKey>
    where TKey : struct, IEquatable<TKey>
{
    private TKey[] _keys;
    private int[] _values;
    private int _mask;
    private int _shift;

    public PrefixMap(int capacity = 16)
    {
        int size = 16;
        while (size * 3 < capacity * 4) size *= 2;
        _keys = new TKey[size];
        _values = new int[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    /// <summary>Bytes held by the arrays.</summary>
    public long Bytes => (long)_keys.Length * (Unsafe.SizeOf<TKey>() + sizeof(int));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(in TKey key, int shift) =>
        // Fibonacci hashing (the top bits of a 64-bit product): a packed prefix's own hash is weak in its low bits.
        (int)(((ulong)(uint)key.GetHashCode() * 0x9E3779B97F4A7C15UL) >> shift);

    public bool TryGetValue(in TKey key, out int value)
    {
        for (int i = Home(key, _shift); ; i = (i + 1) & _mask)
        {
            int v = _values[i];
            if (v == 0) break;
            if (_keys[i].Equals(key))
            {
                value = v - 1;
                return true;
            }
        }
        value = -1;
        return false;
    }

    /// <summary>Sets the value; returns the previous one, or -1 when the key is new.</summary>
    public int Set(in TKey key, int value)
    {
        for (int i = Home(key, _shift); ; i = (i + 1) & _mask)
        {
            int v = _values[i];
            if (v == 0)
            {
                if ((Count + 1) * 4 > _values.Length * 3)
                {
                    Grow();
                    return Set(key, value);
                }
                _keys[i] = key;
                _values[i] = value + 1;
                Count++;
                return -1;
            }
            if (_keys[i].Equals(key))
            {
                _values[i] = value + 1;
                return v - 1;
            }
        }
    }

    /// <summary>Removes the key; returns its value, or -1 when it was absent.</summary>
    public int Remove(in TKey key)
    {
        int i = Home(key, _shift);
        while (true)
        {
            int v = _values[i];
            if (v == 0) return -1;
            if (_keys[i].Equals(key)) break;
            i = (i + 1) & _mask;
        }
        int removed = _values[i] - 1;
        int hole = i;
        for (int j = (hole + 1) & _mask; _values[j] != 0; j = (j + 1) & _mask)
        {
            int home = Home(_keys[j], _shift);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _keys[hole] = _keys[j];
                _values[hole] = _values[j];
                hole = j;
            }
        }
        _values[hole] = 0;
        _keys[hole] = default;
        Count--;
        return removed;
    }

    /// <summary>Every entry (key, value); the map must not change during the walk.</summary>
    public IEnumerable<(TKey Key, int Value)> Entries()
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (_values[i] != 0) yield return (_keys[i], _values[i] - 1);
        }
    }

    public void Clear()
    {
        Array.Clear(_keys);
        Array.Clear(_values);
        Count = 0;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        _keys = new TKey[keys.Length * 2];
        _values = new int[values.Length * 2];
        _mask = _values.Length - 1;
        _shift--;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] == 0) continue;
            int j = Home(keys[i], _shift);
            while (_values[j] != 0) j = (j + 1) & _mask;
            _keys[j] = keys[i];
            _values[j] = values[i];
        }
    }
}

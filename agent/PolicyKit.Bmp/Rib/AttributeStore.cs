using System.Runtime.InteropServices;

namespace PolicyKit.Bmp.Rib;

/// <summary>
/// Interned path attributes of one router: every distinct attribute key (see
/// <see cref="Wire.UpdateDecoder.AttributeKey"/>) is stored once and routes refer to it by id,
/// with a reference count so an attribute set no route uses any more is freed. A full table has
/// a few hundred thousand distinct paths for a million prefixes, so a route costs 4 bytes of
/// attributes instead of ~60. Open addressing (linear probing, backward-shift deletion) over
/// ids; a lookup hashes the key once and compares bytes only on a full-hash match.
/// </summary>
internal sealed class AttributeStore
{
    private byte[]?[] _blobs = new byte[]?[1024];
    private int[] _refs = new int[1024];
    private int[] _hashes = new int[1024];
    private int[] _nextFree = new int[1024];
    private int _freeHead = -1;
    private int _highWater;
    private int[] _index = new int[2048]; // 0 empty, else id + 1
    private int _mask = 2047;

    public int Count { get; private set; }

    /// <summary>Bytes held in attribute keys (for memory telemetry).</summary>
    public long Bytes { get; private set; }

    public ReadOnlySpan<byte> Get(int id) => _blobs[id];

    public int References(int id) => _refs[id];

    /// <summary>The id of <paramref name="key"/>, stored on first sight. The caller adds a reference per route that uses it.</summary>
    public int Intern(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        for (int i = hash & _mask; ; i = (i + 1) & _mask)
        {
            int entry = _index[i];
            if (entry == 0) break;
            int id = entry - 1;
            if (_hashes[id] == hash && key.SequenceEqual(_blobs[id])) return id;
        }
        return Add(key, hash);
    }

    public void AddRef(int id) => _refs[id]++;

    /// <summary>Adds <paramref name="count"/> references at once (the routes of one UPDATE share its path).</summary>
    public void AddRefs(int id, int count) => _refs[id] += count;

    public void Release(int id)
    {
        if (--_refs[id] > 0) return;
        Remove(id);
    }

    /// <summary>Gives the arrays back once no path is held any more (every peer went down): ids are referenced by routes, so a partly used store keeps its size.</summary>
    public void TrimExcess()
    {
        if (Count != 0 || _blobs.Length == 1024) return;
        _blobs = new byte[]?[1024];
        _refs = new int[1024];
        _hashes = new int[1024];
        _nextFree = new int[1024];
        _freeHead = -1;
        _highWater = 0;
        _index = new int[2048];
        _mask = 2047;
        Bytes = 0;
    }

    /// <summary>Frees an interned key no route took a reference to (an update whose routes were all refused).</summary>
    public void ReleaseIfUnused(int id)
    {
        if (_refs[id] <= 0 && _blobs[id] is not null) Remove(id);
    }

    private int Add(ReadOnlySpan<byte> key, int hash)
    {
        if ((Count + 1) * 4 > _index.Length * 3) GrowIndex();
        int id;
        if (_freeHead >= 0)
        {
            id = _freeHead;
            _freeHead = _nextFree[id];
        }
        else
        {
            if (_highWater == _blobs.Length) GrowRecords();
            id = _highWater++;
        }
        _blobs[id] = key.ToArray();
        _hashes[id] = hash;
        _refs[id] = 0;
        Insert(id, hash);
        Count++;
        Bytes += key.Length;
        return id;
    }

    private void Remove(int id)
    {
        int hash = _hashes[id];
        int i = hash & _mask;
        while (_index[i] != id + 1) i = (i + 1) & _mask;
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        int hole = i;
        for (int j = (hole + 1) & _mask; _index[j] != 0; j = (j + 1) & _mask)
        {
            int home = _hashes[_index[j] - 1] & _mask;
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _index[hole] = _index[j];
                hole = j;
            }
        }
        _index[hole] = 0;
        Bytes -= _blobs[id]!.Length;
        _blobs[id] = null;
        _refs[id] = 0;
        _nextFree[id] = _freeHead;
        _freeHead = id;
        Count--;
    }

    private void Insert(int id, int hash)
    {
        int i = hash & _mask;
        while (_index[i] != 0) i = (i + 1) & _mask;
        _index[i] = id + 1;
    }

    private void GrowIndex()
    {
        _index = new int[_index.Length * 2];
        _mask = _index.Length - 1;
        for (int id = 0; id < _highWater; id++)
        {
            if (_blobs[id] is not null) Insert(id, _hashes[id]);
        }
    }

    private void GrowRecords()
    {
        int size = _blobs.Length * 2;
        Array.Resize(ref _blobs, size);
        Array.Resize(ref _refs, size);
        Array.Resize(ref _hashes, size);
        Array.Resize(ref _nextFree, size);
    }

    /// <summary>A 32-bit hash of the key: 8 bytes at a time, multiply-xorshift mixed (the index uses the low bits).</summary>
    private static int Hash(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (ulong w in words) h = (h ^ w) * 0xBF58476D1CE4E5B9UL;
        for (int i = words.Length * 8; i < key.Length; i++) h = (h ^ key[i]) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 29;
        return (int)h;
    }
}

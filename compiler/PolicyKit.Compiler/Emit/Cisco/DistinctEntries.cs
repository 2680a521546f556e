using System.Text;

namespace PolicyKit.Compiler.Emit.Cisco;

/// <summary>
/// ACL entries without repeats, in first-occurrence order: what <see cref="AclBook.Add"/> keeps of
/// any list. A filter's entries are rendered once per compile (and made distinct then), while
/// every device that uses the filter adds them to its book; the book need not look for repeats
/// again (tens of thousands of entries per device for a large join filter).
/// </summary>
/// <remarks>
/// Kept as UTF-8 (an entry is made a string only when read) with a hash index over the bytes:
/// the memo keeps a filter's entries for the whole compile and a book keeps its lists until the
/// device is written, and as strings in lists and hash sets a 20k-rule filter's 80k entries were
/// made, held and copied three times over (issue 18). An interface's ACL is built from the
/// filter's entries by copying their bytes (<see cref="Builder.AddRange"/>).
/// </remarks>
public sealed class DistinctEntries : IReadOnlyList<string>
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly byte[] _bytes;   // may be longer than the entries
    private readonly int[] _ends;     // _ends[i]: where entry i ends in _bytes (may be longer than Count)
    private readonly int _count;

    private DistinctEntries(byte[] bytes, int[] ends, int count)
    {
        _bytes = bytes;
        _ends = ends;
        _count = count;
    }

    public static DistinctEntries Of(IEnumerable<string> entries)
    {
        var builder = new Builder();
        foreach (var entry in entries) builder.Add(entry);
        return builder.Build();
    }

    public int Count => _count;

    /// <summary>Entry <paramref name="index"/> in UTF-8, without making it a string.</summary>
    public ReadOnlySpan<byte> Utf8Entry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        int start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }

    /// <summary>The length of entry <paramref name="index"/> in UTF-8 bytes.</summary>
    public int ByteLength(int index) => Utf8Entry(index).Length;

    public string this[int index] => Utf8.GetString(Utf8Entry(index));

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < _count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Collects entries, dropping repeats as they come (compared by their bytes).</summary>
    public sealed class Builder
    {
        private byte[] _bytes = new byte[256];
        private int _length;
        private int[] _ends = new int[16];
        private int _count;
        private int[] _slots = new int[32];   // open addressing: entry index + 1, 0 = free

        public int Count => _count;

        public void Add(string entry)
        {
            // Entries are written from their bytes (IosXeEmitter): the line-break check is made here.
            ConfigWriter.RefuseLineBreak(entry);
            int most = Utf8.GetMaxByteCount(entry.Length);
            if (most > 4096) most = Utf8.GetByteCount(entry);
            Grow(most);
            int written = Utf8.GetBytes(entry, _bytes.AsSpan(_length));
            Commit(written);
        }

        /// <summary>Adds every entry of <paramref name="entries"/>; a <see cref="DistinctEntries"/>'s are copied as bytes.</summary>
        public void AddRange(IReadOnlyList<string> entries)
        {
            if (entries is not DistinctEntries compact)
            {
                foreach (var entry in entries) Add(entry);
                return;
            }
            Grow(compact.Count == 0 ? 0 : compact._ends[compact.Count - 1]);
            if (_ends.Length < _count + compact.Count) Array.Resize(ref _ends, _count + compact.Count);
            while (_slots.Length < 2 * (_count + compact.Count)) _slots = new int[_slots.Length * 2];
            if (_count > 0) Rehash(_slots.Length);
            for (int i = 0; i < compact.Count; i++)
            {
                var bytes = compact.Utf8Entry(i);
                Grow(bytes.Length);
                bytes.CopyTo(_bytes.AsSpan(_length));
                Commit(bytes.Length);
            }
        }

        // Trimmed to size when more than an eighth would be unused (the builder's arrays grow by doubling).
        public DistinctEntries Build() => new(
            _bytes.Length - _length > _bytes.Length / 8 ? _bytes[.._length] : _bytes,
            _ends.Length - _count > _ends.Length / 8 ? _ends[.._count] : _ends,
            _count);

        // The entry just written after _length: kept (its end recorded and indexed) unless it repeats one.
        private void Commit(int length)
        {
            var entry = _bytes.AsSpan(_length, length);
            int hash = Hash(entry);
            int mask = _slots.Length - 1;
            int slot = hash & mask;
            while (_slots[slot] != 0)
            {
                int other = _slots[slot] - 1;
                int start = other == 0 ? 0 : _ends[other - 1];
                if (_bytes.AsSpan(start, _ends[other] - start).SequenceEqual(entry)) return;   // a repeat: dropped
                slot = (slot + 1) & mask;
            }
            if (_count == _ends.Length) Array.Resize(ref _ends, Math.Max(16, _ends.Length * 2));
            _length += length;
            _ends[_count++] = _length;
            _slots[slot] = _count;
            if (_count * 2 > _slots.Length) Rehash();
        }

        private void Rehash() => Rehash(_slots.Length * 2);

        private void Rehash(int size)
        {
            _slots = new int[size];
            int mask = _slots.Length - 1;
            for (int i = 0; i < _count; i++)
            {
                int start = i == 0 ? 0 : _ends[i - 1];
                int slot = Hash(_bytes.AsSpan(start, _ends[i] - start)) & mask;
                while (_slots[slot] != 0) slot = (slot + 1) & mask;
                _slots[slot] = i + 1;
            }
        }

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }

        private void Grow(int more)
        {
            if (_bytes.Length - _length >= more) return;
            Array.Resize(ref _bytes, Math.Max(_length + more, _bytes.Length * 2));
        }
    }
}

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

    private readonly Utf8Lines _entries;

    private DistinctEntries(Utf8Lines entries) => _entries = entries;

    public static DistinctEntries Of(IEnumerable<string> entries)
    {
        var builder = new Builder();
        foreach (var entry in entries) builder.Add(entry);
        return builder.Build();
    }

    public int Count => _entries.Count;

    /// <summary>Entry <paramref name="index"/> in UTF-8, without making it a string.</summary>
    public ReadOnlySpan<byte> Utf8Entry(int index) => _entries[index];

    /// <summary>The length of entry <paramref name="index"/> in UTF-8 bytes.</summary>
    public int ByteLength(int index) => Utf8Entry(index).Length;

    public string this[int index] => Utf8.GetString(Utf8Entry(index));

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Collects entries, dropping repeats as they come (compared by their bytes).</summary>
    public sealed class Builder
    {
        private Utf8Lines _entries = new();
        private int[] _slots = new int[32];   // open addressing: entry index + 1, 0 = free

        public int Count => _entries.Count;

        public void Add(string entry)
        {
            // Entries are written from their bytes (IosXeEmitter): the line-break check is made here.
            ConfigWriter.RefuseLineBreak(entry);
            int most = Utf8.GetMaxByteCount(entry.Length);
            if (most > 4096) most = Utf8.GetByteCount(entry);
            var room = _entries.Reserve(most);
            Keep(room[..Utf8.GetBytes(entry, room)]);
        }

        /// <summary>Adds every entry of <paramref name="entries"/>; a <see cref="DistinctEntries"/>'s are copied as bytes.</summary>
        public void AddRange(IReadOnlyList<string> entries)
        {
            if (entries is not DistinctEntries compact)
            {
                foreach (var entry in entries) Add(entry);
                return;
            }
            _entries.EnsureCapacity(compact.Count);
            int size = _slots.Length;
            while (size < 2 * (Count + compact.Count)) size *= 2;
            if (size != _slots.Length) Rehash(size);
            for (int i = 0; i < compact.Count; i++)
            {
                var bytes = compact.Utf8Entry(i);
                var room = _entries.Reserve(bytes.Length);
                bytes.CopyTo(room);
                Keep(room[..bytes.Length]);
            }
        }

        public DistinctEntries Build()
        {
            _entries.TrimExcess();
            var built = new DistinctEntries(_entries);
            _entries = new();
            _slots = new int[32];
            return built;
        }

        // The entry just written into the reserved room: kept (and indexed) unless it repeats one.
        private void Keep(ReadOnlySpan<byte> entry)
        {
            int mask = _slots.Length - 1;
            int slot = Hash(entry) & mask;
            while (_slots[slot] != 0)
            {
                if (_entries[_slots[slot] - 1].SequenceEqual(entry)) return;   // a repeat: dropped
                slot = (slot + 1) & mask;
            }
            _entries.Commit(entry.Length);
            _slots[slot] = Count;
            if (Count * 2 > _slots.Length) Rehash(_slots.Length * 2);
        }

        private void Rehash(int size)
        {
            _slots = new int[size];
            int mask = size - 1;
            for (int i = 0; i < Count; i++)
            {
                int slot = Hash(_entries[i]) & mask;
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
    }
}

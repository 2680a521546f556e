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

    // Entries shared with the list this one was started from (an interface's ACL that opens with
    // a filter's entries), ahead of this list's own: referenced, not copied (issue 18: an 80k-entry
    // filter's entries were copied into every ACL that used them).
    private readonly DistinctEntries? _head;
    private readonly int _headCount;
    private readonly Utf8Lines _entries;
    private readonly int[] _slots;   // hash index over this list's own entries: own index + 1, 0 = free

    private DistinctEntries(DistinctEntries? head, Utf8Lines entries, int[] slots)
    {
        _head = head;
        _headCount = head?.Count ?? 0;
        _entries = entries;
        _slots = slots;
    }

    public static DistinctEntries Of(IEnumerable<string> entries)
    {
        var builder = new Builder();
        foreach (var entry in entries) builder.Add(entry);
        return builder.Build();
    }

    public int Count => _headCount + _entries.Count;

    /// <summary>Entry <paramref name="index"/> in UTF-8, without making it a string.</summary>
    public ReadOnlySpan<byte> Utf8Entry(int index) => index < _headCount ? _head!.Utf8Entry(index) : _entries[index - _headCount];

    /// <summary>The length of entry <paramref name="index"/> in UTF-8 bytes.</summary>
    public int ByteLength(int index) => Utf8Entry(index).Length;

    public string this[int index] => Utf8.GetString(Utf8Entry(index));

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The entries as numbered ACL lines, <c>KEYWORD N ENTRY</c> (<paramref name="keyword"/> is
    /// "" or "sequence "), in <paramref name="numbered"/>'s order, as
    /// <c>ConfigWriter.Line(head, entry)</c> writes them. Rendered when read; the list is immutable.
    /// </summary>
    public DeferredLines AsNumberedLines(string keyword, IReadOnlyList<(long Sequence, int Index)> numbered) =>
        new NumberedLines(Utf8.GetBytes(keyword), this, numbered);

    private sealed class NumberedLines(byte[] keyword, DistinctEntries entries, IReadOnlyList<(long Sequence, int Index)> numbered) : DeferredLines
    {
        public override int Count => numbered.Count;

        // The keyword, up to 19 digits and a space, the entry.
        public override int MaxByteCount(int index) => keyword.Length + 20 + entries.ByteLength(numbered[index].Index);

        public override int Write(int index, Span<byte> destination)
        {
            var (sequence, entryIndex) = numbered[index];
            keyword.CopyTo(destination);
            sequence.TryFormat(destination[keyword.Length..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
            int at = keyword.Length + digits;
            var entry = entries.Utf8Entry(entryIndex);
            if (entry.IsEmpty || entry[^1] >= 0x80 || char.IsWhiteSpace((char)entry[^1]))
            {
                // An entry that may end in white space is trimmed as text, as ConfigWriter.Line does
                // (an entry trimmed to nothing leaves the number alone, without the space).
                var trimmed = Utf8.GetString(entry).AsSpan().TrimEnd();
                if (trimmed.IsEmpty) return at;
                destination[at++] = (byte)' ';
                return at + Utf8.GetBytes(trimmed, destination[at..]);
            }
            destination[at++] = (byte)' ';
            entry.CopyTo(destination[at..]);
            return at + entry.Length;
        }
    }

    // True when the list (its head included) holds an entry with these bytes.
    private bool Contains(ReadOnlySpan<byte> entry, int hash) =>
        (_head is not null && _head.Contains(entry, hash)) || Find(_entries, _slots, entry, hash) < 0;

    // Probes an index for the entry: ~slot (negative) when it is there, else the free slot it would take.
    private static int Find(Utf8Lines entries, int[] slots, ReadOnlySpan<byte> entry, int hash)
    {
        int mask = slots.Length - 1;
        int slot = hash & mask;
        while (slots[slot] != 0)
        {
            if (entries[slots[slot] - 1].SequenceEqual(entry)) return ~slot;
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Collects entries, dropping repeats as they come (compared by their bytes).</summary>
    public sealed class Builder
    {
        private DistinctEntries? _head;
        private Utf8Lines _entries = new();
        private int[] _slots = new int[32];   // open addressing over _entries: index + 1, 0 = free

        public int Count => (_head?.Count ?? 0) + _entries.Count;

        public void Add(string entry) => Add(entry.AsSpan());

        public void Add(ReadOnlySpan<char> entry)
        {
            // Entries are written from their bytes (IosXeEmitter): the line-break check is made here.
            ConfigWriter.RefuseLineBreak(entry);
            int most = Utf8.GetMaxByteCount(entry.Length);
            if (most > 4096) most = Utf8.GetByteCount(entry);
            var room = _entries.Reserve(most);
            Keep(room[..Utf8.GetBytes(entry, room)]);
        }

        /// <summary>
        /// Adds every entry of <paramref name="entries"/>. A <see cref="DistinctEntries"/> that
        /// opens the list is shared, not copied; one added later is copied as bytes.
        /// </summary>
        public void AddRange(IReadOnlyList<string> entries)
        {
            if (entries is not DistinctEntries compact)
            {
                foreach (var entry in entries) Add(entry);
                return;
            }
            if (Count == 0)
            {
                _head = compact;
                return;
            }
            _entries.EnsureCapacity(compact.Count);
            int size = _slots.Length;
            while (size < 2 * (_entries.Count + compact.Count)) size *= 2;
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
            var built = new DistinctEntries(_head, _entries, _slots);
            _head = null;
            _entries = new();
            _slots = new int[32];
            return built;
        }

        // The entry just written into the reserved room: kept (and indexed) unless it repeats one.
        private void Keep(ReadOnlySpan<byte> entry)
        {
            int hash = Hash(entry);
            if (_head is not null && _head.Contains(entry, hash)) return;   // a repeat: dropped
            int slot = Find(_entries, _slots, entry, hash);
            if (slot < 0) return;
            _entries.Commit(entry.Length);
            _slots[slot] = _entries.Count;
            if (_entries.Count * 2 > _slots.Length) Rehash(_slots.Length * 2);
        }

        private void Rehash(int size)
        {
            _slots = new int[size];
            int mask = size - 1;
            for (int i = 0; i < _entries.Count; i++)
            {
                int slot = Hash(_entries[i]) & mask;
                while (_slots[slot] != 0) slot = (slot + 1) & mask;
                _slots[slot] = i + 1;
            }
        }
    }
}

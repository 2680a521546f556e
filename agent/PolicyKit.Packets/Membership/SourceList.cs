namespace PolicyKit.Packets.Membership;

/// <summary>The source addresses of a group record or query: a view over the packet's bytes.</summary>
public readonly ref struct SourceList
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly IpFamily _family;

    internal SourceList(ReadOnlySpan<byte> bytes, IpFamily family, int count)
    {
        _bytes = bytes;
        _family = family;
        Count = count;
    }

    public int Count { get; }

    private int Size => _family == IpFamily.V4 ? 4 : 16;

    public PacketAddress this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return PacketAddress.Read(_family, _bytes.Slice(index * Size));
        }
    }

    /// <summary>All source addresses, back to back in network order.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes[..(Count * Size)];

    /// <summary>The raw bytes of source <paramref name="index"/> (4 or 16, network order).</summary>
    public ReadOnlySpan<byte> RawAt(int index) => _bytes.Slice(index * Size, Size);

    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly SourceList _list;
        private int _index;

        internal Enumerator(SourceList list)
        {
            _list = list;
            _index = -1;
        }

        public bool MoveNext() => ++_index < _list.Count;

        public readonly PacketAddress Current => _list[_index];
    }
}

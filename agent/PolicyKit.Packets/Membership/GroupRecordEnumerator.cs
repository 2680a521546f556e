using System.Buffers.Binary;

namespace PolicyKit.Packets.Membership;

/// <summary>
/// Walks the group records of a decoded report. The decoder has already checked that every
/// record fits the message, so this does no bounds reasoning of its own beyond the span's.
/// </summary>
public ref struct GroupRecordEnumerator
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly IpFamily _family;
    private readonly int _count;
    private int _next;       // offset of the next record
    private int _offset;     // offset of the current record
    private int _length;
    private int _index;
    private int _maskIndex;  // slot of the current record
    private int _nextMask;

    internal GroupRecordEnumerator(ReadOnlySpan<byte> packet, IpFamily family, int offset, int count)
    {
        _packet = packet;
        _family = family;
        _count = count;
        _next = offset;
        _offset = 0;
        _length = 0;
        _index = -1;
        _maskIndex = 0;
        _nextMask = 0;
    }

    public readonly GroupRecordEnumerator GetEnumerator() => this;

    public readonly GroupRecord Current => new(_packet.Slice(_offset, _length), _family, _index, _offset, _maskIndex);

    public bool MoveNext()
    {
        if (_index + 1 >= _count) return false;
        _index++;
        var addressSize = _family == IpFamily.V4 ? 4 : 16;
        var header = _packet.Slice(_next, 4);
        var sourceCount = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        _offset = _next;
        _length = 4 + addressSize + sourceCount * addressSize + header[1] * 4;
        _next += _length;
        _maskIndex = _nextMask;
        _nextMask += 1 + sourceCount;
        return true;
    }
}

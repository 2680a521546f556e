using System.Buffers.Binary;
using System.Text;

namespace PolicyKit.Nfqueue.Netlink;

/// <summary>
/// Builds netlink messages into a caller's buffer: a header, the nfgenmsg, attributes (with
/// 4-byte padding), nested attributes, several messages back to back (a batch). Lengths are
/// patched when a message or nest ends. Allocation-free; the buffer must be large enough
/// (an <see cref="InvalidOperationException"/> says so, a bug, never input-driven).
/// </summary>
internal ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private int _messageStart;

    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
        _messageStart = -1;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Starts a message: nlmsghdr (type, flags, seq; pid 0 = the kernel) and nfgenmsg (family, version 0, res_id big-endian).</summary>
    public void BeginMessage(ushort type, ushort flags, uint sequence, byte family, ushort resourceId)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("a netlink message is already open");
        _messageStart = _length;
        var header = Reserve(Nl.HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        var gen = Reserve(Nl.NfGenLength);
        gen[0] = family;
        gen[1] = Nl.NfnetlinkV0;
        BinaryPrimitives.WriteUInt16BigEndian(gen[2..], resourceId);
    }

    public void EndMessage()
    {
        if (_messageStart < 0) throw new InvalidOperationException("no netlink message is open");
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_messageStart..], (uint)(_length - _messageStart));
        _messageStart = -1;
    }

    public void Attribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var a = Reserve(Nl.Align(Nl.AttributeHeaderLength + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a, checked((ushort)(Nl.AttributeHeaderLength + value.Length)));
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], type);
        value.CopyTo(a[Nl.AttributeHeaderLength..]);
        a[(Nl.AttributeHeaderLength + value.Length)..].Clear();
    }

    public void AttributeBigEndian32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        Attribute(type, v);
    }

    public void AttributeBigEndian64(ushort type, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        Attribute(type, v);
    }

    /// <summary>A NUL-terminated string attribute (names of tables and sets).</summary>
    public void AttributeString(ushort type, string value)
    {
        Span<byte> v = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length) + 1];
        int n = Encoding.UTF8.GetBytes(value, v);
        v[n] = 0;
        Attribute(type, v[..(n + 1)]);
    }

    /// <summary>Opens a nested attribute; returns where it starts, to pass to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        var a = Reserve(Nl.AttributeHeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], (ushort)(type | Nl.AttrNested));
        return start;
    }

    public void EndNested(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], checked((ushort)(_length - start)));
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) throw new InvalidOperationException($"netlink buffer of {_buffer.Length} bytes is too small");
        var span = _buffer.Slice(_length, count);
        _length += count;
        return span;
    }
}

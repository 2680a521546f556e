using System.Buffers.Binary;

namespace PolicyKit.Nfqueue.Netlink;

/// <summary>One netlink message of a received datagram: its header fields and its body (after nlmsghdr).</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> body)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Body = body;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    public uint Sequence { get; }

    public uint PortId { get; }

    public ReadOnlySpan<byte> Body { get; }

    /// <summary>The nfnetlink subsystem (high byte of the type).</summary>
    public byte Subsystem => (byte)(Type >> 8);

    /// <summary>The subsystem's message kind (low byte of the type).</summary>
    public byte Kind => (byte)Type;

    /// <summary>For NLMSG_ERROR: the negative errno (0 = an ACK). False when the body is too short to hold it.</summary>
    public bool TryGetError(out int error)
    {
        error = 0;
        if (Type != Nl.Error || Body.Length < 4) return false;
        error = BinaryPrimitives.ReadInt32LittleEndian(Body);
        return true;
    }

    /// <summary>For NLMSG_ERROR: the sequence number of the request it answers (from the echoed header), or false.</summary>
    public bool TryGetErrorSequence(out uint sequence)
    {
        sequence = 0;
        if (Type != Nl.Error || Body.Length < 4 + Nl.HeaderLength) return false;
        sequence = BinaryPrimitives.ReadUInt32LittleEndian(Body[(4 + 8)..]);
        return true;
    }
}

/// <summary>
/// Walks the messages of one received datagram, defensively: a header whose length is below 16
/// or runs past the datagram ends the walk and sets <see cref="Malformed"/>; nothing throws.
/// </summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
        Malformed = false;
    }

    public bool Malformed { get; private set; }

    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_rest.IsEmpty) return false;
        if (_rest.Length < Nl.HeaderLength)
        {
            Malformed = true;
            _rest = default;
            return false;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < Nl.HeaderLength || length > (uint)_rest.Length)
        {
            Malformed = true;
            _rest = default;
            return false;
        }
        message = new NetlinkMessage(
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]),
            _rest[Nl.HeaderLength..(int)length]);
        int next = Nl.Align((int)length);
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }
}

/// <summary>One attribute: its type (flags removed), whether it is nested, and its value.</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, bool nested, ReadOnlySpan<byte> value)
    {
        Type = type;
        Nested = nested;
        Value = value;
    }

    public ushort Type { get; }

    public bool Nested { get; }

    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>
/// Walks a run of attributes, defensively: a length below 4 or past the end stops the walk and sets
/// <see cref="Malformed"/>. Padding after the last attribute is allowed.
/// </summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Malformed = false;
    }

    public bool Malformed { get; private set; }

    public bool TryRead(out NetlinkAttribute attribute)
    {
        attribute = default;
        if (_rest.Length < Nl.AttributeHeaderLength)
        {
            _rest = default;
            return false;
        }
        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (length < Nl.AttributeHeaderLength || length > _rest.Length)
        {
            Malformed = true;
            _rest = default;
            return false;
        }
        attribute = new NetlinkAttribute((ushort)(type & Nl.AttrTypeMask), (type & Nl.AttrNested) != 0, _rest[Nl.AttributeHeaderLength..length]);
        int next = Nl.Align(length);
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }
}

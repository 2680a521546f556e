using System.Buffers.Binary;
using System.Text;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// Reads the primitive encodings from one section's payload. Every length and count is checked
/// against the bytes that remain before anything is allocated, and every failure is a
/// <see cref="TableFormatException"/> naming the section and the file offset.
/// </summary>
internal ref struct TableDecoder(ReadOnlySpan<byte> payload, int fileOffset, string sectionName)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data = payload;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>The file offset of the next byte.</summary>
    public readonly int Offset => fileOffset + _position;

    public byte ReadByte()
    {
        if (_position >= _data.Length) throw Overrun(1);
        return _data[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining) throw Overrun(count);
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>Unsigned LEB128 of at most 10 bytes; overlong forms (a needless 0x80…0x00 tail) are refused.</summary>
    public ulong ReadUVarint()
    {
        int start = Offset;
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63 && b > 1) throw Fail(start, "a varint overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0) throw Fail(start, "a varint has a needless trailing zero byte");
                return result;
            }
        }
    }

    public long ReadVarint()
    {
        ulong raw = ReadUVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int ReadInt32()
    {
        int start = Offset;
        long value = ReadVarint();
        if (value is < int.MinValue or > int.MaxValue) throw Fail(start, $"the value {value} does not fit a 32-bit field");
        return (int)value;
    }

    public long ReadInt64() => ReadVarint();

    /// <summary>
    /// A count of elements that each take at least <paramref name="minElementBytes"/> bytes: a
    /// count the remaining bytes cannot hold is refused before anything is allocated for it.
    /// </summary>
    public int ReadCount(int minElementBytes = 1)
    {
        int start = Offset;
        ulong count = ReadUVarint();
        if (count > (ulong)Remaining / (ulong)Math.Max(minElementBytes, 1))
            throw Fail(start, $"a count of {count} cannot fit in the {Remaining} bytes left");
        return (int)count;
    }

    public bool ReadBool()
    {
        int start = Offset;
        byte b = ReadByte();
        if (b > 1) throw Fail(start, $"a flag is {b}, expected 0 or 1");
        return b == 1;
    }

    public string ReadString()
    {
        int start = Offset;
        ulong length = ReadUVarint();
        if (length > (ulong)Remaining) throw Fail(start, $"a string of {length} bytes runs past the section's end ({Remaining} bytes left)");
        var bytes = ReadBytes((int)length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(start, "a string is not valid UTF-8");
        }
    }

    public AddressFamily ReadFamily()
    {
        int start = Offset;
        byte b = ReadByte();
        return b switch
        {
            (byte)AddressFamily.V4 => AddressFamily.V4,
            (byte)AddressFamily.V6 => AddressFamily.V6,
            _ => throw Fail(start, $"address family {b} is neither 4 nor 6"),
        };
    }

    public (AddressFamily Family, UInt128 Value) ReadAddress()
    {
        var family = ReadFamily();
        return (family, family == AddressFamily.V4 ? ReadV4() : ReadV6());
    }

    public UInt128 ReadV4() => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));

    public UInt128 ReadV6() => BinaryPrimitives.ReadUInt128BigEndian(ReadBytes(16));

    public RuleAction ReadAction()
    {
        int start = Offset;
        byte b = ReadByte();
        return b switch
        {
            (byte)RuleAction.Permit => RuleAction.Permit,
            (byte)RuleAction.Deny => RuleAction.Deny,
            _ => throw Fail(start, $"rule action {b} is not defined"),
        };
    }

    public LimitDirection ReadDirection()
    {
        int start = Offset;
        byte b = ReadByte();
        return b switch
        {
            (byte)LimitDirection.Rpf => LimitDirection.Rpf,
            (byte)LimitDirection.Out => LimitDirection.Out,
            (byte)LimitDirection.Connected => LimitDirection.Connected,
            _ => throw Fail(start, $"limit direction {b} is not defined"),
        };
    }

    public readonly TableFormatException Fail(int offset, string what) =>
        new(TableError.Malformed, $"malformed {sectionName} at byte {offset}: {what}");

    private readonly TableFormatException Overrun(int wanted) =>
        Fail(Offset, $"a value of {wanted} byte{(wanted == 1 ? "" : "s")} runs past the section's end ({Remaining} left)");
}

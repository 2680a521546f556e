using System.Buffers.Binary;
using System.Text;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// A growable byte buffer with the format's primitive encodings: LEB128 varints (zig-zag for
/// signed values), length-prefixed UTF-8 strings, addresses as family + 4/16 bytes.
/// </summary>
internal sealed class TableEncoder(int capacity = 256)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 16)];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteUInt16LittleEndian(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    public void WriteUInt32LittleEndian(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    /// <summary>Unsigned LEB128: 7 bits a byte, low bits first, the high bit set on every byte but the last.</summary>
    public void WriteUVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    /// <summary>Signed values zig-zag encoded (0, -1, 1, -2 … → 0, 1, 2, 3 …) so -1 ("none") takes one byte.</summary>
    public void WriteVarint(long value) => WriteUVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteCount(int count) => WriteUVarint((ulong)count);

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteUVarint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Family byte (4 or 6), then the address in network order (4 or 16 bytes).</summary>
    public void WriteAddress(AddressFamily family, UInt128 value)
    {
        WriteByte((byte)family);
        if (family == AddressFamily.V4) WriteV4(value);
        else WriteV6(value);
    }

    public void WriteV4(UInt128 value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), (uint)value);
        _length += 4;
    }

    public void WriteV6(UInt128 value)
    {
        Ensure(16);
        BinaryPrimitives.WriteUInt128BigEndian(_buffer.AsSpan(_length), value);
        _length += 16;
    }

    private void Ensure(int more)
    {
        if (_buffer.Length - _length >= more) return;
        long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + more);
        if (wanted > Array.MaxLength) wanted = Math.Max(Array.MaxLength, _length + more);
        Array.Resize(ref _buffer, (int)wanted);
    }
}

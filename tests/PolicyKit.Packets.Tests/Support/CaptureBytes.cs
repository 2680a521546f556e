using System.Buffers.Binary;
using System.Text;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>
/// Writes capture files byte by byte from the pcap and pcapng specifications, in either byte
/// order, independently of the library's writer, so the reader is tested against the format
/// rather than against itself.
/// </summary>
public sealed class CaptureBytes
{
    private readonly MemoryStream _out = new();
    private bool _bigEndian;

    public byte[] ToArray() => _out.ToArray();

    public long Length => _out.Length;

    private void U16(int v) { Span<byte> b = stackalloc byte[2]; if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b); }
    private void U32(uint v) { Span<byte> b = stackalloc byte[4]; if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v); _out.Write(b); }
    private void U64(ulong v) { Span<byte> b = stackalloc byte[8]; if (_bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, v); else BinaryPrimitives.WriteUInt64LittleEndian(b, v); _out.Write(b); }

    // ---- classic pcap ----

    public static CaptureBytes Pcap(bool bigEndian, bool nanoseconds, int linkType, int snapLength = 65535)
    {
        var c = new CaptureBytes { _bigEndian = bigEndian };
        c.U32(nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4);
        c.U16(2);
        c.U16(4);
        c.U32(0);
        c.U32(0);
        c.U32((uint)snapLength);
        c.U32((uint)linkType);
        return c;
    }

    public CaptureBytes Record(uint seconds, uint fraction, byte[] data, int? originalLength = null, uint? declaredLength = null)
    {
        U32(seconds);
        U32(fraction);
        U32(declaredLength ?? (uint)data.Length);
        U32((uint)(originalLength ?? data.Length));
        _out.Write(data);
        return this;
    }

    // ---- pcapng ----

    public static CaptureBytes PcapNg(bool bigEndian) => new CaptureBytes().Section(bigEndian);

    public CaptureBytes Section(bool bigEndian)
    {
        _bigEndian = bigEndian;
        var body = new MemoryStream();
        Block(0x0A0D0D0A, w =>
        {
            w.U32(0x1A2B3C4D);
            w.U16(1);
            w.U16(0);
            w.U64(ulong.MaxValue); // section length unknown
            w.Option(4, Encoding.UTF8.GetBytes("PolicyKit tests")); // shb_userappl
            w.U32(0);               // opt_endofopt
        });
        return this;
    }

    public CaptureBytes Interface(int linkType, string? name = null, byte? tsresol = null, long? tsoffset = null, int snapLength = 0)
    {
        Block(1, w =>
        {
            w.U16(linkType);
            w.U16(0);
            w.U32((uint)snapLength);
            if (name is not null) w.Option(2, Encoding.UTF8.GetBytes(name));
            if (tsresol is not null) w.Option(9, [tsresol.Value]);
            if (tsoffset is not null)
            {
                var v = new byte[8];
                if (_bigEndian) BinaryPrimitives.WriteInt64BigEndian(v, tsoffset.Value); else BinaryPrimitives.WriteInt64LittleEndian(v, tsoffset.Value);
                w.Option(14, v);
            }
            w.U32(0);
        });
        return this;
    }

    public CaptureBytes Enhanced(int interfaceId, ulong timestamp, byte[] data, int? originalLength = null, uint? declaredCaptured = null)
    {
        Block(6, w =>
        {
            w.U32((uint)interfaceId);
            w.U32((uint)(timestamp >> 32));
            w.U32((uint)timestamp);
            w.U32(declaredCaptured ?? (uint)data.Length);
            w.U32((uint)(originalLength ?? data.Length));
            w._out.Write(data);
            w.Pad(data.Length);
            w.Option(1, Encoding.UTF8.GetBytes("comment")); // opt_comment after the data
            w.U32(0);
        });
        return this;
    }

    public CaptureBytes Simple(byte[] data)
    {
        Block(3, w =>
        {
            w.U32((uint)data.Length);
            w._out.Write(data);
            w.Pad(data.Length);
        });
        return this;
    }

    public CaptureBytes ObsoletePacket(int interfaceId, ulong timestamp, byte[] data)
    {
        Block(2, w =>
        {
            w.U16(interfaceId);
            w.U16(0);
            w.U32((uint)(timestamp >> 32));
            w.U32((uint)timestamp);
            w.U32((uint)data.Length);
            w.U32((uint)data.Length);
            w._out.Write(data);
            w.Pad(data.Length);
        });
        return this;
    }

    /// <summary>A block of a type the reader does not know (e.g. Name Resolution 4, Interface Statistics 5, custom 0x40000BAD).</summary>
    public CaptureBytes Unknown(uint type, int bodyLength)
    {
        Block(type, w => w._out.Write(new byte[bodyLength]));
        return this;
    }

    /// <summary>Raw bytes (for damage).</summary>
    public CaptureBytes Raw(byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    private void Option(int code, byte[] value)
    {
        U16(code);
        U16(value.Length);
        _out.Write(value);
        Pad(value.Length);
    }

    private void Pad(int length)
    {
        for (var i = length; i % 4 != 0; i++) _out.WriteByte(0);
    }

    private void Block(uint type, Action<CaptureBytes> body)
    {
        var inner = new CaptureBytes { _bigEndian = _bigEndian };
        body(inner);
        var bytes = inner.ToArray();
        var total = (uint)(bytes.Length + 12);
        U32(type);
        U32(total);
        _out.Write(bytes);
        U32(total);
    }
}

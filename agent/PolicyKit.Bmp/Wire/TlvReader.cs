using System.Buffers.Binary;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// Walks BMP information TLVs (2-byte type, 2-byte length, value): Initiation, Termination,
/// Peer Up information, Route Mirroring and Statistics. <see cref="Malformed"/> is set when a TLV
/// runs past the end; the walk then stops.
/// </summary>
public ref struct TlvReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool Malformed { get; private set; }

    public bool MoveNext()
    {
        if (_rest.IsEmpty || Malformed) return false;
        if (_rest.Length < 4)
        {
            Malformed = true;
            return false;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_rest[2..]);
        if (_rest.Length < 4 + length)
        {
            Malformed = true;
            return false;
        }
        Type = type;
        Value = _rest.Slice(4, length);
        _rest = _rest[(4 + length)..];
        return true;
    }
}

using System.Buffers.Binary;

namespace PolicyKit.Bmp.Wire;

/// <summary>What the framer found at the start of a buffer.</summary>
public enum FrameStatus : byte
{
    /// <summary>A whole message is in the buffer.</summary>
    Complete,

    /// <summary>The header or the body is not complete yet: read more.</summary>
    NeedMore,

    /// <summary>The header cannot be a BMP v3 header: the stream has lost its framing.</summary>
    Invalid,
}

/// <summary>The BMP common header (RFC 7854 §4.1): version, message length (header included), type.</summary>
public readonly record struct BmpCommonHeader(byte Version, int Length, byte Type)
{
    public BmpMessageType MessageType => (BmpMessageType)Type;

    /// <summary>
    /// Frames the first message of <paramref name="buffer"/>. Framing is lost (and the session must
    /// close) when the version is not 3, or the length is below the header or above
    /// <paramref name="maxLength"/>: nothing after such a header can be trusted to start a message.
    /// An unknown type with a sane length is framed normally (the caller skips it).
    /// </summary>
    public static FrameStatus TryFrame(ReadOnlySpan<byte> buffer, int maxLength, out BmpCommonHeader header, out string? error)
    {
        header = default;
        error = null;
        if (buffer.Length < 1) return FrameStatus.NeedMore;
        if (buffer[0] != BmpWire.Version)
        {
            error = $"BMP version {buffer[0]} (only version 3 is spoken)";
            return FrameStatus.Invalid;
        }
        if (buffer.Length < BmpWire.CommonHeaderLength) return FrameStatus.NeedMore;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer[1..]);
        if (length < BmpWire.CommonHeaderLength || length > (uint)maxLength)
        {
            error = $"BMP message length {length} outside {BmpWire.CommonHeaderLength}..{maxLength}";
            return FrameStatus.Invalid;
        }
        header = new BmpCommonHeader(buffer[0], (int)length, buffer[5]);
        return buffer.Length >= length ? FrameStatus.Complete : FrameStatus.NeedMore;
    }
}

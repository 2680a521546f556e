using System.Buffers.Binary;

namespace PolicyKit.Packets.Capture;

/// <summary>
/// Writes a classic pcap file (little-endian, microsecond or nanosecond timestamps): for tests,
/// and for the agent to record what it saw. Packets longer than the snap length are cut, with
/// their original length kept in the record header.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _nanoseconds;
    private readonly byte[] _header = new byte[16];

    public PcapWriter(Stream stream, LinkType linkType, int snapLength = 262144, bool nanoseconds = false, bool leaveOpen = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _nanoseconds = nanoseconds;
        LinkType = linkType;
        SnapLength = snapLength;
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
    }

    public static PcapWriter Create(string path, LinkType linkType, int snapLength = 262144, bool nanoseconds = false) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), linkType, snapLength, nanoseconds);

    public LinkType LinkType { get; }

    public int SnapLength { get; }

    public void Write(DateTime timestamp, ReadOnlySpan<byte> frame, int originalLength = -1)
    {
        var utc = timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp;
        var sinceEpoch = utc.Ticks - DateTime.UnixEpoch.Ticks;
        if (sinceEpoch < 0) throw new ArgumentOutOfRangeException(nameof(timestamp), "pcap timestamps start at 1970");
        var seconds = sinceEpoch / TimeSpan.TicksPerSecond;
        if (seconds > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(timestamp), "pcap timestamps end in 2106");
        var rest = sinceEpoch % TimeSpan.TicksPerSecond;
        var fraction = _nanoseconds ? rest * 100 : rest / 10;
        var captured = Math.Min(frame.Length, SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(_header, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), (uint)fraction);
        BinaryPrimitives.WriteInt32LittleEndian(_header.AsSpan(8), captured);
        BinaryPrimitives.WriteInt32LittleEndian(_header.AsSpan(12), originalLength >= 0 ? originalLength : frame.Length);
        _stream.Write(_header);
        _stream.Write(frame[..captured]);
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}

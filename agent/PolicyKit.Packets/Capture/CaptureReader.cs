using System.Buffers.Binary;
using System.Text;

namespace PolicyKit.Packets.Capture;

/// <summary>
/// Reads packets from a capture file, classic pcap or pcapng, detected by the first bytes.
/// <list type="bullet">
/// <item>pcap: both byte orders, microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic.</item>
/// <item>pcapng: sections in either byte order (several sections per file), Interface
///   Description Blocks with <c>if_name</c>, <c>if_description</c>, <c>if_tsresol</c> (10^-n
///   and 2^-n) and <c>if_tsoffset</c>; Enhanced, Simple and (obsolete) Packet Blocks; any other
///   block is skipped by its length.</item>
/// </list>
/// Reads the stream front to back (stdin and pipes work). A corrupt or truncated file throws a
/// <see cref="CaptureFormatException"/> with the byte offset, after every record before the
/// damage has been delivered. A declared length above <see cref="CaptureReaderOptions.MaxRecordLength"/>
/// is refused before reading; below it, the buffer grows only as bytes actually arrive, so a
/// huge length in a short file never allocates a huge buffer.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    private const uint PcapMicro = 0xA1B2C3D4;
    private const uint PcapNano = 0xA1B23C4D;
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint InterfaceDescriptionBlock = 1;
    private const uint ObsoletePacketBlock = 2;
    private const uint SimplePacketBlock = 3;
    private const uint EnhancedPacketBlock = 6;
    private static readonly UInt128 UnixEpochTicks = (ulong)DateTime.UnixEpoch.Ticks;
    private static readonly UInt128 MaxTicks = (ulong)DateTime.MaxValue.Ticks;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxRecordLength;
    private byte[] _buffer = new byte[4096];
    private long _position;
    private bool _bigEndian;
    private bool _ended;
    private readonly List<CaptureInterface> _interfaces = [];
    private long _lastTicks;

    public CaptureReader(Stream stream, bool leaveOpen = false, CaptureReaderOptions? options = null)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxRecordLength = (options ?? CaptureReaderOptions.Default).MaxRecordLength;
        try
        {
            ReadFileHeader();
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens a file (shared for reading while a capture tool still writes it).</summary>
    public static CaptureReader Open(string path, CaptureReaderOptions? options = null) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 65536), false, options);

    public CaptureFormat Format { get; private set; }

    /// <summary>Interfaces of the current section (pcapng), or the single implicit interface (pcap).</summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    /// <summary>Number of pcapng sections seen so far (1 for pcap).</summary>
    public int Sections { get; private set; }

    /// <summary>Records delivered so far.</summary>
    public int RecordsRead { get; private set; }

    /// <summary>Bytes consumed from the stream.</summary>
    public long Position => _position;

    /// <summary>
    /// Reads the next packet. Its <see cref="CaptureRecord.Data"/> is valid until the next call.
    /// False at the end of the file; throws <see cref="CaptureFormatException"/> on damage.
    /// </summary>
    public bool TryReadNext(out CaptureRecord record)
    {
        record = default;
        if (_ended) return false;
        var found = Format == CaptureFormat.Pcap ? NextPcap(out record) : NextPcapNg(out record);
        if (!found) _ended = true;
        return found;
    }

    /// <summary>All remaining packets, each with its own copy of the data (allocates per record).</summary>
    public IEnumerable<CaptureRecord> ReadAll()
    {
        while (TryReadNext(out var record)) yield return record.WithCopiedData();
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }

    // ---- file header -------------------------------------------------------------------------

    private void ReadFileHeader()
    {
        if (!Fill(4, out var got))
            throw new CaptureFormatException(got == 0 ? "empty file: not a pcap or pcapng capture" : "file too short for a capture header", 0);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
        if (magic == SectionHeaderBlock)
        {
            Format = CaptureFormat.PcapNg;
            ReadSectionHeader(0);
            return;
        }
        UInt128 divisor;
        switch (magic)
        {
            case PcapMicro: _bigEndian = false; divisor = 1_000_000; break;
            case PcapNano: _bigEndian = false; divisor = 1_000_000_000; break;
            default:
                var swapped = BinaryPrimitives.ReverseEndianness(magic);
                if (swapped == PcapMicro) { _bigEndian = true; divisor = 1_000_000; break; }
                if (swapped == PcapNano) { _bigEndian = true; divisor = 1_000_000_000; break; }
                throw new CaptureFormatException($"not a pcap or pcapng capture (magic 0x{magic:x8})", 0);
        }
        Format = CaptureFormat.Pcap;
        if (!Fill(20, out _)) throw new CaptureFormatException("truncated pcap file header", 0);
        var major = U16(_buffer.AsSpan(0));
        if (major != 2) throw new CaptureFormatException($"unsupported pcap version {major}", 0);
        var snapLength = U32(_buffer.AsSpan(12));
        // The link-type field's upper bits carry FCS information (pcap spec §4); the type is the low 16.
        var linkType = (LinkType)(U32(_buffer.AsSpan(16)) & 0xFFFF);
        _interfaces.Add(new CaptureInterface(0, linkType, (int)Math.Min(snapLength, int.MaxValue), null, null) { TicksDivisor = divisor });
        Sections = 1;
    }

    // ---- classic pcap ------------------------------------------------------------------------

    private bool NextPcap(out CaptureRecord record)
    {
        record = default;
        var start = _position;
        if (!Fill(16, out var got))
        {
            if (got == 0) return false;
            throw new CaptureFormatException($"truncated pcap record header ({got} of 16 bytes)", start);
        }
        var seconds = U32(_buffer.AsSpan(0));
        var fraction = U32(_buffer.AsSpan(4));
        var captured = U32(_buffer.AsSpan(8));
        var original = U32(_buffer.AsSpan(12));
        if (captured > (uint)_maxRecordLength)
            throw new CaptureFormatException($"pcap record length {captured} exceeds the limit of {_maxRecordLength} bytes", start);
        var iface = _interfaces[0];
        var ticks = Ticks(((UInt128)seconds * iface.TicksDivisor) + fraction, iface, start);
        if (!Fill((int)captured, out got))
            throw new CaptureFormatException($"truncated pcap record: {captured} bytes declared, {got} present", start);
        RecordsRead++;
        _lastTicks = ticks;
        record = new CaptureRecord(ticks, null, null, iface.LinkType, _buffer.AsMemory(0, (int)captured),
            (int)Math.Min(original, int.MaxValue), start, RecordsRead);
        return true;
    }

    // ---- pcapng ------------------------------------------------------------------------------

    private bool NextPcapNg(out CaptureRecord record)
    {
        record = default;
        while (true)
        {
            var start = _position;
            if (!Fill(4, out var got))
            {
                if (got == 0) return false;
                throw new CaptureFormatException($"truncated pcapng block header ({got} bytes)", start);
            }
            var type = U32(_buffer.AsSpan(0));
            if (type == SectionHeaderBlock)
            {
                ReadSectionHeader(start);
                continue;
            }
            if (!Fill(4, out _)) throw new CaptureFormatException("truncated pcapng block header", start);
            var total = U32(_buffer.AsSpan(0));
            if (total < 12 || total % 4 != 0)
                throw new CaptureFormatException($"pcapng block length {total} is not a multiple of 4 of at least 12", start);
            if (total > (uint)_maxRecordLength)
                throw new CaptureFormatException($"pcapng block length {total} exceeds the limit of {_maxRecordLength} bytes", start);
            var bodyLength = (int)total - 12;
            switch (type)
            {
                case InterfaceDescriptionBlock:
                    ReadBody(bodyLength, total, start);
                    ReadInterface(_buffer.AsSpan(0, bodyLength), start);
                    continue;
                case EnhancedPacketBlock:
                case ObsoletePacketBlock:
                    ReadBody(bodyLength, total, start);
                    record = ReadPacketBlock(type, bodyLength, start);
                    return true;
                case SimplePacketBlock:
                    ReadBody(bodyLength, total, start);
                    record = ReadSimplePacketBlock(bodyLength, start);
                    return true;
                default:
                    Skip(bodyLength, start);
                    if (!Fill(4, out _)) throw new CaptureFormatException("truncated pcapng block: trailing length missing", start);
                    CheckTrailer(0, total, start);
                    continue;
            }
        }
    }

    /// <summary>Reads a block body plus its trailing length into the buffer and checks the trailing length.</summary>
    private void ReadBody(int bodyLength, uint total, long start)
    {
        if (!Fill(bodyLength + 4, out var got))
            throw new CaptureFormatException($"truncated pcapng block: {total} bytes declared, {got + 8} present", start);
        CheckTrailer(bodyLength, total, start);
    }

    private void CheckTrailer(int at, uint total, long start)
    {
        var trailer = U32(_buffer.AsSpan(at));
        if (trailer != total)
            throw new CaptureFormatException($"pcapng block length {total} does not match its trailing length {trailer}", start);
    }

    private void ReadSectionHeader(long start)
    {
        // The block type reads the same in both byte orders; the byte-order magic after the
        // (not yet readable) length tells which one this section uses.
        if (!Fill(8, out _)) throw new CaptureFormatException("truncated pcapng section header", start);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(4));
        if (magic == ByteOrderMagic) _bigEndian = false;
        else if (BinaryPrimitives.ReverseEndianness(magic) == ByteOrderMagic) _bigEndian = true;
        else throw new CaptureFormatException($"pcapng section header with a bad byte-order magic 0x{magic:x8}", start);
        var total = U32(_buffer.AsSpan(0));
        if (total < 28 || total % 4 != 0)
            throw new CaptureFormatException($"pcapng section header length {total} is not a multiple of 4 of at least 28", start);
        if (total > (uint)_maxRecordLength)
            throw new CaptureFormatException($"pcapng section header length {total} exceeds the limit of {_maxRecordLength} bytes", start);
        // Type, length and magic are read: the rest is version, section length, options, trailer.
        var bodyLength = (int)total - 16;
        ReadBody(bodyLength, total, start);
        var major = U16(_buffer.AsSpan(0));
        if (major != 1) throw new CaptureFormatException($"unsupported pcapng version {major}", start);
        _interfaces.Clear();
        Sections++;
    }

    private void ReadInterface(ReadOnlySpan<byte> body, long start)
    {
        if (body.Length < 8) throw new CaptureFormatException("pcapng interface description block too short", start);
        var linkType = (LinkType)U16(body);
        var snapLength = U32(body[4..]);
        string? name = null, description = null;
        UInt128 divisor = 1_000_000;
        long offsetSeconds = 0;
        var options = body[8..];
        while (options.Length >= 4)
        {
            var code = U16(options);
            var length = U16(options[2..]);
            if (code == 0) break; // opt_endofopt
            var padded = (length + 3) & ~3;
            if (4 + padded > options.Length)
                throw new CaptureFormatException($"pcapng interface option {code} runs past its block", start);
            var value = options.Slice(4, length);
            switch (code)
            {
                case 2: name = Utf8(value); break;
                case 3: description = Utf8(value); break;
                case 9:
                    if (length < 1) throw new CaptureFormatException("pcapng if_tsresol option is empty", start);
                    var exponent = value[0] & 0x7F;
                    // MSB clear: 10^-n seconds; set: 2^-n. Beyond what UInt128 holds, a unit is
                    // so small that every timestamp truncates to the epoch — still not an error.
                    if ((value[0] & 0x80) == 0) divisor = exponent <= 38 ? Pow10(exponent) : UInt128.MaxValue;
                    else divisor = exponent <= 127 ? UInt128.One << exponent : UInt128.MaxValue;
                    if (divisor == 0) divisor = 1;
                    break;
                case 14:
                    if (length != 8) throw new CaptureFormatException("pcapng if_tsoffset option is not 8 bytes", start);
                    offsetSeconds = (long)U64(value);
                    break;
            }
            options = options[(4 + padded)..];
        }
        _interfaces.Add(new CaptureInterface(_interfaces.Count, linkType, (int)Math.Min(snapLength, int.MaxValue), name, description)
        {
            TicksDivisor = divisor,
            OffsetSeconds = offsetSeconds,
        });
    }

    private CaptureRecord ReadPacketBlock(uint type, int bodyLength, long start)
    {
        if (bodyLength < 20) throw new CaptureFormatException("pcapng packet block too short", start);
        var body = _buffer.AsSpan(0, bodyLength);
        var interfaceId = type == EnhancedPacketBlock ? U32(body) : U16(body);
        var timestamp = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        var captured = U32(body[12..]);
        var original = U32(body[16..]);
        if (interfaceId >= (uint)_interfaces.Count)
            throw new CaptureFormatException($"pcapng packet block names interface {interfaceId}, but the section has {_interfaces.Count}", start);
        if (captured > (uint)(bodyLength - 20))
            throw new CaptureFormatException($"pcapng packet block captured length {captured} exceeds its block", start);
        var iface = _interfaces[(int)interfaceId];
        var ticks = Ticks(timestamp, iface, start);
        RecordsRead++;
        _lastTicks = ticks;
        return new CaptureRecord(ticks, (int)interfaceId, iface.Name, iface.LinkType, _buffer.AsMemory(20, (int)captured),
            (int)Math.Min(original, int.MaxValue), start, RecordsRead);
    }

    private CaptureRecord ReadSimplePacketBlock(int bodyLength, long start)
    {
        if (bodyLength < 4) throw new CaptureFormatException("pcapng simple packet block too short", start);
        if (_interfaces.Count == 0)
            throw new CaptureFormatException("pcapng simple packet block before any interface description", start);
        var iface = _interfaces[0];
        var original = U32(_buffer.AsSpan(0));
        var captured = (int)Math.Min(original, (uint)(bodyLength - 4));
        if (iface.SnapLength > 0) captured = Math.Min(captured, iface.SnapLength);
        RecordsRead++;
        // A simple packet block has no timestamp: it takes the previous packet's, so replay keeps order.
        return new CaptureRecord(_lastTicks, 0, iface.Name, iface.LinkType, _buffer.AsMemory(4, captured),
            (int)Math.Min(original, int.MaxValue), start, RecordsRead);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private long Ticks(UInt128 units, CaptureInterface iface, long start)
    {
        // units / (units per second) seconds; DateTime ticks are 100 ns.
        var ticks = units * 10_000_000 / iface.TicksDivisor;
        UInt128 result;
        if (iface.OffsetSeconds >= 0) result = UnixEpochTicks + ticks + (UInt128)(ulong)iface.OffsetSeconds * 10_000_000;
        else
        {
            var minus = (UInt128)(ulong)(-(iface.OffsetSeconds + 1)) * 10_000_000 + 10_000_000;
            var sum = UnixEpochTicks + ticks;
            if (sum < minus) throw new CaptureFormatException("packet timestamp before year 1", start);
            result = sum - minus;
        }
        if (result > MaxTicks) throw new CaptureFormatException("packet timestamp beyond year 9999", start);
        return (long)result;
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 value = 1;
        for (var i = 0; i < exponent; i++) value *= 10;
        return value;
    }

    private static string Utf8(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? value[..end] : value);
    }

    private ushort U16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private ulong U64(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes into the start of the buffer, growing it only
    /// as bytes arrive (never to a declared size up front). False with the bytes read at end of stream.
    /// </summary>
    private bool Fill(int count, out int got)
    {
        got = 0;
        while (got < count)
        {
            if (got == _buffer.Length)
                Array.Resize(ref _buffer, (int)Math.Min(count, Math.Max(2L * _buffer.Length, 65536)));
            var n = _stream.Read(_buffer, got, Math.Min(count, _buffer.Length) - got);
            if (n == 0) break;
            got += n;
            _position += n;
        }
        return got == count;
    }

    private void Skip(int count, long start)
    {
        var left = count;
        while (left > 0)
        {
            var n = _stream.Read(_buffer, 0, Math.Min(left, _buffer.Length));
            if (n == 0) throw new CaptureFormatException($"truncated pcapng block: {count - left} of {count} body bytes present", start);
            left -= n;
            _position += n;
        }
    }
}

using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Capture;

public class PcapReaderTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private static uint Seconds => (uint)(T0 - DateTime.UnixEpoch).TotalSeconds;

    private static List<CaptureRecord> ReadAll(byte[] file, out CaptureReader reader)
    {
        reader = new CaptureReader(new MemoryStream(file));
        return reader.ReadAll().ToList();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Classic_pcap_in_both_byte_orders_and_resolutions(bool bigEndian, bool nanoseconds)
    {
        var a = Build.Ethernet(Samples.Get("igmpv2-report"));
        var b = Build.Ethernet(Samples.Get("mldv1-report"));
        var file = CaptureBytes.Pcap(bigEndian, nanoseconds, 1)
            .Record(Seconds, nanoseconds ? 123_456_789u : 123_456u, a)
            .Record(Seconds + 1, 0, b[..40], originalLength: b.Length)
            .ToArray();
        var records = ReadAll(file, out var reader);
        Assert.Equal(CaptureFormat.Pcap, reader.Format);
        Assert.Equal(2, records.Count);
        Assert.Equal(LinkType.Ethernet, records[0].LinkType);
        Assert.Equal(T0.AddTicks(nanoseconds ? 1_234_567 : 1_234_560), records[0].Timestamp);
        Assert.Equal(a, records[0].Data.ToArray());
        Assert.Null(records[0].InterfaceId);
        Assert.Null(records[0].InterfaceName);
        Assert.Equal((1, 24L), (records[0].Number, records[0].Offset));
        Assert.True(records[1].IsTruncated);
        Assert.Equal(b.Length, records[1].OriginalLength);
        Assert.Equal(24 + 16 + a.Length, records[1].Offset);
    }

    [Fact]
    public void Writer_round_trips_through_the_reader()
    {
        var stream = new MemoryStream();
        var t = T0.AddTicks(4_321);
        using (var writer = new PcapWriter(stream, LinkType.Raw, snapLength: 30, nanoseconds: true, leaveOpen: true))
        {
            writer.Write(t, Samples.Get("igmpv2-report"));
            writer.Write(t.AddSeconds(1), Samples.Get("igmpv3-mixed"));
        }
        var records = ReadAll(stream.ToArray(), out _);
        Assert.Equal(2, records.Count);
        Assert.Equal(t, records[0].Timestamp);
        Assert.Equal(Samples.Get("igmpv2-report")[..30], records[0].Data.ToArray());
        Assert.Equal(Samples.Get("igmpv2-report").Length, records[0].OriginalLength);
        Assert.Equal(LinkType.Raw, records[1].LinkType);
    }

    [Fact]
    public void Pcapng_sections_interfaces_options_and_block_kinds()
    {
        var v2 = Build.Ethernet(Samples.Get("igmpv2-report"));
        var v3 = Build.Ethernet(Samples.Get("igmpv3-mixed"), 100);
        var raw = Samples.Get("mldv2-mixed");
        var ns = (ulong)(T0 - DateTime.UnixEpoch).Ticks * 100;
        var file = CaptureBytes.PcapNg(bigEndian: false)
            .Interface(1, name: "eth0", tsresol: 9)
            .Unknown(4, 16)                               // name resolution block: skipped
            .Interface(101, name: "tun0", tsresol: 0x80 | 20, tsoffset: 3600) // 2^-20 s units, +1 h
            .Enhanced(0, ns + 700, v2)
            .Unknown(0x40000BAD, 0)                       // custom block, empty body
            .Enhanced(1, (1UL << 20) * 10 + (1UL << 19), raw) // 10.5 s after the epoch, +1 h
            .Simple(v3)
            .Section(bigEndian: true)                     // a second section, other byte order
            .Interface(1, name: "eth9")
            .ObsoletePacket(0, (ulong)(T0 - DateTime.UnixEpoch).Ticks / 10, v2)
            .Enhanced(0, (ulong)(T0 - DateTime.UnixEpoch).Ticks / 10 + 5, v3)
            .ToArray();

        var records = ReadAll(file, out var reader);
        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        Assert.Equal(2, reader.Sections);
        Assert.Equal(5, records.Count);

        Assert.Equal((0, "eth0", LinkType.Ethernet), (records[0].InterfaceId, records[0].InterfaceName, records[0].LinkType));
        Assert.Equal(T0.AddTicks(7), records[0].Timestamp); // 700 ns
        Assert.Equal(v2, records[0].Data.ToArray());

        Assert.Equal((1, "tun0", LinkType.Raw), (records[1].InterfaceId, records[1].InterfaceName, records[1].LinkType));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(3600 + 10.5), records[1].Timestamp);
        Assert.Equal(raw, records[1].Data.ToArray());

        // Simple packet block: interface 0, no timestamp of its own (takes the previous one).
        Assert.Equal((0, "eth0"), (records[2].InterfaceId, records[2].InterfaceName));
        Assert.Equal(records[1].Timestamp, records[2].Timestamp);
        Assert.Equal(v3, records[2].Data.ToArray());

        // Second section: interfaces restart at 0, big-endian, default µs resolution.
        Assert.Equal((0, "eth9"), (records[3].InterfaceId, records[3].InterfaceName));
        Assert.Equal(T0, records[3].Timestamp);
        Assert.Equal(T0.AddTicks(50), records[4].Timestamp);
        Assert.Equal(v3, records[4].Data.ToArray());
        Assert.Equal([1, 2, 3, 4, 5], records.Select(r => r.Number));
        Assert.Equal("eth9", Assert.Single(reader.Interfaces).Name);
    }

    [Fact]
    public void Reader_works_on_a_non_seekable_stream()
    {
        var file = CaptureBytes.PcapNg(true).Interface(1, "x").Enhanced(0, 1, Build.Ethernet(Samples.Get("igmpv2-leave"))).ToArray();
        using var reader = new CaptureReader(new OneByteAtATimeStream(file));
        Assert.True(reader.TryReadNext(out var r));
        Assert.Equal("x", r.InterfaceName);
        Assert.False(reader.TryReadNext(out _));
    }

    /// <summary>A forward-only stream that returns one byte per read, as a slow pipe might.</summary>
    private sealed class OneByteAtATimeStream(byte[] data) : Stream
    {
        private int _at;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at >= data.Length || count == 0) return 0;
            buffer[offset] = data[_at++];
            return 1;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

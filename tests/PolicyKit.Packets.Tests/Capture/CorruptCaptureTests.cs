using System.Buffers.Binary;
using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Capture;

public class CorruptCaptureTests
{
    private static readonly byte[] Frame = Build.Ethernet(Samples.Get("igmpv3-mixed"));

    private static (List<CaptureRecord> Records, CaptureFormatException? Error) ReadUntilError(byte[] file)
    {
        var records = new List<CaptureRecord>();
        try
        {
            using var reader = new CaptureReader(new MemoryStream(file));
            while (reader.TryReadNext(out var r)) records.Add(r.WithCopiedData());
            return (records, null);
        }
        catch (CaptureFormatException e)
        {
            return (records, e);
        }
    }

    public static TheoryData<string> Files() => new("pcap-le", "pcap-be-ns", "pcapng-le", "pcapng-be");

    /// <summary>A file of three records; where each header/record block starts and ends.</summary>
    private static (byte[] File, long[] Starts, long[] Ends, long[] Preamble) Make(string kind)
    {
        CaptureBytes c;
        var starts = new List<long>();
        var ends = new List<long>();
        var preamble = new List<long> { 0 };
        switch (kind)
        {
            case "pcap-le":
            case "pcap-be-ns":
                c = CaptureBytes.Pcap(kind.Contains("be"), kind.Contains("ns"), 1);
                for (var i = 0; i < 3; i++) { starts.Add(c.Length); c.Record((uint)i, 0, Frame); ends.Add(c.Length); }
                break;
            default:
                c = CaptureBytes.PcapNg(kind.EndsWith("be"));
                preamble.Add(c.Length); // the interface block starts after the section header
                c.Interface(1, "eth0");
                for (var i = 0; i < 3; i++) { starts.Add(c.Length); c.Enhanced(0, (ulong)i, Frame); ends.Add(c.Length); }
                break;
        }
        return (c.ToArray(), starts.ToArray(), ends.ToArray(), preamble.ToArray());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_truncation_delivers_the_whole_records_then_a_clear_error(string kind)
    {
        var (file, starts, ends, preamble) = Make(kind);
        // Cutting exactly at a block boundary leaves a shorter, valid file; anywhere else the
        // error names the start of the block that was cut.
        var boundaries = preamble.Skip(1).Append(starts[0]).Concat(ends).ToHashSet();
        var blockStarts = preamble.Concat(starts).ToArray();
        for (var length = 0; length < file.Length; length++)
        {
            var (records, error) = ReadUntilError(file[..length]);
            var whole = ends.Count(e => e <= length);
            Assert.Equal(whole, records.Count);
            Assert.All(records, r => Assert.Equal(Frame, r.Data.ToArray()));
            if (boundaries.Contains(length))
            {
                Assert.Null(error);
                continue;
            }
            Assert.NotNull(error);
            var expectedOffset = blockStarts.Where(b => b <= length).Max();
            Assert.True(expectedOffset == error!.Offset, $"{kind} cut at {length}: offset {error.Offset}, expected {expectedOffset}: {error.Message}");
            Assert.Contains("offset", error.Message);
        }
    }

    [Fact]
    public void Not_a_capture()
    {
        var e = Assert.Throws<CaptureFormatException>(() => new CaptureReader(new MemoryStream("hello world, not pcap"u8.ToArray())));
        Assert.Equal(0, e.Offset);
        Assert.Contains("not a pcap or pcapng", e.Message);
        Assert.Throws<CaptureFormatException>(() => new CaptureReader(new MemoryStream([])));
    }

    [Fact]
    public void Huge_declared_lengths_never_allocate_huge_buffers()
    {
        var hugePcap = CaptureBytes.Pcap(false, false, 1).Record(0, 0, Frame, declaredLength: 0x7FFF_FFF0).ToArray();
        var nearLimit = CaptureBytes.Pcap(false, false, 1).Record(0, 0, Frame, declaredLength: 15 * 1024 * 1024).ToArray();
        var hugeBlock = CaptureBytes.PcapNg(false).Interface(1).Raw([6, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0]).ToArray();
        var hugeCaptured = CaptureBytes.PcapNg(false).Interface(1).Enhanced(0, 0, Frame, declaredCaptured: 0x7FFF_0000).ToArray();
        foreach (var (file, text) in new[]
        {
            (hugePcap, "exceeds the limit"), (nearLimit, "truncated"), (hugeBlock, "exceeds the limit"), (hugeCaptured, "exceeds its block"),
        })
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var (records, error) = ReadUntilError(file);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Empty(records);
            Assert.NotNull(error);
            Assert.Contains(text, error!.Message);
            Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated for a {file.Length}-byte file");
        }
    }

    [Fact]
    public void Pcapng_structural_defects()
    {
        var mismatch = CaptureBytes.PcapNg(false).Interface(1).Enhanced(0, 0, Frame).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(mismatch.AsSpan(mismatch.Length - 4), 12345);
        Assert.Contains("trailing length", ReadUntilError(mismatch).Error!.Message);

        var unknownInterface = CaptureBytes.PcapNg(false).Interface(1).Enhanced(3, 0, Frame).ToArray();
        Assert.Contains("interface 3", ReadUntilError(unknownInterface).Error!.Message);

        var noInterface = CaptureBytes.PcapNg(false).Simple(Frame).ToArray();
        Assert.Contains("before any interface", ReadUntilError(noInterface).Error!.Message);

        var oddLength = CaptureBytes.PcapNg(false).Raw([6, 0, 0, 0, 14, 0, 0, 0]).ToArray();
        Assert.Contains("multiple of 4", ReadUntilError(oddLength).Error!.Message);

        var badMagic = CaptureBytes.PcapNg(false).ToArray();
        badMagic[8] ^= 0xFF;
        Assert.Contains("byte-order magic", Assert.Throws<CaptureFormatException>(() => new CaptureReader(new MemoryStream(badMagic))).Message);

        var badOption = CaptureBytes.PcapNg(false).Interface(1, "eth0").ToArray();
        badOption[CaptureBytes.PcapNg(false).Length + 8 + 8 + 2] = 0xFF; // if_name length runs past the block
        Assert.Contains("option", ReadUntilError(badOption).Error!.Message);
    }

    [Fact]
    public void Records_before_damage_in_the_middle_are_delivered()
    {
        var (file, starts, _, _) = Make("pcapng-le");
        file[starts[2] + 4] = 13; // third block's length: not a multiple of 4
        var (records, error) = ReadUntilError(file);
        Assert.Equal(2, records.Count);
        Assert.Equal(starts[2], error!.Offset);
    }
}

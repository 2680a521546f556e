using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Rewriting;

/// <summary>
/// Rewritten packets written to a pcap and dissected by tshark: every IP, IGMP and ICMPv6
/// checksum must be "good" to Wireshark's own code, and the groups and sources it reads must be
/// the ones the decoder reads. A deliberately corrupted packet proves tshark is checking.
/// </summary>
public sealed class TsharkCrossCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pk-packets-tshark-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Rewritten_packets_have_valid_checksums_for_tshark()
    {
        var random = new Random(11);
        var written = new List<byte[]>();
        foreach (var name in Samples.Names)
        {
            var packet = Samples.Get(name);
            for (var round = 0; round < 20; round++)
            {
                Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
                var keep = new bool[m.MaskLength];
                for (var i = 0; i < keep.Length; i++) keep[i] = random.Next(3) != 0;
                var output = new byte[packet.Length];
                if (ReportRewriter.Rewrite(m, keep, output, out var n) == RewriteOutcome.Rewritten) written.Add(output[..n]);
            }
        }
        Assert.True(written.Count >= 50, $"only {written.Count} rewritten packets");

        var corrupt = (byte[])written[0].Clone();
        corrupt[^1] ^= 0x5A;

        var file = Path.Combine(_dir, "rewritten.pcap");
        using (var writer = PcapWriter.Create(file, LinkType.Raw))
        {
            foreach (var p in written) writer.Write(DateTime.UtcNow, p);
            writer.Write(DateTime.UtcNow, corrupt);
        }

        var dissected = Tshark.Dissect(file);
        Assert.Equal(written.Count + 1, dissected.Count);
        for (var i = 0; i < written.Count; i++)
        {
            var t = dissected[i];
            var ours = Decoded.Ok(written[i]);
            if (ours.Family == IpFamily.V4)
            {
                Assert.True(t.IpChecksum == "1" && t.IgmpChecksum == "1", $"packet {t.Number}: ip {t.IpChecksum}, igmp {t.IgmpChecksum}");
            }
            else
            {
                Assert.True(t.Icmpv6Checksum == "1", $"packet {t.Number}: icmpv6 checksum {t.Icmpv6Checksum}");
            }
            Assert.Equal(ours.Records.Select(r => r.Group.ToString()), t.Groups);
            Assert.Equal(ours.Records.SelectMany(r => r.Sources).Select(s => s.ToString()), t.Sources);
        }
        var last = dissected[^1];
        Assert.True(last.IgmpChecksum == "0" || last.Icmpv6Checksum == "0", "tshark did not flag the corrupted packet");
    }
}

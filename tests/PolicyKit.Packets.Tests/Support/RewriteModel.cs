using System.Buffers.Binary;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>
/// What a rewrite must produce, written from the brief's rules independently of the library:
/// the records that survive a keep mask (with their kept sources), and checks of a rewritten
/// packet's lengths and checksums with the test-side checksum.
/// </summary>
public static class RewriteModel
{
    /// <summary>The records expected after rewriting, as DecodedGroupRecord.ToString() lines.</summary>
    public static List<string> ExpectedRecords(DecodedMembership original, bool[] keep)
    {
        var result = new List<string>();
        foreach (var r in original.Records)
        {
            if (!keep[r.MaskIndex]) continue;
            var filtered = r.RawType is 1 or 3 or 5 or 6;
            var sources = filtered ? r.Sources.Where((_, i) => keep[r.MaskIndex + 1 + i]).ToArray() : r.Sources.ToArray();
            if (filtered && r.Sources.Count > 0 && sources.Length == 0 && r.RawType != 3) continue;
            result.Add((r with { Sources = sources, MaskIndex = 0, Index = 0 }).ToString());
        }
        return result;
    }

    public static List<string> Records(DecodedMembership m) =>
        m.Records.Select(r => (r with { MaskIndex = 0, Index = 0 }).ToString()).ToList();

    /// <summary>Asserts IP lengths and every checksum of a rewritten packet with the test's own checksum code.</summary>
    public static void AssertValid(byte[] packet)
    {
        if (packet[0] >> 4 == 4)
        {
            var headerLength = (packet[0] & 0xF) * 4;
            Assert.Equal(packet.Length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
            Assert.Equal(0, Build.Checksum(packet.AsSpan(0, headerLength)));
            Assert.Equal(0, Build.Checksum(packet.AsSpan(headerLength)));
        }
        else
        {
            Assert.Equal(packet.Length - 40, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)));
            Assert.Equal(DecodeStatus.Ok, IpHeader.Parse(packet, out var ip));
            var message = packet.AsSpan(ip.PayloadOffset).ToArray();
            var stored = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2));
            message[2] = 0;
            message[3] = 0;
            Assert.Equal(Build.Icmpv6Checksum(packet.AsSpan(8, 32), message), stored);
        }
    }
}

using System.Buffers.Binary;
using PolicyKit.Packets;

namespace PolicyKit.Nfqueue.Bench;

/// <summary>Builds IGMPv3 reports (IP header with router alert, as hosts send them) for the raw sender.</summary>
internal static class IgmpReport
{
    /// <summary>An IGMPv3 report from <paramref name="host"/> to 224.0.0.22 with one ALLOW record per (source, group).</summary>
    public static byte[] Build(uint host, IReadOnlyList<(uint Source, uint Group)> records)
    {
        int igmpLength = 8 + records.Count * 12;
        var p = new byte[24 + igmpLength];
        p[0] = 0x46;                       // IPv4, 6 words (router alert option)
        p[1] = 0xc0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 1;                          // TTL
        p[9] = 2;                          // IGMP
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), host);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), 0xe0000016);
        p[20] = 0x94; p[21] = 0x04;        // router alert
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), InternetChecksum.Compute(p.AsSpan(0, 24)));
        var igmp = p.AsSpan(24);
        igmp[0] = 0x22;
        BinaryPrimitives.WriteUInt16BigEndian(igmp[6..], (ushort)records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var r = igmp[(8 + i * 12)..];
            r[0] = 5;                      // ALLOW_NEW_SOURCES
            BinaryPrimitives.WriteUInt16BigEndian(r[2..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(r[4..], records[i].Group);
            BinaryPrimitives.WriteUInt32BigEndian(r[8..], records[i].Source);
        }
        BinaryPrimitives.WriteUInt16BigEndian(igmp[2..], InternetChecksum.Compute(igmp));
        return p;
    }

    public static uint V4(string text) => BinaryPrimitives.ReadUInt32BigEndian(System.Net.IPAddress.Parse(text).GetAddressBytes());
}

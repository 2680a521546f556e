using System.Buffers.Binary;

namespace PolicyKit.Packets.Bench;

/// <summary>Report packets as a Linux host sends them (Router Alert, TTL 1), built once.</summary>
internal static class BenchPackets
{
    public static byte[] IgmpV2Report()
    {
        byte[] igmp = [0x16, 0, 0, 0, 239, 77, 2, 1];
        BinaryPrimitives.WriteUInt16BigEndian(igmp.AsSpan(2), InternetChecksum.Compute(igmp));
        return V4(igmp, "239.77.2.1");
    }

    /// <summary>IGMPv3 with 5 records: TO_EX ×3 (ASM joins), ALLOW(2 sources), BLOCK(1 source).</summary>
    public static byte[] IgmpV3Report()
    {
        var records = new List<byte>();
        foreach (var g in new[] { 1, 2, 3 }) records.AddRange([4, 0, 0, 0, 239, 77, 1, (byte)g]);
        records.AddRange([5, 0, 0, 2, 232, 77, 1, 4, 192, 0, 2, 1, 192, 0, 2, 2]);
        records.AddRange([6, 0, 0, 1, 232, 77, 1, 5, 192, 0, 2, 3]);
        var igmp = new byte[8 + records.Count];
        igmp[0] = 0x22;
        BinaryPrimitives.WriteUInt16BigEndian(igmp.AsSpan(6), 5);
        records.CopyTo(igmp, 8);
        BinaryPrimitives.WriteUInt16BigEndian(igmp.AsSpan(2), InternetChecksum.Compute(igmp));
        return V4(igmp, "224.0.0.22");
    }

    /// <summary>MLDv2 with 4 records: TO_EX ×3, ALLOW(2 sources), behind a hop-by-hop Router Alert.</summary>
    public static byte[] MldV2Report()
    {
        var body = new List<byte> { 143, 0, 0, 0, 0, 0, 0, 4 };
        for (var g = 1; g <= 3; g++)
        {
            body.AddRange([4, 0, 0, 0]);
            body.AddRange(Address6(0xff15, 0x77, (ushort)g));
        }
        body.AddRange([5, 0, 0, 2]);
        body.AddRange(Address6(0xff3e, 0x77, 4));
        body.AddRange(Address6(0x2001, 0xdb8, 1));
        body.AddRange(Address6(0x2001, 0xdb8, 2));
        var icmp = body.ToArray();
        var packet = new byte[40 + 8 + icmp.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(8 + icmp.Length));
        packet[6] = 0;   // hop-by-hop
        packet[7] = 1;
        Address6(0xfe80, 0, 2).CopyTo(packet, 8);
        Address6(0xff02, 0, 0x16).CopyTo(packet, 24);
        new byte[] { 58, 0, 5, 2, 0, 0, 1, 0 }.CopyTo(packet, 40);
        // ICMPv6 checksum over the pseudo-header.
        ulong sum = InternetChecksum.Add(0, packet.AsSpan(8, 32));
        sum = InternetChecksum.AddUInt32(sum, (uint)icmp.Length);
        sum = InternetChecksum.AddWord(sum, 58);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), InternetChecksum.Finish(InternetChecksum.Add(sum, icmp)));
        icmp.CopyTo(packet, 48);
        return packet;
    }

    private static byte[] Address6(ushort first, ushort second, ushort last)
    {
        var a = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(a, first);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), second);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(14), last);
        return a;
    }

    private static byte[] V4(byte[] igmp, string destination)
    {
        var p = new byte[24 + igmp.Length];
        p[0] = 0x46;
        p[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[6] = 0x40;
        p[8] = 1;
        p[9] = 2;
        new byte[] { 10, 77, 0, 2 }.CopyTo(p, 12);
        System.Net.IPAddress.Parse(destination).GetAddressBytes().CopyTo(p, 16);
        new byte[] { 148, 4, 0, 0 }.CopyTo(p, 20);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), InternetChecksum.Compute(p.AsSpan(0, 24)));
        igmp.CopyTo(p, 24);
        return p;
    }
}

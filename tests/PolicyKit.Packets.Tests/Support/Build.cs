using System.Buffers.Binary;
using System.Net;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>A group record to build: type, group, sources, aux data words.</summary>
public sealed record Rec(byte Type, string Group, string[] Sources, int AuxWords = 0)
{
    public static Rec Of(int type, string group, params string[] sources) => new((byte)type, group, sources);
}

/// <summary>
/// Builds IGMP and MLD packets byte by byte from the RFC layouts, with a checksum written here
/// independently of the library's (a plain 16-bit word loop), so tests compare two
/// implementations rather than one with itself.
/// </summary>
public static class Build
{
    public static byte[] Bytes(string ip) => IPAddress.Parse(ip).GetAddressBytes();

    /// <summary>RFC 1071 checksum, the textbook way.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial = 0)
    {
        uint sum = initial;
        for (var i = 0; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        if (data.Length % 2 == 1) sum += (uint)(data[^1] << 8);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    public static byte[] Igmp(byte type, byte maxResp, string group, byte[]? extra = null)
    {
        var m = new byte[8 + (extra?.Length ?? 0)];
        m[0] = type;
        m[1] = maxResp;
        Bytes(group).CopyTo(m, 4);
        extra?.CopyTo(m, 8);
        SetChecksum(m, 2);
        return m;
    }

    public static byte[] IgmpV3Query(string group, byte maxResp = 100, params string[] sources)
    {
        var m = new byte[12 + 4 * sources.Length];
        m[0] = 0x11;
        m[1] = maxResp;
        Bytes(group).CopyTo(m, 4);
        m[8] = 2;   // QRV
        m[9] = 125; // QQIC
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(10), (ushort)sources.Length);
        for (var i = 0; i < sources.Length; i++) Bytes(sources[i]).CopyTo(m, 12 + 4 * i);
        SetChecksum(m, 2);
        return m;
    }

    /// <summary>IGMPv3 report (0x22) or MLDv2 report body (type 143, checksum left 0: the IPv6 builder sets it).</summary>
    public static byte[] Records(bool v6, Rec[] records, byte[]? additional = null, int? declaredCount = null)
    {
        var size = v6 ? 16 : 4;
        var ms = new MemoryStream();
        ms.Write([v6 ? (byte)143 : (byte)0x22, 0, 0, 0, 0, 0]);
        var count = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(count, (ushort)(declaredCount ?? records.Length));
        ms.Write(count);
        foreach (var r in records)
        {
            var header = new byte[4];
            header[0] = r.Type;
            header[1] = (byte)r.AuxWords;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)r.Sources.Length);
            ms.Write(header);
            var g = Bytes(r.Group);
            if (g.Length != size) throw new ArgumentException("group family");
            ms.Write(g);
            foreach (var s in r.Sources) ms.Write(Bytes(s));
            for (var i = 0; i < r.AuxWords * 4; i++) ms.WriteByte((byte)(0xA0 + i));
        }
        if (additional is not null) ms.Write(additional);
        var m = ms.ToArray();
        if (!v6) SetChecksum(m, 2);
        return m;
    }

    public static byte[] IgmpV3Report(params Rec[] records) => Records(false, records);

    /// <summary>An IPv4 packet: 20-byte header plus options (Router Alert by default), TTL 1.</summary>
    public static byte[] V4(byte[] payload, string src = "10.0.0.2", string dst = "224.0.0.22", bool routerAlert = true,
        byte protocol = 2, byte[]? options = null, int padding = 0)
    {
        options ??= routerAlert ? [148, 4, 0, 0] : [];
        if (options.Length % 4 != 0) throw new ArgumentException("options must be padded to 4");
        var headerLength = 20 + options.Length;
        var p = new byte[headerLength + payload.Length + padding];
        p[0] = (byte)(0x40 | headerLength / 4);
        p[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)(headerLength + payload.Length));
        p[6] = 0x40; // DF
        p[8] = 1;
        p[9] = protocol;
        Bytes(src).CopyTo(p, 12);
        Bytes(dst).CopyTo(p, 16);
        options.CopyTo(p, 20);
        SetChecksum(p.AsSpan(0, headerLength), 10);
        payload.CopyTo(p, headerLength);
        return p;
    }

    public static byte[] Mld(byte type, string group, ushort maxDelay = 0)
    {
        var m = new byte[24];
        m[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), maxDelay);
        Bytes(group).CopyTo(m, 8);
        return m;
    }

    public static byte[] MldV2Query(string group, params string[] sources)
    {
        var m = new byte[28 + 16 * sources.Length];
        m[0] = 130;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), 1000);
        Bytes(group).CopyTo(m, 8);
        m[24] = 2;
        m[25] = 125;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(26), (ushort)sources.Length);
        for (var i = 0; i < sources.Length; i++) Bytes(sources[i]).CopyTo(m, 28 + 16 * i);
        return m;
    }

    public static byte[] MldV2Report(params Rec[] records) => Records(true, records);

    /// <summary>
    /// An IPv6 packet carrying an ICMPv6 message, hop limit 1, with a hop-by-hop header holding
    /// Router Alert (MLD) by default, and any extra extension headers (raw, next-header patched).
    /// The ICMPv6 checksum is computed here over the pseudo-header.
    /// </summary>
    public static byte[] V6(byte[] icmp, string src = "fe80::2", string dst = "ff02::16", bool hopByHopRouterAlert = true,
        byte nextHeader = 58, bool computeChecksum = true, int padding = 0, params (byte Type, byte[] Body)[] extra)
    {
        var headers = new List<(byte Type, byte[] Body)>();
        if (hopByHopRouterAlert) headers.Add((0, [5, 2, 0, 0, 1, 0])); // RA(MLD) + PadN(0)
        headers.AddRange(extra);
        var ext = new MemoryStream();
        for (var i = 0; i < headers.Count; i++)
        {
            var next = i + 1 < headers.Count ? headers[i + 1].Type : nextHeader;
            var body = headers[i].Body;
            if ((body.Length + 2) % 8 != 0) throw new ArgumentException("extension header must be a multiple of 8");
            ext.WriteByte(next);
            ext.WriteByte((byte)((body.Length + 2) / 8 - 1));
            ext.Write(body);
        }
        var extBytes = ext.ToArray();
        var first = headers.Count > 0 ? headers[0].Type : nextHeader;
        var message = (byte[])icmp.Clone();
        var p = new byte[40 + extBytes.Length + message.Length + padding];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(extBytes.Length + message.Length));
        p[6] = first;
        p[7] = 1;
        Bytes(src).CopyTo(p, 8);
        Bytes(dst).CopyTo(p, 24);
        extBytes.CopyTo(p, 40);
        if (computeChecksum && nextHeader == 58)
        {
            message[2] = 0;
            message[3] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), Icmpv6Checksum(p.AsSpan(8, 32), message));
        }
        message.CopyTo(p, 40 + extBytes.Length);
        return p;
    }

    public static ushort Icmpv6Checksum(ReadOnlySpan<byte> addresses, ReadOnlySpan<byte> message)
    {
        var pseudo = new byte[40 + message.Length];
        addresses.CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 58;
        message.CopyTo(pseudo.AsSpan(40));
        return Checksum(pseudo);
    }

    public static void SetChecksum(Span<byte> data, int at)
    {
        data[at] = 0;
        data[at + 1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(data[at..], Checksum(data));
    }

    /// <summary>An Ethernet frame (optionally VLAN-tagged) around an IP packet.</summary>
    public static byte[] Ethernet(byte[] ip, params ushort[] vlans)
    {
        var f = new byte[14 + 4 * vlans.Length + ip.Length];
        new byte[] { 0x01, 0x00, 0x5e, 0, 0, 0x16, 0x02, 0, 0, 0, 0, 2 }.CopyTo(f, 0);
        var at = 12;
        for (var i = 0; i < vlans.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at), i == 0 && vlans.Length > 1 ? (ushort)0x88A8 : (ushort)0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at + 2), vlans[i]);
            at += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at), (ip[0] >> 4) == 6 ? (ushort)0x86DD : (ushort)0x0800);
        ip.CopyTo(f, at + 2);
        return f;
    }
}

using System.Buffers.Binary;
using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Capture;

public class LinkDecoderTests
{
    private static readonly byte[] Ip4 = Samples.Get("igmpv2-report");
    private static readonly byte[] Ip6 = Samples.Get("mldv1-report");

    [Fact]
    public void Ethernet_untagged_vlan_and_qinq()
    {
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Ethernet, Build.Ethernet(Ip4), out var plain));
        Assert.Equal((0x0800, 0, -1, -1, -1), (plain.EtherType, plain.VlanCount, plain.OuterVlanId, plain.InnerVlanId, plain.IfIndex));
        Assert.Equal(Ip4, plain.Payload.ToArray());
        Assert.Equal(LinkPacketType.Unknown, plain.PacketType);

        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Ethernet, Build.Ethernet(Ip6, 0x2000 | 42), out var tagged));
        Assert.Equal((IpFamily.V6, 1, 42), (tagged.Family, tagged.VlanCount, tagged.OuterVlanId));
        Assert.Equal(Ip6, tagged.Payload.ToArray());

        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Ethernet, Build.Ethernet(Ip4, 100, 200), out var qinq));
        Assert.Equal((2, 100, 200), (qinq.VlanCount, qinq.OuterVlanId, qinq.InnerVlanId));
        Assert.Equal(Ip4, qinq.Payload.ToArray());
    }

    [Fact]
    public void Ethernet_non_ip_and_truncated()
    {
        var arp = Build.Ethernet(Ip4);
        arp[12] = 0x08;
        arp[13] = 0x06;
        Assert.Equal(LinkStatus.NotIp, LinkDecoder.Decode(LinkType.Ethernet, arp, out _));
        Assert.Equal(LinkStatus.Truncated, LinkDecoder.Decode(LinkType.Ethernet, new byte[13], out _));
        var cutTag = Build.Ethernet(Ip4, 5)[..16];
        Assert.Equal(LinkStatus.Truncated, LinkDecoder.Decode(LinkType.Ethernet, cutTag, out _));
        // Endless tags are bounded.
        var tags = new byte[14 + 4 * 20];
        for (var at = 12; at < tags.Length - 2; at += 4) BinaryPrimitives.WriteUInt16BigEndian(tags.AsSpan(at), 0x8100);
        Assert.Equal(LinkStatus.NotIp, LinkDecoder.Decode(LinkType.Ethernet, tags, out _));
    }

    [Fact]
    public void Linux_cooked_v1_and_v2()
    {
        var sll = new byte[16 + Ip4.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll, 2);              // multicast
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(2), 1);    // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(4), 6);
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(14), 0x0800);
        Ip4.CopyTo(sll, 16);
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.LinuxSll, sll, out var v1));
        Assert.Equal((LinkPacketType.Multicast, -1), (v1.PacketType, v1.IfIndex));
        Assert.Equal(Ip4, v1.Payload.ToArray());

        var sll2 = new byte[20 + Ip6.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll2, 0x86DD);
        BinaryPrimitives.WriteInt32BigEndian(sll2.AsSpan(4), 17);   // ifindex
        BinaryPrimitives.WriteUInt16BigEndian(sll2.AsSpan(8), 1);
        sll2[10] = 4;                                               // outgoing
        sll2[11] = 6;
        Ip6.CopyTo(sll2, 20);
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.LinuxSll2, sll2, out var v2));
        Assert.Equal((LinkPacketType.Outgoing, 17, IpFamily.V6), (v2.PacketType, v2.IfIndex, v2.Family));
        Assert.Equal(Ip6, v2.Payload.ToArray());
        Assert.Equal(LinkStatus.Truncated, LinkDecoder.Decode(LinkType.LinuxSll2, sll2[..19], out _));
    }

    [Fact]
    public void Raw_null_and_loop()
    {
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Raw, Ip6, out var raw));
        Assert.Equal(IpFamily.V6, raw.Family);
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Ipv4, Ip4, out var v4));
        Assert.Equal(Ip4, v4.Payload.ToArray());
        Assert.Equal(LinkStatus.NotIp, LinkDecoder.Decode(LinkType.Raw, [0x50, 0], out _));

        foreach (var (family, littleEndian, ip) in new[] { (2u, true, Ip4), (2u, false, Ip4), (10u, true, Ip6), (30u, false, Ip6) })
        {
            var frame = new byte[4 + ip.Length];
            if (littleEndian) BinaryPrimitives.WriteUInt32LittleEndian(frame, family); else BinaryPrimitives.WriteUInt32BigEndian(frame, family);
            ip.CopyTo(frame, 4);
            Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Null, frame, out var f));
            Assert.Equal(ip, f.Payload.ToArray());
        }
        var loop = new byte[4 + Ip4.Length];
        BinaryPrimitives.WriteUInt32BigEndian(loop, 2);
        Ip4.CopyTo(loop, 4);
        Assert.Equal(LinkStatus.Ok, LinkDecoder.Decode(LinkType.Loop, loop, out _));
        Assert.Equal(LinkStatus.UnsupportedLinkType, LinkDecoder.Decode((LinkType)147, loop, out _));
    }
}

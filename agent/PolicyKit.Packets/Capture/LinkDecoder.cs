using System.Buffers.Binary;

namespace PolicyKit.Packets.Capture;

/// <summary>
/// Finds the IP packet in a captured frame: Ethernet (with any number of 802.1Q/802.1ad/QinQ
/// tags, bounded), Linux cooked SLL and SLL2, raw IPv4/IPv6, BSD null and OpenBSD loop.
/// Allocation-free, never throws.
/// </summary>
public static class LinkDecoder
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const int MaxVlanTags = 8;

    public static LinkStatus Decode(LinkType linkType, ReadOnlySpan<byte> frame, out LinkFrame result)
    {
        result = default;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (frame.Length < 14) return LinkStatus.Truncated;
                return FromEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[12..]), frame[14..], -1, LinkPacketType.Unknown, out result);
            case LinkType.LinuxSll:
                // packet type, ARPHRD type, address length, 8 address bytes, protocol.
                if (frame.Length < 16) return LinkStatus.Truncated;
                return FromEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..], -1,
                    PacketTypeOf(BinaryPrimitives.ReadUInt16BigEndian(frame)), out result);
            case LinkType.LinuxSll2:
                // protocol, reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
                if (frame.Length < 20) return LinkStatus.Truncated;
                var ifIndex = BinaryPrimitives.ReadInt32BigEndian(frame[4..]);
                return FromEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..], ifIndex, PacketTypeOf(frame[10]), out result);
            case LinkType.Raw:
                if (frame.Length < 1) return LinkStatus.Truncated;
                return (frame[0] >> 4) switch
                {
                    4 => Ip(EtherTypeIpv4, frame, -1, out result),
                    6 => Ip(EtherTypeIpv6, frame, -1, out result),
                    _ => LinkStatus.NotIp,
                };
            case LinkType.Ipv4:
                return Ip(EtherTypeIpv4, frame, -1, out result);
            case LinkType.Ipv6:
                return Ip(EtherTypeIpv6, frame, -1, out result);
            case LinkType.Null:
            case LinkType.Loop:
            {
                if (frame.Length < 4) return LinkStatus.Truncated;
                // Null: the writer's host byte order, unknown to us; address families are small,
                // so a value above 0xFFFF was written in the other order.
                var family = linkType == LinkType.Loop ? BinaryPrimitives.ReadUInt32BigEndian(frame) : BinaryPrimitives.ReadUInt32LittleEndian(frame);
                if (family > 0xFFFF) family = BinaryPrimitives.ReverseEndianness(family);
                return family switch
                {
                    2 => Ip(EtherTypeIpv4, frame[4..], -1, out result),
                    10 or 24 or 28 or 30 => Ip(EtherTypeIpv6, frame[4..], -1, out result), // Linux, BSDs, macOS
                    _ => LinkStatus.NotIp,
                };
            }
            default:
                return LinkStatus.UnsupportedLinkType;
        }
    }

    private static LinkStatus FromEtherType(ushort etherType, ReadOnlySpan<byte> rest, int ifIndex, LinkPacketType packetType, out LinkFrame result)
    {
        result = default;
        int outer = -1, inner = -1, tags = 0;
        while (etherType is 0x8100 or 0x88A8 or 0x9100)
        {
            if (tags == MaxVlanTags) return LinkStatus.NotIp;
            if (rest.Length < 4) return LinkStatus.Truncated;
            var vlan = BinaryPrimitives.ReadUInt16BigEndian(rest) & 0x0FFF;
            if (tags == 0) outer = vlan;
            else if (tags == 1) inner = vlan;
            tags++;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
            rest = rest[4..];
        }
        if (etherType is not (EtherTypeIpv4 or EtherTypeIpv6)) return LinkStatus.NotIp;
        result = new LinkFrame(rest, etherType, tags, outer, inner, ifIndex, packetType);
        return LinkStatus.Ok;
    }

    private static LinkStatus Ip(ushort etherType, ReadOnlySpan<byte> packet, int ifIndex, out LinkFrame result)
    {
        result = new LinkFrame(packet, etherType, 0, -1, -1, ifIndex, LinkPacketType.Unknown);
        return LinkStatus.Ok;
    }

    private static LinkPacketType PacketTypeOf(int value) => value is >= 0 and <= 4 ? (LinkPacketType)value : LinkPacketType.Unknown;
}

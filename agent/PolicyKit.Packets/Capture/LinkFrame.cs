namespace PolicyKit.Packets.Capture;

/// <summary>Direction/kind of a packet as Linux cooked captures (SLL, SLL2) record it.</summary>
public enum LinkPacketType : byte
{
    /// <summary>Sent to this host.</summary>
    Host = 0,
    Broadcast = 1,
    /// <summary>Multicast received by this host (where IGMP/MLD reports from hosts appear).</summary>
    Multicast = 2,
    OtherHost = 3,
    /// <summary>Sent by this host.</summary>
    Outgoing = 4,
    /// <summary>Not recorded by the link type (Ethernet, raw, null).</summary>
    Unknown = 255,
}

/// <summary>
/// A link-layer frame decoded down to its IP packet: a view over the captured bytes.
/// </summary>
public readonly ref struct LinkFrame
{
    internal LinkFrame(ReadOnlySpan<byte> payload, ushort etherType, int vlanCount, int outerVlan, int innerVlan,
        int ifIndex, LinkPacketType packetType)
    {
        Payload = payload;
        EtherType = etherType;
        VlanCount = vlanCount;
        OuterVlanId = outerVlan;
        InnerVlanId = innerVlan;
        IfIndex = ifIndex;
        PacketType = packetType;
    }

    /// <summary>The IP packet (it may still carry Ethernet padding after its IP length; the IP decoders ignore it).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>0x0800 (IPv4) or 0x86DD (IPv6).</summary>
    public ushort EtherType { get; }

    public IpFamily Family => EtherType == 0x86DD ? IpFamily.V6 : IpFamily.V4;

    /// <summary>Number of 802.1Q / 802.1ad tags skipped.</summary>
    public int VlanCount { get; }

    /// <summary>VLAN id of the outermost tag, −1 when untagged.</summary>
    public int OuterVlanId { get; }

    /// <summary>VLAN id of the second tag (QinQ), −1 when fewer than two tags.</summary>
    public int InnerVlanId { get; }

    /// <summary>Interface index from a Linux SLL2 header; −1 for other link types.</summary>
    public int IfIndex { get; }

    public LinkPacketType PacketType { get; }
}

public enum LinkStatus : byte
{
    Ok = 0,
    /// <summary>The frame is shorter than its link header.</summary>
    Truncated,
    /// <summary>A link type this decoder does not know.</summary>
    UnsupportedLinkType,
    /// <summary>A well-formed frame that carries something other than IPv4/IPv6 (ARP, LLC…): not an error.</summary>
    NotIp,
}

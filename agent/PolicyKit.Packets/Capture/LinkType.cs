namespace PolicyKit.Packets.Capture;

/// <summary>The link types (LINKTYPE_* values of pcap and pcapng) this library reads.</summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>Raw IP, IPv4 or IPv6 by the version nibble.</summary>
    Raw = 101,
    /// <summary>OpenBSD loopback: like <see cref="Null"/> but the family is in network byte order.</summary>
    Loop = 108,
    /// <summary>Linux cooked capture v1 ("any" device, 16-byte header).</summary>
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    /// <summary>Linux cooked capture v2 (20-byte header with the interface index).</summary>
    LinuxSll2 = 276,
}

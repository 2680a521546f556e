namespace PolicyKit.Packets;

/// <summary>
/// The outcome of decoding a packet. <see cref="Ok"/> is a membership message (IGMP or MLD);
/// <see cref="NotMembership"/> is a well-formed IP packet that carries something else (UDP, ND,
/// other ICMPv6): not an error. Everything else names what is wrong; <see cref="DecodeStatusText"/>
/// says it in words. Decoding never throws.
/// </summary>
public enum DecodeStatus : byte
{
    Ok = 0,
    NotMembership,
    Truncated,
    BadIpVersion,
    BadIpHeaderLength,
    BadIpLength,
    BadIpChecksum,
    BadIpOptions,
    BadExtensionHeader,
    Fragmented,
    /// <summary>The IGMP or ICMPv6 message is shorter than its type requires.</summary>
    MessageTooShort,
    BadChecksum,
    /// <summary>A record's header, sources or aux data run past the end of the message (record count too large, source count too large, aux data too long).</summary>
    RecordOverrun,
    /// <summary>An IGMPv2/v3 or MLD message of a known type with an impossible length (e.g. a 9..11-byte IGMP query).</summary>
    BadMessageLength,
}

public static class DecodeStatusText
{
    public static string Describe(this DecodeStatus status) => status switch
    {
        DecodeStatus.Ok => "ok",
        DecodeStatus.NotMembership => "not an IGMP or MLD message",
        DecodeStatus.Truncated => "truncated: the packet is shorter than its IP header or IP length says",
        DecodeStatus.BadIpVersion => "not an IPv4 or IPv6 packet (bad version nibble)",
        DecodeStatus.BadIpHeaderLength => "IPv4 header length below 20 bytes",
        DecodeStatus.BadIpLength => "IP length field inconsistent (IPv4 total length below header length, or IPv6 jumbogram)",
        DecodeStatus.BadIpChecksum => "IPv4 header checksum is wrong",
        DecodeStatus.BadIpOptions => "malformed IPv4 options",
        DecodeStatus.BadExtensionHeader => "malformed or truncated IPv6 extension header",
        DecodeStatus.Fragmented => "IP fragment (IGMP and MLD are never fragmented)",
        DecodeStatus.MessageTooShort => "IGMP/MLD message shorter than its type requires",
        DecodeStatus.BadChecksum => "IGMP/ICMPv6 checksum is wrong",
        DecodeStatus.RecordOverrun => "group records run past the end of the message (record count, source count or aux data length too large)",
        DecodeStatus.BadMessageLength => "IGMP/MLD message length impossible for its type",
        _ => $"decode status {(int)status}",
    };
}
